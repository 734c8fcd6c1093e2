package dev.defilakehouse.jobs;

import dev.defilakehouse.common.catalog.JobSpec;
import dev.defilakehouse.common.catalog.TableCatalog;
import dev.defilakehouse.common.config.BadArgumentException;
import dev.defilakehouse.common.config.RunConfig;
import dev.defilakehouse.common.config.Secrets;
import dev.defilakehouse.common.spark.SparkSessions;
import dev.defilakehouse.jobs.cli.JobArguments;
import dev.defilakehouse.jobs.cli.MaskingOutputStream;
import dev.defilakehouse.jobs.cli.ResultTable;
import dev.defilakehouse.jobs.cli.UsageException;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.Charset;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.spark.sql.SparkSession;

/**
 * The main class of the job jar (spark-submit) and of {@code bin/lakehouse}: dispatches a job by
 * its catalog name, lists the jobs, or runs SQL against the catalog. Exit codes: 0 ok, 1 the job
 * failed, 2 bad arguments: the command line's, found before Spark starts, and the
 * {@link BadArgumentException}s a job finds in its options (a retry cannot fix them).
 */
public final class Launcher {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int BAD_ARGUMENTS = 2;
  private static final int SQL_MAX_ROWS = 1000;

  private final Secrets secrets;
  private final Function<RunConfig, SparkSession> sessions;
  private final Consumer<SparkSession> release;
  private final boolean verboseByEnv;
  private final InputStream in;

  public Launcher(Secrets secrets, Function<RunConfig, SparkSession> sessions, boolean verboseByEnv, InputStream in) {
    this(secrets, sessions, Launcher::stop, verboseByEnv, in);
  }

  /**
   * {@code release} ends a session after the command (spark.stop() normally); tests that lend the
   * launcher their one shared session pass a no-op.
   */
  public Launcher(Secrets secrets, Function<RunConfig, SparkSession> sessions, Consumer<SparkSession> release,
                  boolean verboseByEnv, InputStream in) {
    this.secrets = secrets;
    this.sessions = sessions;
    this.release = release;
    this.verboseByEnv = verboseByEnv;
    this.in = in;
  }

  public static void main(String[] args) {
    Secrets secrets = Secrets.fromSystemEnv();
    // Before anything logs: every line this JVM prints is masked from here on.
    MaskingOutputStream.installOnSystemStreams(secrets);
    int code = new Launcher(secrets, SparkSessions::forRun, "1".equals(System.getenv("LAKEHOUSE_VERBOSE")), System.in)
        .execute(args, System.out, System.err);
    System.out.flush();
    System.err.flush();
    // Under spark-submit a normal return lets Spark report success; elsewhere exit explicitly.
    if (code != OK || System.getProperty("spark.submit.deployMode") == null) {
      System.exit(code);
    }
  }

