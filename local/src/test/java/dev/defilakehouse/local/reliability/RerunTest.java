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
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, re-runs: after the whole pipeline ran once, every catalog job run a second time for the
 * same interval changes nothing: each table it writes keeps its content (content checksum, run
 * metadata aside), whether or not the run commits a new Delta version.
 */
class RerunTest {

  @Test
  void everyJobRunASecondTimeForTheSameIntervalChangesNothing(@TempDir Path tmp) throws Exception {
    SparkSession spark = SparkTestSession.get();
    TableCatalog catalog = TableCatalog.get();
    SmallPipelineLakehouse once = SmallPipelineLakehouse.get();
    String root = once.copyTo(tmp.resolve("lakehouse")).toString();
    assertEquals(once.checksums(), LakehouseChecksums.all(spark, root), "the copy of the lakehouse is exact");

    JobRunner runner = new JobRunner(JobRegistry.standard(), line -> { });
    List<String> changed = new ArrayList<>();
    int jobs = 0;
    for (JobSpec job : catalog.jobsInDependencyOrder()) {
      Map<String, String> before = new LinkedHashMap<>();
      Map<String, Long> versionsBefore = new LinkedHashMap<>();
      for (String id : job.writes()) {
        TableSpec t = catalog.table(id);
        before.put(id, LakehouseChecksums.of(spark, root, t));
        versionsBefore.put(id, LakehouseChecksums.version(spark, root, t));
      }
      runner.run(job.name(), SmallPipelineLakehouse.config(once.sandbox(), root, "rerun-" + (++jobs)), spark,
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
    assertEquals(catalog.jobs().size(), jobs, "every catalog job ran a second time");
    assertTrue(changed.isEmpty(), "a second run changed tables: " + changed);
    assertEquals(once.checksums(), LakehouseChecksums.all(spark, root), "after every job's second run");
  }
}
