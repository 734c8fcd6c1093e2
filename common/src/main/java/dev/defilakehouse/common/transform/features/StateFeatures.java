package dev.defilakehouse.common.transform.features;

import static dev.defilakehouse.common.transform.features.WalletFeatureState.amountSum;
import static dev.defilakehouse.common.transform.features.WalletFeatureState.events;
import static dev.defilakehouse.common.transform.features.WalletFeatureState.pricedEvents;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.unix_seconds;
import static org.apache.spark.sql.functions.when;

import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The feature dictionary as of T from {@code wallet_feature_state} of T alone: the same
 * definitions as {@link WalletFeatures#compute} (docs/features.md), one row per state row. Sums
 * become doubles only here, after they were added up exactly.
 */
public final class StateFeatures {
  private StateFeatures() {}

  /** The features of the state rows of {@code asOf}, stamped with {@code computedAt}. */
  public static Dataset<Row> derive(Dataset<Row> state, LocalDate asOf, Instant computedAt) {
    Map<String, Column> values = new LinkedHashMap<>();
    values.put("risk_factor", coalesce(col(WalletFeatureState.RISK_AT), lit(0.0)));
    values.put("total_collateral_eth", coalesce(asDouble(WalletFeatureState.COLLATERAL_AT), lit(0.0)));
    values.put("total_collateral_avg_eth", mean(WalletFeatureState.COLLATERAL_SUM, WalletFeatureState.COLLATERAL_DAYS));
    values.put("total_available_borrows_eth", coalesce(asDouble(WalletFeatureState.AVAILABLE_AT), lit(0.0)));
    values.put("total_available_borrows_avg_eth", mean(WalletFeatureState.AVAILABLE_SUM, WalletFeatureState.AVAILABLE_DAYS));
    Column borrowTotal = asDouble(WalletFeatureState.BORROW_SUM);
    values.put("avg_weighted_risk_factor", when(borrowTotal.gt(0),
        asDouble(WalletFeatureState.RISK_X_BORROW_SUM).divide(borrowTotal)).otherwise(lit(0.0)));
    values.put(FeatureColumns.DAILY_COUNT, col(WalletFeatureState.RISK_ABOVE_DAYS));
    values.put("avg_risk_factor", mean(WalletFeatureState.RISK_SUM, WalletFeatureState.RISK_DAYS));
    values.put("max_risk_factor", col(WalletFeatureState.RISK_MAX));
    values.put("borrow_amount_sum_eth", sumOf(WalletFeatures.BORROW));
    values.put("borrow_amount_avg_eth", mean(amountSum(WalletFeatures.BORROW), pricedEvents(WalletFeatures.BORROW)));
    values.put("borrow_count", col(events(WalletFeatures.BORROW)));
    values.put("repay_amount_sum_eth", sumOf(WalletFeatures.REPAY));
    values.put("repay_amount_avg_eth", mean(amountSum(WalletFeatures.REPAY), pricedEvents(WalletFeatures.REPAY)));
    values.put("repay_count", col(events(WalletFeatures.REPAY)));
    values.put("borrow_repay_diff_eth", sumOf(WalletFeatures.BORROW).minus(sumOf(WalletFeatures.REPAY)));
    values.put("deposit_count", col(events(WalletFeatures.DEPOSIT)));
    values.put("deposit_amount_sum_eth", sumOf(WalletFeatures.DEPOSIT));
    values.put("time_since_first_deposit", secondsSince(WalletFeatureState.FIRST_DEPOSIT_AT, asOf));
    values.put("withdraw_amount_sum_eth", sumOf(WalletFeatures.WITHDRAW));
    values.put("withdraw_deposit_diff_eth",
        greatest(lit(0.0), sumOf(WalletFeatures.WITHDRAW).minus(sumOf(WalletFeatures.DEPOSIT))));
    values.put("liquidation_count", col(events(WalletFeatures.LIQUIDATION)));
    values.put("time_since_last_liquidated", secondsSince(WalletFeatureState.LAST_LIQUIDATED_AT, asOf));
    values.put("liquidation_amount_sum_eth", sumOf(WalletFeatures.LIQUIDATION));
    values.put("unique_borrow_protocol_count", size(col(WalletFeatureState.BORROW_PROTOCOLS)));
    values.put("unique_lending_protocol_count", size(col(WalletFeatureState.DEPOSIT_PROTOCOLS)));

    return FeatureColumns.select(state, values, asOf, computedAt);
  }

  private static Column asDouble(String exactSum) {
    return col(exactSum).cast("double");
  }

  /** Σ amount of the kind's priced events, 0 when none. */
  private static Column sumOf(String kind) {
    return coalesce(asDouble(amountSum(kind)), lit(0.0));
  }

  /** Sum / count as avg computes it; null over nothing. */
  private static Column mean(String exactSum, String count) {
    return when(col(count).gt(0), asDouble(exactSum).divide(col(count).cast("double")));
  }

  private static Column secondsSince(String timestamp, LocalDate asOf) {
    return lit(WalletFeatures.startOf(asOf).getEpochSecond()).minus(unix_seconds(col(timestamp)));
  }
}
