package dev.defilakehouse.common.testing;

import dev.defilakehouse.common.catalog.TableCatalog;
import dev.defilakehouse.common.config.Env;
import dev.defilakehouse.common.delta.LakehouseTables;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Writes raw.transpose_ethereum_daily_blocks rows the way the raw job does (docs/tables.md). */
public final class RawDailyBlocks {
  public static final StructType SCHEMA = new StructType()
      .add("block_date", DataTypes.DateType)
      .add("block_number", DataTypes.LongType)
      .add("block_timestamp", DataTypes.TimestampType)
      .add("payload", DataTypes.StringType)
      .add("request", DataTypes.StringType)
      .add("ingested_at", DataTypes.TimestampType)
      .add("run_id", DataTypes.StringType);

  private RawDailyBlocks() {}

  /** A Transpose ethereum.blocks record as received. */
  public static String payload(long blockNumber, String timestamp) {
    return "{\"block_number\":" + blockNumber + ",\"timestamp\":\"" + timestamp + "\"}";
  }

  /** Pairs of (date "2024-01-01", payload); key columns extracted leniently like the raw job. */
  public static void write(SparkSession spark, String lakehouseRoot, String... dateAndPayload) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < dateAndPayload.length; i += 2) {
      rows.add(RowFactory.create(java.sql.Date.valueOf(dateAndPayload[i]), null, null, dateAndPayload[i + 1],
          "{\"source\":\"transpose\",\"kind\":\"sql\",\"sql\":\"SELECT ... FROM ethereum.blocks\"}",
          java.sql.Timestamp.valueOf("2024-06-01 00:00:00"), "fixture"));
    }
    Dataset<Row> raw = spark.createDataFrame(rows, SCHEMA)
        .selectExpr("block_date", "try_cast(get_json_object(payload, '$.block_number') AS BIGINT) block_number",
            "try_cast(get_json_object(payload, '$.timestamp') AS TIMESTAMP) block_timestamp",
            "payload", "request", "ingested_at", "run_id");
    new LakehouseTables(spark, Env.LOCAL, lakehouseRoot, "fixture", TableCatalog.get())
        .upsert(TableCatalog.get().table("raw.transpose_ethereum_daily_blocks"), raw);
  }
}
