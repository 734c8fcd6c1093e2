package dev.defilakehouse.common.testing;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/**
 * Captures what a test makes visible: every Log4j event (any level, with stack traces) and
 * everything written to System.out/err, for asserting that secrets never show up.
 */
public final class CapturedLogs implements AutoCloseable {
  private final StringBuilder logText = new StringBuilder();
  private final ByteArrayOutputStream console = new ByteArrayOutputStream();
  private final AbstractAppender appender;
  private final PrintStream originalOut = System.out;
  private final PrintStream originalErr = System.err;

  private CapturedLogs() {
    appender = new AbstractAppender("captured-" + UUID.randomUUID(), null, null, true, Property.EMPTY_ARRAY) {
      @Override
      public void append(LogEvent event) {
        synchronized (logText) {
          logText.append(event.getLevel()).append(' ').append(event.getLoggerName()).append(": ")
              .append(event.getMessage().getFormattedMessage()).append('\n');
          if (event.getThrown() != null) {
            StringWriter trace = new StringWriter();
            event.getThrown().printStackTrace(new PrintWriter(trace));
            logText.append(trace).append('\n');
          }
        }
      }
    };
    appender.start();
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    context.getConfiguration().getRootLogger().addAppender(appender, Level.ALL, null);
    context.updateLoggers();
    System.setOut(new PrintStream(new Tee(originalOut, console), true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(new Tee(originalErr, console), true, StandardCharsets.UTF_8));
  }

  public static CapturedLogs start() {
    return new CapturedLogs();
  }

  /** Log events and console output captured so far. */
  public String text() {
    synchronized (logText) {
      synchronized (console) {
        return logText + "\n" + console.toString(StandardCharsets.UTF_8);
      }
    }
  }

  @Override
  public void close() {
    System.setOut(originalOut);
    System.setErr(originalErr);
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    context.getConfiguration().getRootLogger().removeAppender(appender.getName());
    context.updateLoggers();
    appender.stop();
  }

  /** Writes to the original stream and the capture. */
  private static final class Tee extends OutputStream {
    private final OutputStream original;
    private final ByteArrayOutputStream copy;

    Tee(OutputStream original, ByteArrayOutputStream copy) {
      this.original = original;
      this.copy = copy;
    }

    @Override
    public void write(int b) {
      synchronized (copy) {
        copy.write(b);
      }
      try {
        original.write(b);
      } catch (java.io.IOException ignored) {
        // the capture is what matters
      }
    }

    @Override
    public void write(byte[] b, int off, int len) {
      synchronized (copy) {
        copy.write(b, off, len);
      }
      try {
        original.write(b, off, len);
      } catch (java.io.IOException ignored) {
        // the capture is what matters
      }
    }
  }

  /** The full stack trace of {@code error} (messages of every cause), for secret checks. */
  public static String stackTrace(Throwable error) {
    StringWriter trace = new StringWriter();
    error.printStackTrace(new PrintWriter(trace));
    return trace.toString();
  }
}
