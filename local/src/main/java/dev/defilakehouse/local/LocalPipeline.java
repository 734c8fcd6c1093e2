package dev.defilakehouse.local;

import dev.defilakehouse.common.catalog.JobSpec;
import dev.defilakehouse.common.catalog.TableCatalog;
import dev.defilakehouse.common.config.Env;
import dev.defilakehouse.common.config.RunConfig;
import dev.defilakehouse.common.config.Secrets;
import dev.defilakehouse.common.spark.SparkSessions;
import dev.defilakehouse.jobs.JobRegistry;
import dev.defilakehouse.jobs.JobRunner;
import dev.defilakehouse.jobs.Launcher;
import dev.defilakehouse.jobs.cli.MaskingOutputStream;
import dev.defilakehouse.jobs.cli.RunFlags;
import dev.defilakehouse.jobs.cli.UsageException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.SparkSession;

/**
 * {@code make run}: every implemented catalog job in dependency order, in one local Spark session,
 * into ./lakehouse. Jobs not implemented yet, and jobs whose upstream did not run, are listed.
 * (Minimal for now: the sandbox start and its source options come with the raw jobs.)
 */
public final class LocalPipeline {
  static final String DEFAULT_START = "2024-01-01";
  static final String DEFAULT_END = "2024-01-08";

  private LocalPipeline() {}

  public static void main(String[] args) {
    Secrets secrets = Secrets.fromSystemEnv();
    MaskingOutputStream.installOnSystemStreams(secrets);
    System.exit(run(args, secrets, System.out, System.err));
  }

  static int run(String[] args, Secrets secrets, PrintStream out, PrintStream err) {
    RunConfig config;
    try {
      RunFlags given = RunFlags.parse(Arrays.asList(args));
      if (given.env() != null && !given.env().equals(Env.LOCAL.id())) {
        throw new UsageException("the local pipeline runs --env local only");
      }
      config = new RunFlags(Env.LOCAL.id(), orDefault(given.start(), DEFAULT_START), orDefault(given.end(), DEFAULT_END),
          given.lakehouseRoot(), given.options(), given.verbose()).toRunConfig("pipeline");
    } catch (UsageException e) {
      err.println("error: " + e.getMessage());
      err.println("usage: bin/lakehouse pipeline [--start 2024-01-01] [--end 2024-01-08] [--lakehouse-root ./lakehouse]"
          + " [--option key=value ...]");
      return 2;
    }
    TableCatalog catalog = TableCatalog.get();
    JobRegistry registry = JobRegistry.standard();
    List<String> ran = new ArrayList<>();
    List<String> notImplemented = new ArrayList<>();
    List<String> waiting = new ArrayList<>();
    Set<String> done = new HashSet<>();
    out.println("pipeline: interval " + config.interval() + " into " + config.lakehouseRoot());
    SparkSession spark = null;
    try {
      for (JobSpec job : catalog.jobsInDependencyOrder()) {
        if (!registry.has(job.name())) {
          notImplemented.add(job.name());
          continue;
        }
        List<String> missing = catalog.upstreamOf(job.name()).stream().filter(up -> !done.contains(up)).toList();
        if (!missing.isEmpty()) {
          waiting.add(job.name() + " (needs " + String.join(", ", missing) + ")");
          continue;
        }
        if (spark == null) {
          spark = SparkSessions.forRun(config);
        }
        try {
          new JobRunner(registry, out::println).run(job.name(), config, spark, secrets);
        } catch (Exception e) {
          err.println(secrets.mask("FAILED job=" + job.name() + " run_id=" + config.runId() + " : " + Launcher.oneLine(e)));
          return 1;
        }
        done.add(job.name());
        ran.add(job.name());
      }
    } finally {
      if (spark != null) {
        spark.stop();
      }
    }
    out.println("pipeline: ran " + ran.size() + " job(s)" + (ran.isEmpty() ? "" : ": " + String.join(", ", ran)));
    if (!waiting.isEmpty()) {
      out.println("pipeline: skipped " + waiting.size() + " job(s) whose upstream jobs did not run: "
          + String.join("; ", waiting));
    }
    if (!notImplemented.isEmpty()) {
      out.println("pipeline: not implemented yet (" + notImplemented.size() + "): " + String.join(", ", notImplemented));
    }
    out.println("pipeline: look at the tables with: bin/lakehouse sql \"show tables in db_stage_local\"");
    return 0;
  }

  private static String orDefault(String value, String fallback) {
    return value == null ? fallback : value;
  }
}