  /** Runs the command line and returns the exit code; bad arguments never start Spark. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return new Launcher(Secrets.fromSystemEnv(), SparkSessions::forRun,
        "1".equals(System.getenv("LAKEHOUSE_VERBOSE")), System.in).execute(args, out, err);
  }

  public int execute(String[] args, PrintStream out, PrintStream err) {
    JobArguments arguments;
    JobRegistry registry;
    try {
      registry = JobRegistry.standard();
    } catch (RuntimeException e) {
      return fail(err, "launcher", e, true);
    }
    try {
      arguments = JobArguments.parse(args, TableCatalog.get(), registry::has);
    } catch (UsageException e) {
      return badArguments(err, e.getMessage());
    }
    boolean verbose = verboseByEnv || arguments.verbose();
    return switch (arguments.command()) {
      case HELP -> {
        out.println(JobArguments.usage());
        yield OK;
      }
      case LIST -> list(registry, out);
      case SQL -> sql(arguments, out, err, verbose);
      case RUN -> runJob(registry, arguments, out, err, verbose);
    };
  }

  private int list(JobRegistry registry, PrintStream out) {
    var jobs = TableCatalog.get().jobsInDependencyOrder();
    int width = jobs.stream().mapToInt(j -> j.name().length()).max().orElse(10);
    out.println("Jobs in dependency order (from the catalog):");
    for (JobSpec job : jobs) {
      String mark = registry.has(job.name()) ? "" : "   [not implemented yet]";
      out.printf("  %-" + width + "s  %s%s%n", job.name(), job.description(), mark);
    }
    return OK;
  }

  private int runJob(JobRegistry registry, JobArguments arguments, PrintStream out, PrintStream err, boolean verbose) {
    SparkSession spark = null;
    try {
      spark = sessions.apply(arguments.config());
      new JobRunner(registry, out::println, verbose).run(arguments.job(), arguments.config(), spark, secrets);
      return OK;
    } catch (Throwable e) {
      BadArgumentException bad = badArgument(e);
      if (bad != null) {
        return badArguments(err, bad.getMessage());
      }
      return fail(err, "job=" + arguments.job() + " run_id=" + arguments.config().runId(), e, verbose);
    } finally {
      if (spark != null) {
        release.accept(spark);
      }
    }
  }

  private int sql(JobArguments arguments, PrintStream out, PrintStream err, boolean verbose) {
    RunConfig config = new RunConfig(arguments.env(), arguments.lakehouseRoot(), null,
        arguments.flags().options(), "sql");
    SparkSession spark = null;
    try {
      spark = sessions.apply(config);
      if (arguments.statement() != null) {
        ResultTable.print(spark.sql(arguments.statement()), SQL_MAX_ROWS, out);
        return OK;
      }
      return sqlShell(spark, out, err);
    } catch (Throwable e) {
      return fail(err, "sql", e, verbose);
    } finally {
      if (spark != null) {
        release.accept(spark);
      }
    }
  }

  /**
   * Statements from stdin: interactively each ended by ';' (an error does not end the shell);
   * piped, one per line, stopping at the first error.
   */
  private int sqlShell(SparkSession spark, PrintStream out, PrintStream err) throws Exception {
    boolean interactive = System.console() != null;
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, Charset.defaultCharset()));
    if (interactive) {
      err.println("SQL on the local catalog (e.g. show tables in db_stage_local;). quit or Ctrl-D ends.");
    }
    StringBuilder statement = new StringBuilder();
    while (true) {
      if (interactive) {
        err.print(statement.length() == 0 ? "lakehouse> " : "        -> ");
        err.flush();
      }
      String line = reader.readLine();
      if (line == null || (statement.length() == 0 && line.trim().matches("(?i)quit|exit"))) {
        return OK;
      }
      statement.append(line).append('\n');
      String text = statement.toString().trim();
      if (text.isEmpty()) {
        statement.setLength(0);
      } else if (text.endsWith(";") || !interactive) {
        statement.setLength(0);
        try {
          ResultTable.print(spark.sql(text.replaceAll(";+$", "")), SQL_MAX_ROWS, out);
        } catch (Exception e) { // AnalysisException is checked
          if (!interactive) {
            throw e; // a script stops at its first error, exit 1
          }
          err.println(secrets.mask("error: " + oneLine(e)));
        }
      }
    }
  }

  private int badArguments(PrintStream err, String message) {
    err.println(secrets.mask("error: " + message));
    err.println(JobArguments.usage());
    return BAD_ARGUMENTS;
  }

  /** The bad argument behind {@code e}, however Spark or Delta wrapped it; null if none. */
  private static BadArgumentException badArgument(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof BadArgumentException bad) {
        return bad;
      }
    }
    return null;
  }

  private int fail(PrintStream err, String what, Throwable e, boolean verbose) {
    if (verbose) {
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      err.print(secrets.mask(trace.toString()));
    }
    err.println(secrets.mask("FAILED " + what + " : " + oneLine(e)));
    return FAILED;
  }

  /** The first line of the message (Spark appends plans after it), with the type when it adds context. */
  public static String oneLine(Throwable e) {
    String message = e.getMessage() == null || e.getMessage().isBlank() ? "" : e.getMessage().strip();
    String first = message.lines().findFirst().orElse("");
    boolean ours = e instanceof IllegalStateException || e instanceof IllegalArgumentException;
    String text = first.isEmpty() ? e.getClass().getName() : ours ? first : e.getClass().getSimpleName() + ": " + first;
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root != e && root.getMessage() != null && !text.contains(root.getMessage().lines().findFirst().orElse(""))) {
      text += " (caused by " + root.getClass().getSimpleName() + ": " + root.getMessage().lines().findFirst().orElse("") + ")";
    }
    return text.length() > 2000 ? text.substring(0, 2000) + "..." : text;
  }

  private static void stop(SparkSession spark) {
    if (spark != null) {
      try {
        spark.stop();
      } catch (RuntimeException ignored) {
        // the run's outcome is already decided; a failing stop must not change the exit code
      }
    }
  }
}
