package dev.defilakehouse.jobs.raw;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Raw table schemas (docs/tables.md) and the lenient key extraction they need. Public so the
 * benchmark writes raw tables with exactly these schemas.
 */
public final class RawRows {
  private RawRows() {}

  public static final StructType DAILY_BLOCKS = withRawColumns(new StructType()
      .add("block_date", DataTypes.DateType)
      .add("block_number", DataTypes.LongType)
      .add("block_timestamp", DataTypes.TimestampType));

  public static final StructType EVENTS = withRawColumns(new StructType()
      .add("block_date", DataTypes.DateType)
      .add("block_number", DataTypes.LongType)
      .add("log_index", DataTypes.IntegerType)
      .add("transaction_hash", DataTypes.StringType)
      .add("protocol_name", DataTypes.StringType)
      .add("contract_version", DataTypes.StringType));

  public static StructType snapshot(String idColumn) {
    return withRawColumns(new StructType()
        .add("protocol", DataTypes.StringType)
        .add("snapshot_date", DataTypes.DateType)
        .add("snapshot_block", DataTypes.LongType)
        .add("snapshot_timestamp", DataTypes.TimestampType)
        .add(idColumn, DataTypes.StringType));
  }

  /** Every raw table ends with the record, the request it came from, when, and by which run. */
  private static StructType withRawColumns(StructType keys) {
    return keys.add("payload", DataTypes.StringType)
        .add("request", DataTypes.StringType)
        .add("ingested_at", DataTypes.TimestampType)
        .add("run_id", DataTypes.StringType);
  }

  static Dataset<Row> frame(SparkSession spark, List<Row> rows, StructType schema) {
    return spark.createDataFrame(rows, schema);
  }

  /** ISO-8601 with or without offset (UTC assumed), or null: raw never rejects, stage validates. */
  static Timestamp timestamp(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    String t = text.trim().replace(' ', 'T');
    try {
      return Timestamp.from(Instant.parse(t));
    } catch (DateTimeParseException e) {
      // fall through
    }
    try {
      return Timestamp.from(OffsetDateTime.parse(t).toInstant());
    } catch (DateTimeParseException e) {
      // fall through
    }
    try {
      return Timestamp.from(LocalDateTime.parse(t).toInstant(ZoneOffset.UTC));
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  static Integer intOrNull(Long value) {
    return value == null || value < Integer.MIN_VALUE || value > Integer.MAX_VALUE ? null : value.intValue();
  }
}
