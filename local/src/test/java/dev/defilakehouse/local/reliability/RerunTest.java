package dev.defilakehouse.local.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.defilakehouse.common.catalog.JobSpec;
import dev.defilakehouse.common.catalog.TableCatalog;
import dev.defilakehouse.common.catalog.TableSpec;
import dev.defilakehouse.common.testing.SparkTestSession;
import dev.defilakehouse.jobs.JobRegistry;
import dev.defilakehouse.jobs.JobRunner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, re-runs: after the whole pipeline ran once, every catalog job run a second time for the
 * same interval changes nothing: each table it writes keeps its content (content checksum, run
 * metadata aside), whether or not the run commits a new Delta version. The default run re-runs one
 * job per layer; {@code make reliability} (tag {@code reliability-long}) every catalog job.
 */
// Runs a whole small pipeline or more: in `make reliability`, not in `make test` (the CI budget).
@org.junit.jupiter.api.Tag("reliability-long")
class RerunTest {

  /** One job per layer (and the quality gate): the default run's budget. */
  private static final Set<String> ONE_JOB_PER_LAYER = Set.of("raw.transpose_borrow_events",
      "stage.the_graph_historical_market_data", "analytics.the_graph_daily_wallet_health", "analytics.wallet_features",
      "quality.wallet_features");

  @Test
  void oneJobPerLayerRunASecondTimeForTheSameIntervalChangesNothing(@TempDir Path tmp) throws Exception {
    secondRuns(tmp, job -> ONE_JOB_PER_LAYER.contains(job.name()));
  }

  @Test
  @Tag("reliability-long")
  void everyJobRunASecondTimeForTheSameIntervalChangesNothing(@TempDir Path tmp) throws Exception {
    secondRuns(tmp, job -> true);
  }

  /** Runs the chosen jobs a second time, in DAG order, on a copy of the once-run lakehouse. */
  private static void secondRuns(Path tmp, Predicate<JobSpec> chosen) throws Exception {
    SparkSession spark = SparkTestSession.get();
    TableCatalog catalog = TableCatalog.get();
    SmallPipelineLakehouse once = SmallPipelineLakehouse.get();
    String root = once.copyTo(tmp.resolve("lakehouse")).toString();
    assertEquals(once.checksums(), LakehouseChecksums.all(spark, root), "the copy of the lakehouse is exact");

    JobRunner runner = new JobRunner(JobRegistry.standard(), line -> { });
    List<String> changed = new ArrayList<>();
    List<JobSpec> jobs = catalog.jobsInDependencyOrder().stream().filter(chosen).toList();
    int runs = 0;
    for (JobSpec job : jobs) {
      Map<String, String> before = new LinkedHashMap<>();
      Map<String, Long> versionsBefore = new LinkedHashMap<>();
      for (String id : job.writes()) {
        TableSpec t = catalog.table(id);
        before.put(id, LakehouseChecksums.of(spark, root, t));
        versionsBefore.put(id, LakehouseChecksums.version(spark, root, t));
      }
      runner.run(job.name(), SmallPipelineLakehouse.config(once.sandbox(), root, "rerun-" + (++runs)), spark,
          once.secrets());
      List<String> outcome = new ArrayList<>();
      long lost = 0;
      boolean same = true;
      for (String id : job.writes()) {
        TableSpec t = catalog.table(id);
        String after = LakehouseChecksums.of(spark, root, t);
        long version = LakehouseChecksums.version(spark, root, t);
        boolean equal = after.equals(before.get(id));
        same &= equal;
        lost += Math.max(0, LakehouseChecksums.rows(before.get(id)) - LakehouseChecksums.rows(after));
        outcome.add(id + " v" + versionsBefore.get(id) + (version == versionsBefore.get(id) ? " (no new version)"
            : " -> v" + version) + (equal ? ", identical content (" + before.get(id) + ")"
            : ", CHANGED: " + before.get(id) + " -> " + after));
        if (!equal) {
          changed.add(job.name() + " changed " + id + ": " + before.get(id) + " -> " + after);
        }
      }
      ReliabilityLog.record(new ReliabilityLog.Case("re-runs", "second run of " + job.name() + " for "
          + SmallPipelineLakehouse.START + ".." + SmallPipelineLakehouse.END, "-", String.join("; ", outcome),
          lost, same));
    }
    assertTrue(runs > 0, "no job chosen");
    assertTrue(changed.isEmpty(), "a second run changed tables: " + changed);
    assertEquals(once.checksums(), LakehouseChecksums.all(spark, root), "every table after the second runs");
  }
}
