package dev.defilakehouse.jobs.cli;

import dev.defilakehouse.common.config.Secrets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;

/**
 * Masks secret values in everything written through it, a line at a time (so a key is never split
 * across two writes). The launcher wraps System.out and System.err with it before any logging
 * starts, which also covers Spark's and the jobs' log lines.
 */
public final class MaskingOutputStream extends OutputStream {
  private static final int MAX_LINE = 1 << 16;

  private final OutputStream target;
  private final Secrets secrets;
  private final Charset charset;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();

  public MaskingOutputStream(OutputStream target, Secrets secrets, Charset charset) {
    this.target = target;
    this.secrets = secrets;
    this.charset = charset;
  }

  /** Replaces System.out and System.err with masking streams. */
  public static void installOnSystemStreams(Secrets secrets) {
    Charset charset = Charset.defaultCharset();
    System.setOut(new PrintStream(new MaskingOutputStream(System.out, secrets, charset), true, charset));
    System.setErr(new PrintStream(new MaskingOutputStream(System.err, secrets, charset), true, charset));
  }

  @Override
  public synchronized void write(int b) throws IOException {
    line.write(b);
    if (b == '\n' || line.size() >= MAX_LINE) {
      emit();
    }
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) throws IOException {
    for (int i = off; i < off + len; i++) {
      write(b[i]);
    }
  }

  /** Emits the pending partial line too, so prompts show. */
  @Override
  public synchronized void flush() throws IOException {
    emit();
    target.flush();
  }

  @Override
  public synchronized void close() throws IOException {
    flush();
  }

  private void emit() throws IOException {
    if (line.size() == 0) {
      return;
    }
    target.write(secrets.mask(line.toString(charset)).getBytes(charset));
    line.reset();
  }
}
