package dev.defilakehouse.local.bench;

import dev.defilakehouse.common.delta.LakehouseTables;
import dev.defilakehouse.common.transform.features.WalletFeatures;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The feature inputs (the five analytics event tables and daily wallet health) as plain Parquet,
 * the peer's input: {@code <dir>/<kind>_events/}, {@code <dir>/daily_wallet_health/}.
 */
final class ParquetExport {
  static final String HEALTH = "daily_wallet_health";

  private ParquetExport() {}

  static void write(SparkSession spark, LakehouseTables tables, Path dir) {
    String previous = spark.conf().get("spark.sql.parquet.outputTimestampType");
    // INT96 is Spark's legacy default; microsecond timestamps are the standard every reader agrees on
    spark.conf().set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS");
    try {
      for (String kind : PipelineBenchmark.EVENT_KINDS) {
        tables.read(tables.catalog().table("analytics.transpose_" + kind + "_events"))
            .write().mode("overwrite").parquet(dir.resolve(kind + "_events").toString());
      }
      tables.read(tables.catalog().table("analytics.the_graph_daily_wallet_health"))
          .write().mode("overwrite").parquet(dir.resolve(HEALTH).toString());
    } finally {
      spark.conf().set("spark.sql.parquet.outputTimestampType", previous);
    }
  }

  /** Spark's own feature transformation over the exported files: the same input DuckDB reads. */
  static Dataset<Row> sparkFeatures(SparkSession spark, Path dir, LocalDate asOf) {
    WalletFeatures.Inputs inputs = new WalletFeatures.Inputs(events(spark, dir, "deposit"),
        events(spark, dir, "withdraw"), events(spark, dir, "borrow"), events(spark, dir, "repay"),
        events(spark, dir, "liquidation"), spark.read().parquet(dir.resolve(HEALTH).toString()));
    return WalletFeatures.compute(inputs, asOf, Instant.now());
  }

  private static Dataset<Row> events(SparkSession spark, Path dir, String kind) {
    return spark.read().parquet(dir.resolve(kind + "_events").toString());
  }
}
