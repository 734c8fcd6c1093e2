package dev.defilakehouse.common.transform.analytics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import java.time.LocalDate;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Valued positions to {@code the_graph_current_collateral_positions}: the positions of the newest
 * snapshot date present, each with its ETH value.
 */
public final class CurrentPositions {
  private CurrentPositions() {}

  /** The newest snapshot date among {@code positions}, if there is any row. */
  public static Optional<LocalDate> newestSnapshotDate(Dataset<Row> positions) {
    Row newest = positions.agg(max(col("snapshot_date"))).head();
    Object value = newest.get(0);
    if (value == null) {
      return Optional.empty();
    }
    // java.sql.Date, or LocalDate when spark.sql.datetime.java8API.enabled is on
    return Optional.of(value instanceof LocalDate d ? d : ((java.sql.Date) value).toLocalDate());
  }

  /** Positions of the newest snapshot date in {@code valuedPositions} (output of {@link ValuedPositions}). */
  public static Dataset<Row> transform(Dataset<Row> valuedPositions) {
    return newestSnapshotDate(valuedPositions)
        .map(date -> transform(valuedPositions, date))
        .orElseGet(() -> transform(valuedPositions.limit(0), LocalDate.EPOCH));
  }

  public static Dataset<Row> transform(Dataset<Row> valuedPositions, LocalDate snapshotDate) {
    return valuedPositions.where(col("snapshot_date").equalTo(java.sql.Date.valueOf(snapshotDate)))
        .select(col("wallet_address"), col("protocol"), col("snapshot_date"), col("snapshot_block"),
            col("position_id"), col("market_id"), col("token_address"), col("token_symbol"), col("side"),
            col("is_collateral"), col("balance").cast("decimal(38,18)").as("amount"), col("price_eth"),
            col("amount").multiply(col("price_eth")).as("amount_eth"));
  }
}
