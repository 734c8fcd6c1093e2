package dev.defilakehouse.common.transform.blocks;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Raw Transpose {@code ethereum.blocks} rows (one per UTC day, payload {@code {"block_number": n,
 * "timestamp": "ISO"}}) to typed stage rows. The payload is the source of truth; the raw key
 * columns were extracted leniently.
 */
public final class DailyBlocksTyping {
  private DailyBlocksTyping() {}

  /**
   * {@code block_date, block_number, block_timestamp, problem}: {@code problem} is null for a valid
   * row, else every failed rule joined by "; ".
   */
  public static Dataset<Row> typed(Dataset<Row> raw) {
    Column number = expr("try_cast(get_json_object(payload, '$.block_number') AS BIGINT)");
    Column timestamp = expr("try_cast(get_json_object(payload, '$.timestamp') AS TIMESTAMP)");
    Dataset<Row> parsed = raw.select(col("block_date"), number.as("block_number"), timestamp.as("block_timestamp"));
    Column problem = concat_ws("; ",
        when(col("block_date").isNull(), lit("missing block_date")),
        when(col("block_number").isNull(), lit("block_number missing or not a whole number")),
        when(col("block_number").lt(0), lit("negative block_number")),
        when(col("block_timestamp").isNull(), lit("timestamp missing or not an ISO instant")),
        when(to_date(col("block_timestamp")).notEqual(col("block_date")), lit("timestamp is not on block_date")));
    return parsed.withColumn("problem", when(problem.equalTo(""), lit(null).cast("string")).otherwise(problem));
  }

  /** Valid rows, one per day; identical duplicates collapse. */
  public static Dataset<Row> valid(Dataset<Row> typed) {
    return typed.where(col("problem").isNull()).select("block_date", "block_number", "block_timestamp").distinct();
  }

  /** Days that appear with more than one different block among the valid rows. */
  public static Dataset<Row> conflictingDays(Dataset<Row> valid) {
    return valid.groupBy("block_date").agg(countDistinct(col("block_number"), col("block_timestamp")).as("versions"))
        .where(col("versions").gt(1)).select("block_date");
  }
}
