package dev.defilakehouse.local.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.defilakehouse.common.catalog.TableCatalog;
import dev.defilakehouse.common.catalog.TableSpec;
import dev.defilakehouse.common.config.Env;
import dev.defilakehouse.common.config.RunConfig;
import dev.defilakehouse.common.spark.SparkSessions;
import dev.defilakehouse.common.testing.SparkTestSession;
import dev.defilakehouse.jobs.JobRegistry;
import dev.defilakehouse.local.PipelineRunner;
import dev.defilakehouse.local.s3.S3TestServer;
import dev.defilakehouse.sandbox.Sandbox;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.storage.DelegatingLogStore;
import org.apache.spark.sql.delta.storage.LogStoreAdaptor;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, S3: the whole pipeline (every catalog job in DAG order) against the sandbox with the
 * lakehouse on {@code s3a://} (an S3-compatible server on loopback, Delta's own S3 log store) gives
 * exactly the tables the same pipeline writes on the local file system.
 */
// Runs a whole small pipeline or more: in `make reliability`, not in `make test` (the CI budget).
@org.junit.jupiter.api.Tag("reliability-long")
class S3PipelineTest {
  @Test
  void theWholePipelineOnS3aWritesTheSameTablesAsOnTheLocalFileSystem() throws Exception {
    SparkSession spark = SparkTestSession.get();
    TableCatalog catalog = TableCatalog.get();
    // the same pipeline, same sandbox and interval, on the local file system
    SmallPipelineLakehouse onDisk = SmallPipelineLakehouse.get();
    Sandbox sandbox = onDisk.sandbox();
    try (S3TestServer server = S3TestServer.start()) {
      Map<String, String> hadoopSettings = SparkSessions.s3aHadoopSettings(server.s3aOptions());
      // the shared session exists already: set the S3A settings a run's --option s3a.* would give it
      hadoopSettings.forEach((k, v) -> {
        spark.sparkContext().hadoopConfiguration().set(k, v);
        spark.conf().set(k, v);
      });
      try {
        String bucket = S3TestServer.uniqueBucketName("pipeline");
        server.createBucket(bucket);
        String s3Root = "s3a://" + bucket + "/lakehouse";
        RunConfig local = SmallPipelineLakehouse.config(sandbox, s3Root, "s3-pipeline");
        Map<String, String> options = new LinkedHashMap<>(local.options());
        options.putAll(server.s3aOptions());
        long started = System.nanoTime();
        new PipelineRunner(JobRegistry.standard(), line -> { }).runAll(spark,
            new RunConfig(Env.LOCAL, s3Root, local.interval(), options, local.runId()), onDisk.secrets());
        long s3Seconds = (System.nanoTime() - started) / 1_000_000_000;

        // the tables really are in the bucket, and Delta chose its single-driver S3 log store by itself
        List<String> keys = server.objectKeys(bucket);
        assertTrue(keys.contains("lakehouse/analytics/wallet_features/_delta_log/00000000000000000001.json"),
            "wallet_features' first commit is in the bucket; keys: " + keys.size());
        String logStore = logStoreOf(spark, catalog.table("analytics.wallet_features").location(s3Root));
        assertEquals("io.delta.storage.S3SingleDriverLogStore", logStore);

        Map<String, String> onS3 = LakehouseChecksums.all(spark, s3Root);
        for (TableSpec table : catalog.tables()) {
          String disk = onDisk.checksums().get(table.id());
          String s3 = onS3.get(table.id());
          boolean equal = disk.equals(s3);
          long lost = Math.max(0, LakehouseChecksums.rows(disk) - LakehouseChecksums.rows(s3));
          ReliabilityLog.record(new ReliabilityLog.Case("s3", "whole pipeline on s3a:// vs local disk: " + table.id(),
              "-", (equal ? "equal: " : "DIFFERENT: s3a " + s3 + " vs disk ") + disk + " (log store "
                  + logStore.substring(logStore.lastIndexOf('.') + 1) + "; pipeline " + s3Seconds + " s on s3a, "
                  + onDisk.pipelineSeconds() + " s on disk)",
              equal ? lost : Math.max(lost, 1), equal));
        }
        assertEquals(onDisk.checksums(), onS3, "every table's content checksum, s3a:// against the local file system");
        assertTrue(onS3.values().stream().noneMatch(LakehouseChecksums.ABSENT::equals),
            "every catalog table was written: " + onS3);
      } finally {
        hadoopSettings.keySet().forEach(k -> {
          spark.sparkContext().hadoopConfiguration().unset(k);
          spark.conf().unset(k);
        });
      }
    }
  }

  /** The class of the log store Delta uses for the table at {@code location}. */
  private static String logStoreOf(SparkSession spark, String location) {
    DelegatingLogStore store = (DelegatingLogStore) DeltaLog.forTable(spark, location).store();
    LogStoreAdaptor delegate = (LogStoreAdaptor) store.getDelegate(new org.apache.hadoop.fs.Path(location));
    return delegate.logStoreImpl().getClass().getName();
  }
}
