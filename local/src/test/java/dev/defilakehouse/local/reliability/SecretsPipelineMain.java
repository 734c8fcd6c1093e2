package dev.defilakehouse.local.reliability;

import dev.defilakehouse.common.catalog.JobSpec;
import dev.defilakehouse.common.catalog.TableCatalog;
import dev.defilakehouse.common.config.Env;
import dev.defilakehouse.common.config.Interval;
import dev.defilakehouse.common.config.RunConfig;
import dev.defilakehouse.common.config.Secrets;
import dev.defilakehouse.common.spark.SparkSessions;
import dev.defilakehouse.jobs.JobRegistry;
import dev.defilakehouse.jobs.JobRunner;
import dev.defilakehouse.jobs.Launcher;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The child JVM of {@link SecretsTest}: keys from the environment as in production, a session of
 * its own with the Spark event log on, the raw and stage jobs against a sandbox, then jobs that fail
 * against a sandbox rejecting the keys and one whose requests all fail. Every failure is printed
 * the way an operator would see it: the launcher's line, the full stack trace and an ERROR log.
 *
 * <p>Arguments: lakehouse root, event log dir, start, end, rejecting base URL, faulty base URL,
 * then the sandbox's job options as key=value.
 */
public final class SecretsPipelineMain {
  private static final Logger LOG = LoggerFactory.getLogger(SecretsPipelineMain.class);

  private SecretsPipelineMain() {}

  public static void main(String[] args) throws Exception {
    // INFO from every logger (the test config shows only warnings outside the project): more places to leak.
    Configurator.setRootLevel(Level.INFO);
    Secrets secrets = Secrets.fromSystemEnv();
    Map<String, String> options = new LinkedHashMap<>();
    for (String kv : List.of(args).subList(6, args.length)) {
      options.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
    }
    options.put("spark.master", "local[2]");
    options.put("spark.sql.shuffle.partitions", "2");
    options.put("spark.databricks.delta.snapshotPartitions", "2");
    options.put("spark.eventLog.enabled", "true");
    options.put("spark.eventLog.dir", args[1]);
    // Spark 4 compresses event logs by default: plain JSON lines, so a byte scan reads every event.
    options.put("spark.eventLog.compress", "false");
    // Uncompressed Parquet, so a byte scan of the table files sees every string written.
    options.put("spark.sql.parquet.compression.codec", "uncompressed");
    Interval interval = Interval.of(LocalDate.parse(args[2]), LocalDate.parse(args[3]));
    RunConfig config = new RunConfig(Env.LOCAL, args[0], interval, options, "secrets-run");
    SparkSession spark = SparkSessions.forRun(config);
    // The layers that touch source data: raw (the HTTP clients, the only code holding the keys)
    // and stage (payloads and requests copied on). Analytics and features read only stage tables.
    try {
      for (JobSpec job : TableCatalog.get().jobsInDependencyOrder()) {
        if (job.layer().equals("raw") || job.layer().equals("stage")) {
          new JobRunner(JobRegistry.standard(), System.out::println).run(job.name(), config, spark, secrets);
        }
      }
      System.out.println("RAW AND STAGE OK");
    } catch (Exception e) {
      report(e);
    }
    Map<String, String> rejecting = new LinkedHashMap<>(options);
    rejecting.put("subgraph.url", args[4]);
    rejecting.put("transpose.url", args[4]);
    Map<String, String> faulty = new LinkedHashMap<>(options);
    faulty.put("subgraph.url", args[5]);
    faulty.put("transpose.url", args[5]);
    faulty.put("http.max_attempts", "2");
    for (Map<String, String> failing : List.of(rejecting, faulty)) {
      for (String job : List.of("raw.transpose_ethereum_daily_blocks", "raw.the_graph_historical_market_data")) {
        try {
          new JobRunner(JobRegistry.standard(), System.out::println)
              .run(job, new RunConfig(Env.LOCAL, args[0], interval, failing, "secrets-failing"), spark, secrets);
          System.out.println("UNEXPECTED SUCCESS " + job);
        } catch (Exception e) {
          report(e);
        }
      }
    }
    spark.stop(); // closes the event log
  }

  private static void report(Exception e) {
    System.err.println("FAILED " + Launcher.oneLine(e));
    e.printStackTrace();
    LOG.error("job failed", e);
  }
}
