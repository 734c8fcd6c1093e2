package dev.defilakehouse.common.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pieces of session building that need no session: option mapping and local folders. */
class SparkSessionsTest {

  @Test
  void s3aOptionsBecomeHadoopS3aSettingsAndNothingElseDoes() {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("s3a.endpoint", "http://127.0.0.1:9000");
    options.put("s3a.path.style.access", "true");
    options.put("s3a.bucket.archive.endpoint.region", "eu-west-1");
    options.put("spark.sql.shuffle.partitions", "4");
    options.put("subgraph.url", "http://127.0.0.1:1/x");

    assertEquals(Map.of(
            "fs.s3a.endpoint", "http://127.0.0.1:9000",
            "fs.s3a.path.style.access", "true",
            "fs.s3a.bucket.archive.endpoint.region", "eu-west-1"),
        SparkSessions.s3aHadoopSettings(options));
  }

  @Test
  void objectStoreRootsKeepTheWarehouseThereAndTheDerbyMetastoreLocal() {
    assertTrue(SparkSessions.isRemote("s3a://data-lakehouse-dev"));
    assertEquals("s3a://data-lakehouse-dev/_warehouse", SparkSessions.warehouseDir("s3a://data-lakehouse-dev/"));
    Path metastore = SparkSessions.localMetastoreDir("s3a://data-lakehouse-dev");
    assertTrue(metastore.isAbsolute(), metastore.toString());
    assertEquals("_metastore-s3a-data-lakehouse-dev", metastore.getFileName().toString());
    assertFalse(metastore.toString().contains("s3a:"), metastore.toString());
  }

  @Test
  void localRootsKeepBothUnderTheRoot(@TempDir Path root) {
    assertFalse(SparkSessions.isRemote(root.toString()));
    assertFalse(SparkSessions.isRemote(root.toUri().toString()));
    assertEquals(root.resolve("_metastore"), SparkSessions.localMetastoreDir(root.toString()));
    assertEquals(root.resolve("_metastore"), SparkSessions.localMetastoreDir(root.toUri().toString()));
    assertEquals(root.resolve("_warehouse").toUri().toString(), SparkSessions.warehouseDir(root.toString()));
  }
}
