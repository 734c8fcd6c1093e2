package dev.defilakehouse.common.transform.analytics;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Valued positions to {@code the_graph_daily_wallet_health}, one row per wallet, protocol and
 * snapshot, with the formulas of spec section 6. Input: the "valued positions" columns of
 * docs/tables.md (extra columns are ignored). A position without amount or price_eth adds nothing
 * to the sums and is counted in {@code unpriced_positions}; a missing threshold counts as 0.
 */
public final class HealthFactor {
  /** risk_factor of a wallet that borrows with no collateral (and the cap for all others). */
  public static final double MAX_RISK_FACTOR = 1e6;

  private HealthFactor() {}

  public static Dataset<Row> transform(Dataset<Row> valuedPositions) {
    Column value = col("amount").multiply(col("price_eth"));
    Column collateral = col("side").equalTo("SUPPLY").and(coalesce(col("is_collateral"), lit(false)));
    Column borrow = col("side").equalTo("BORROW");

    Dataset<Row> sums = valuedPositions
        .where(col("wallet_address").isNotNull())
        .groupBy("wallet_address", "protocol", "snapshot_date", "snapshot_block")
        .agg(
            total(when(collateral, value)).as("collateral_eth"),
            total(when(collateral, value.multiply(coalesce(col("liquidation_threshold"), lit(0.0))))).as("collateral_x_lt_eth"),
            total(when(collateral, value.multiply(coalesce(col("max_ltv"), lit(0.0))))).as("collateral_x_ltv_eth"),
            total(when(borrow, value)).as("borrow_eth"),
            count(when(value.isNull(), lit(1))).cast("int").as("unpriced_positions"));

    Column borrowEth = col("borrow_eth");
    Column ltEth = col("collateral_x_lt_eth");
    return sums.select(
        col("wallet_address"), col("protocol"), col("snapshot_date"), col("snapshot_block"),
        col("collateral_eth"), ltEth, col("collateral_x_ltv_eth"), borrowEth,
        greatest(lit(0.0), col("collateral_x_ltv_eth").minus(borrowEth)).as("available_borrows_eth"),
        when(borrowEth.gt(0), ltEth.divide(borrowEth)).otherwise(lit(null).cast("double")).as("health_factor"),
        when(borrowEth.leq(0), lit(0.0))
            .when(ltEth.leq(0), lit(MAX_RISK_FACTOR))
            .otherwise(least(lit(MAX_RISK_FACTOR), borrowEth.divide(ltEth))).as("risk_factor"),
        col("unpriced_positions"));
  }

  /** A sum that is 0, not null, when nothing contributes. */
  private static Column total(Column term) {
    return coalesce(sum(term), lit(0.0));
  }
}
