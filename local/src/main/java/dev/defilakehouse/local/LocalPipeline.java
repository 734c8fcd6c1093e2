package dev.defilakehouse.local;

import dev.defilakehouse.common.config.Env;
import dev.defilakehouse.common.config.Interval;
import dev.defilakehouse.common.config.RunConfig;
import dev.defilakehouse.common.config.Secrets;
import dev.defilakehouse.common.delta.LakehouseTables;
import dev.defilakehouse.common.catalog.TableCatalog;
import dev.defilakehouse.common.spark.SparkSessions;
import dev.defilakehouse.jobs.JobRegistry;
import dev.defilakehouse.jobs.Launcher;
import dev.defilakehouse.jobs.cli.MaskingOutputStream;
import dev.defilakehouse.jobs.cli.RunFlags;
import dev.defilakehouse.jobs.cli.UsageException;
import dev.defilakehouse.local.report.LakehouseReport;
import dev.defilakehouse.local.report.RunReport;
import dev.defilakehouse.sandbox.Sandbox;
import dev.defilakehouse.sandbox.SandboxOptions;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * {@code make run}: sandbox up on loopback, every job in DAG order for the interval into ./lakehouse
 * (local[*], the local catalog), sandbox down, then a summary of what was written and the report page.
 */
public final class LocalPipeline {
  static final String DEFAULT_START = "2024-01-01";
  static final String DEFAULT_END = "2024-01-04";
  static final String USAGE = "usage: bin/lakehouse pipeline [--start 2024-01-01] [--end 2024-01-04] "
      + "[--lakehouse-root ./lakehouse] [--option sandbox.wallets=300] [--option sandbox.seed=42] [--option k=v ...] [--full-refresh] [--verbose]";

  private LocalPipeline() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    RunConfig config;
    SandboxOptions sandboxOptions;
    boolean verbose;
    try {
      RunFlags given = RunFlags.parse(Arrays.asList(args));
      verbose = given.verbose() || "1".equals(System.getenv("LAKEHOUSE_VERBOSE"));
      if (given.env() != null && !given.env().equals(Env.LOCAL.id())) {
        throw new UsageException("the local pipeline runs --env local only (use spark-submit or Airflow for dev/prod)");
      }
      config = new RunFlags(Env.LOCAL.id(), orDefault(given.start(), DEFAULT_START), orDefault(given.end(), DEFAULT_END),
          given.lakehouseRoot(), given.options(), given.verbose(), given.fullRefresh(), given.repointTables(),
          given.allowOtherRoot()).toRunConfig("pipeline");
      sandboxOptions = sandboxOptions(config);
    } catch (UsageException | IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    long started = System.nanoTime();
    out.println("pipeline: sandbox " + sandboxOptions.wallets() + " wallets, seed " + sandboxOptions.seed()
        + ", interval " + config.interval() + " into " + config.lakehouseRoot());
    try (Sandbox sandbox = Sandbox.start(sandboxOptions)) {
      Secrets secrets = SandboxSources.secrets(sandbox);
      MaskingOutputStream.installOnSystemStreams(secrets);
      Map<String, String> options = new LinkedHashMap<>(SandboxSources.jobOptions(sandbox));
      options.putAll(config.options());
      RunConfig run = new RunConfig(config.env(), config.lakehouseRoot(), config.interval(), options, config.runId(),
          config.fullRefresh(), config.repointTables());
      SparkSession spark = SparkSessions.forRun(run);
      try {
        new PipelineRunner(JobRegistry.standard(), out::println, verbose).runAll(spark, run, secrets);
        LakehouseTables tables = new LakehouseTables(spark, run.env(), run.lakehouseRoot(), run.runId(), TableCatalog.get());
        try {
          RunReport report = LakehouseReport.read(spark, tables, run.env(), run.lakehouseRoot(),
              Interval.dateOf(run.interval().end()), Clock.systemUTC());
          PipelineSummary.print(report, out);
          out.println("report: " + LakehouseReport.write(spark, run.lakehouseRoot(), report) + "  (open it in a browser)");
        } catch (RuntimeException e) {
          if (verbose) {
            e.printStackTrace(err);
          }
          err.println("FAILED report after the pipeline (its tables are written) : " + Launcher.oneLine(e));
          return 1;
        }
      } finally {
        spark.stop();
      }
    } catch (PipelineRunner.PipelineFailure e) {
      err.println("FAILED pipeline at job=" + e.job() + " : " + e.getCause().getMessage());
      if (verbose) {
        e.printStackTrace(err);
      }
      return 1;
    }
    out.println("pipeline: done in " + Duration.ofNanos(System.nanoTime() - started).toSeconds() + " s");
    return 0;
  }

  /** The sandbox covers the interval plus its end day, whose first block is the last snapshot. */
  static SandboxOptions sandboxOptions(RunConfig config) {
    LocalDate start = config.interval().startDate();
    int days = (int) (Interval.dateOf(config.interval().end()).toEpochDay() - start.toEpochDay()) + 1;
    return SandboxOptions.builder()
        .seed(config.longOption("sandbox.seed", 42))
        .wallets(config.intOption("sandbox.wallets", 300))
        .startDate(start)
        .days(days)
        .build();
  }

  private static String orDefault(String value, String fallback) {
    return value == null ? fallback : value;
  }
}
