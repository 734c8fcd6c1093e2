package dev.defilakehouse.common.testing;

import dev.defilakehouse.common.spark.SparkSessions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The one SparkSession of a test JVM: local[2], 2 shuffle partitions, UI off, Delta on, an
 * in-memory catalog. Tests give each lakehouse its own temp directory.
 */
public final class SparkTestSession {
  private static SparkSession session;

  private SparkTestSession() {}

  public static synchronized SparkSession get() {
    if (session == null) {
      Path warehouse;
      try {
        warehouse = Files.createTempDirectory("spark-test-warehouse");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      session = SparkSessions.deltaAndSafety(SparkSession.builder())
          .appName("defi-lakehouse-tests")
          .master("local[2]")
          .config("spark.ui.enabled", "false")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.sql.shuffle.partitions", "2")
          .config("spark.default.parallelism", "2")
          .config("spark.databricks.delta.snapshotPartitions", "2")
          .config("spark.sql.warehouse.dir", warehouse.toUri().toString())
          .config("spark.sql.catalogImplementation", "in-memory")
          .getOrCreate();
    }
    return session;
  }
}
