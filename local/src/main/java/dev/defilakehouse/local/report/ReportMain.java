package dev.defilakehouse.local.report;

import dev.defilakehouse.common.catalog.TableCatalog;
import dev.defilakehouse.common.config.Env;
import dev.defilakehouse.common.config.RunConfig;
import dev.defilakehouse.common.delta.LakehouseTables;
import dev.defilakehouse.common.spark.SparkSessions;
import dev.defilakehouse.jobs.Launcher;
import dev.defilakehouse.jobs.cli.RunFlags;
import dev.defilakehouse.jobs.cli.UsageException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * {@code bin/lakehouse report [--as-of D]}: reads the lakehouse and writes its report page under
 * {@code <root>/_reports/}. Exit codes as the launcher's: 0 written, 1 failed, 2 bad arguments.
 */
public final class ReportMain {
  static final String USAGE = "usage: bin/lakehouse report [--as-of 2024-01-04] [--lakehouse-root ./lakehouse] "
      + "[--option spark.k=v ...] [--verbose]\n"
      + "  --as-of  the as-of date of the wallet sections (default: the newest in analytics.wallet_features)";

  private ReportMain() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    LocalDate asOf = null;
    RunFlags flags;
    Env env;
    String root;
    try {
      List<String> rest = new ArrayList<>();
      for (int i = 0; i < args.length; i++) {
        if (args[i].equals("--help") || args[i].equals("-h")) {
          out.println(USAGE);
          return Launcher.OK;
        } else if (args[i].equals("--as-of") || args[i].startsWith("--as-of=")) {
          String value = args[i].contains("=") ? args[i].substring("--as-of=".length())
              : i + 1 < args.length ? args[++i] : null;
          asOf = asOfDate(value);
        } else {
          rest.add(args[i]);
        }
      }
      flags = RunFlags.parse(rest);
      if (flags.start() != null || flags.end() != null || flags.fullRefresh()) {
        throw new UsageException("report takes --as-of, not --start, --end or --full-refresh");
      }
      env = flags.resolveEnv(Env.LOCAL);
      root = flags.resolveRoot(env);
    } catch (UsageException e) {
      err.println("error: " + e.getMessage());
      err.println(USAGE);
      return Launcher.BAD_ARGUMENTS;
    }
    boolean localRoot = !root.contains("://") && !root.startsWith("file:");
    if (localRoot && Stream.of("raw", "stage", "analytics").noneMatch(layer -> Files.isDirectory(Path.of(root, layer)))) {
      err.println("FAILED report : no lakehouse under " + root + " (make run writes one; --lakehouse-root names another)");
      return Launcher.FAILED;
    }
    SparkSession spark = null;
    try {
      spark = SparkSessions.forRun(new RunConfig(env, root, null, flags.options(), "report"));
      LakehouseTables tables = new LakehouseTables(spark, env, root, "report", TableCatalog.get());
      if (TableCatalog.get().tables().stream().noneMatch(tables::exists)) {
        err.println("FAILED report : no lakehouse tables under " + root + " (make run writes some)");
        return Launcher.FAILED;
      }
      LocalDate reported = asOf != null ? asOf : LakehouseReport.latestAsOf(tables);
      RunReport report = LakehouseReport.read(spark, tables, env, root, reported, Clock.systemUTC());
      if (asOf != null && report.features() == null) {
        err.println("note: analytics.wallet_features has no as_of_date " + asOf + ": the wallet sections are empty");
      }
      out.println("report: " + LakehouseReport.write(spark, root, report));
      return Launcher.OK;
    } catch (RuntimeException e) {
      if (flags.verbose() || "1".equals(System.getenv("LAKEHOUSE_VERBOSE"))) {
        e.printStackTrace(err);
      }
      err.println("FAILED report : " + Launcher.oneLine(e));
      return Launcher.FAILED;
    } finally {
      if (spark != null) {
        spark.stop();
      }
    }
  }

  private static LocalDate asOfDate(String value) throws UsageException {
    if (value == null || value.startsWith("--")) {
      throw new UsageException("--as-of needs a date (2024-01-04)");
    }
    try {
      return LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      throw new UsageException("--as-of '" + value + "' is not a date like 2024-01-04");
    }
  }
}
