package dev.defilakehouse.local;

import dev.defilakehouse.common.catalog.JobSpec;
import dev.defilakehouse.common.catalog.TableCatalog;
import dev.defilakehouse.common.config.RunConfig;
import dev.defilakehouse.common.config.Secrets;
import dev.defilakehouse.common.job.JobReport;
import dev.defilakehouse.jobs.JobRegistry;
import dev.defilakehouse.jobs.JobRunner;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;

/**
 * Every catalog job in dependency order (the DAG's order) for one interval, in one Spark session —
 * what Airflow does daily, on a laptop. Stops at the first failing job.
 */
public final class PipelineRunner {
  private final JobRegistry registry;
  private final Consumer<String> announce;
  private final boolean verbose;

  public PipelineRunner(JobRegistry registry, Consumer<String> announce) {
    this(registry, announce, false);
  }

  /** {@code verbose}: each job's start line lists its options. */
  public PipelineRunner(JobRegistry registry, Consumer<String> announce, boolean verbose) {
    this.registry = registry;
    this.announce = announce;
    this.verbose = verbose;
  }

  /** Jobs of the catalog that have no implementation yet (empty when the pipeline is complete). */
  public List<String> unimplemented() {
    List<String> missing = new ArrayList<>();
    for (JobSpec job : TableCatalog.get().jobsInDependencyOrder()) {
      if (!registry.has(job.name())) {
        missing.add(job.name());
      }
    }
    return missing;
  }

  /** Runs every job; the reports by job name, in run order. */
  public Map<String, JobReport> runAll(SparkSession spark, RunConfig config, Secrets secrets) throws PipelineFailure {
    List<String> missing = unimplemented();
    if (!missing.isEmpty()) {
      throw new PipelineFailure("pipeline", new IllegalStateException("catalog jobs without an implementation: " + missing));
    }
    Map<String, JobReport> reports = new LinkedHashMap<>();
    JobRunner runner = new JobRunner(registry, announce, verbose);
    for (JobSpec job : TableCatalog.get().jobsInDependencyOrder()) {
      try {
        reports.put(job.name(), runner.run(job.name(), config, spark, secrets));
      } catch (Exception e) {
        throw new PipelineFailure(job.name(), e);
      }
    }
    return reports;
  }

  /** The job that failed, with its cause. */
  public static final class PipelineFailure extends Exception {
    private final String job;

    PipelineFailure(String job, Exception cause) {
      super("job " + job + " failed: " + cause.getMessage(), cause);
      this.job = job;
    }

    public String job() {
      return job;
    }
  }
}
