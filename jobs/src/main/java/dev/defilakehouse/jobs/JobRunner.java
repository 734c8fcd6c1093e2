package dev.defilakehouse.jobs;

import dev.defilakehouse.common.config.RunConfig;
import dev.defilakehouse.common.config.Secrets;
import dev.defilakehouse.common.job.JobContext;
import dev.defilakehouse.common.job.JobReport;
import dev.defilakehouse.common.job.LakehouseJob;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one registered job in a given session: announces its start (the options too when verbose),
 * runs it, announces the summary.
 */
public final class JobRunner {
  private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

  private final JobRegistry registry;
  private final Consumer<String> announce;
  private final boolean verbose;

  public JobRunner(JobRegistry registry) {
    this(registry, LOG::info);
  }

  public JobRunner(JobRegistry registry, Consumer<String> announce) {
    this(registry, announce, false);
  }

  /**
   * {@code announce} receives the start and summary lines (already masked). The launcher prints
   * them on stdout, so they show whatever log configuration the cluster has. {@code verbose} adds
   * the options to the start line.
   */
  public JobRunner(JobRegistry registry, Consumer<String> announce, boolean verbose) {
    this.registry = registry;
    this.announce = announce;
    this.verbose = verbose;
  }

  public JobReport run(String jobName, RunConfig config, SparkSession spark, Secrets secrets) throws Exception {
    LakehouseJob job = registry.get(jobName);
    if (job == null) {
      throw new IllegalArgumentException("unknown job '" + jobName + "'");
    }
    JobContext context = JobContext.create(jobName, config, spark, secrets);
    announce.accept(secrets.mask("START job=" + jobName + " " + (verbose ? config.describe() : config.describeBriefly())));
    long started = System.currentTimeMillis();
    job.run(context);
    announce.accept(secrets.mask(context.report().summaryLine(System.currentTimeMillis() - started)));
    return context.report();
  }
}
