package dev.defilakehouse.common.transform.features;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.unix_seconds;
import static org.apache.spark.sql.functions.when;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The wallet feature dictionary as of a date T (spec section 6): one row per wallet that sent or
 * was liquidated in an event before T 00:00 UTC, or held a position on a snapshot date up to T.
 *
 * <p>Pure: analytics events and daily wallet health in, features out. Built from three hash
 * aggregations of the events (distinct events, per wallet and protocol, per wallet), two of the
 * daily health (per day across protocols, then per wallet) and one full outer join, so it scales
 * with the input and not with the number of wallets; only the first event grouping shuffles every
 * event.
 */
public final class WalletFeatures {
  /** Days whose risk factor is strictly above this (health factor below 1.2) are counted. */
  public static final double RISK_FACTOR_THRESHOLD = 1.0 / 1.2;

  static final String DEPOSIT = "deposit";
  static final String WITHDRAW = "withdraw";
  static final String BORROW = "borrow";
  static final String REPAY = "repay";
  static final String LIQUIDATION = "liquidation";

  /**
   * The analytics inputs. Events need {@code event_id, protocol, block_timestamp, sender_address,
   * account_address, amount_eth}; daily health needs {@code wallet_address, snapshot_date,
   * collateral_eth, borrow_eth, available_borrows_eth, risk_factor}.
   */
  public record Inputs(Dataset<Row> deposits, Dataset<Row> withdraws, Dataset<Row> borrows,
                       Dataset<Row> repays, Dataset<Row> liquidations, Dataset<Row> dailyHealth) {}

  private WalletFeatures() {}

  /** The features as of {@code asOf} (instant {@code asOf 00:00 UTC}), stamped with {@code computedAt}. */
  public static Dataset<Row> compute(Inputs inputs, LocalDate asOf, Instant computedAt) {
    Dataset<Row> events = distinctEvents(walletEvents(inputs, asOf));
    Dataset<Row> fromEvents = eventFeatures(events);
    Dataset<Row> fromHealth = healthFeatures(inputs.dailyHealth(), asOf);
    Dataset<Row> joined = fromEvents.join(fromHealth, FeatureColumns.WALLET_ADDRESS, "full_outer");

    Map<String, Column> values = new LinkedHashMap<>();
    values.put("risk_factor", coalesce(col("rf_at_t"), lit(0.0)));
    values.put("total_collateral_eth", coalesce(col("collateral_at_t"), lit(0.0)));
    values.put("total_collateral_avg_eth", col("collateral_avg"));
    values.put("total_available_borrows_eth", coalesce(col("available_at_t"), lit(0.0)));
    values.put("total_available_borrows_avg_eth", col("available_avg"));
    values.put("avg_weighted_risk_factor",
        when(col("borrow_total").gt(0), col("rf_x_borrow_total").divide(col("borrow_total"))).otherwise(lit(0.0)));
    values.put(FeatureColumns.DAILY_COUNT, coalesce(col("days_above_threshold"), lit(0)));
    values.put("avg_risk_factor", col("rf_avg"));
    values.put("max_risk_factor", col("rf_max"));
    values.put("borrow_amount_sum_eth", zeroIfNull("borrow_sum"));
    values.put("borrow_amount_avg_eth", col("borrow_avg"));
    values.put("borrow_count", zeroIfNull("borrow_n"));
    values.put("repay_amount_sum_eth", zeroIfNull("repay_sum"));
    values.put("repay_amount_avg_eth", col("repay_avg"));
    values.put("repay_count", zeroIfNull("repay_n"));
    // Not floored: negative when the wallet repaid more than it borrowed in the events before T.
    values.put("borrow_repay_diff_eth", zeroIfNull("borrow_sum").minus(zeroIfNull("repay_sum")));
    values.put("deposit_count", zeroIfNull("deposit_n"));
    values.put("deposit_amount_sum_eth", zeroIfNull("deposit_sum"));
    values.put("time_since_first_deposit", lit(epochSeconds(asOf)).minus(unix_seconds(col("first_deposit_at"))));
    values.put("withdraw_amount_sum_eth", zeroIfNull("withdraw_sum"));
    values.put("withdraw_deposit_diff_eth",
        greatest(lit(0.0), zeroIfNull("withdraw_sum").minus(zeroIfNull("deposit_sum"))));
    values.put("liquidation_count", zeroIfNull("liquidation_n"));
    values.put("time_since_last_liquidated",
        lit(epochSeconds(asOf)).minus(unix_seconds(col("last_liquidated_at"))));
    values.put("liquidation_amount_sum_eth", zeroIfNull("liquidation_sum"));
    values.put("unique_borrow_protocol_count", zeroIfNull("borrow_protocols"));
    values.put("unique_lending_protocol_count", zeroIfNull("deposit_protocols"));

    return FeatureColumns.select(joined, values, asOf, computedAt);
  }

  /**
   * Per event kind, the events before T that count for a wallet ({@code events}) and those among
   * them whose {@code amount_eth} is null ({@code unpriced_events}): the sums skip the latter, and
   * the job reports how many.
   */
  public static Dataset<Row> eventCounts(Inputs inputs, LocalDate asOf) {
    return walletEvents(inputs, asOf).groupBy("kind").agg(
        count(lit(1)).as("events"),
        sum(when(col("amount_eth").isNull(), 1).otherwise(0)).as("unpriced_events"));
  }

  /** Every event before T as (wallet, kind, event id, protocol, time, amount in ETH). */
  static Dataset<Row> walletEvents(Inputs inputs, LocalDate asOf) {
    Column before = col("block_timestamp").lt(lit(Timestamp.from(startOf(asOf))));
    return ofKind(inputs.deposits(), DEPOSIT, "sender_address", before)
        .unionAll(ofKind(inputs.withdraws(), WITHDRAW, "sender_address", before))
        .unionAll(ofKind(inputs.borrows(), BORROW, "sender_address", before))
        .unionAll(ofKind(inputs.repays(), REPAY, "sender_address", before))
        // A liquidation belongs to the borrower whose collateral was seized, not to the liquidator.
        .unionAll(ofKind(inputs.liquidations(), LIQUIDATION, "account_address", before));
  }

  private static Dataset<Row> ofKind(Dataset<Row> events, String kind, String walletColumn, Column before) {
    return events.where(before.and(col(walletColumn).isNotNull())).select(
        col(walletColumn).as(FeatureColumns.WALLET_ADDRESS),
        lit(kind).as("kind"),
        col("event_id"),
        col("protocol"),
        col("block_timestamp"),
        col("amount_eth").cast("double").as("amount_eth"),
        col("block_date"));
  }

  /**
   * One row per wallet, kind and event, so counts and sums count each event once. An event id (a
   * transaction hash and log index) is emitted by one contract, so it has one protocol; grouping by
   * the protocol too keeps every aggregation buffer fixed-width (a string max would force Spark into
   * a sort-based aggregation of all events).
   */
  static Dataset<Row> distinctEvents(Dataset<Row> events) {
    return events.groupBy(FeatureColumns.WALLET_ADDRESS, "kind", "event_id", "protocol").agg(
        min("block_timestamp").as("block_timestamp"),
        max("amount_eth").as("amount_eth"));
  }

  /**
   * Per wallet from its distinct events, in two hash aggregations: first per wallet, kind and
   * protocol (so distinct protocols become a row count, with no distinct or set aggregate), then
   * per wallet. Averages are Σ amount / number of priced events, which is what avg does.
   */
  private static Dataset<Row> eventFeatures(Dataset<Row> events) {
    Dataset<Row> perProtocol = events.groupBy(FeatureColumns.WALLET_ADDRESS, "kind", "protocol").agg(
        count(lit(1)).as("n"),
        sum("amount_eth").as("amount_sum"),
        count("amount_eth").as("priced"),
        min("block_timestamp").as("first_at"),
        max("block_timestamp").as("last_at"));
    return perProtocol.groupBy(FeatureColumns.WALLET_ADDRESS).agg(
        totalOf(BORROW, "n").as("borrow_n"),
        totalOf(BORROW, "amount_sum").as("borrow_sum"),
        averageOf(BORROW).as("borrow_avg"),
        countOf(BORROW).as("borrow_protocols"),
        totalOf(REPAY, "n").as("repay_n"),
        totalOf(REPAY, "amount_sum").as("repay_sum"),
        averageOf(REPAY).as("repay_avg"),
        totalOf(DEPOSIT, "n").as("deposit_n"),
        totalOf(DEPOSIT, "amount_sum").as("deposit_sum"),
        min(when(isKind(DEPOSIT), col("first_at"))).as("first_deposit_at"),
        countOf(DEPOSIT).as("deposit_protocols"),
        totalOf(WITHDRAW, "amount_sum").as("withdraw_sum"),
        totalOf(LIQUIDATION, "n").as("liquidation_n"),
        totalOf(LIQUIDATION, "amount_sum").as("liquidation_sum"),
        max(when(isKind(LIQUIDATION), col("last_at"))).as("last_liquidated_at"));
  }

  /**
   * Per wallet, from its days (snapshot dates up to T with any position): rf(w,d) is the maximum
   * over protocols, collateral / available borrows / borrow the sums over protocols.
   */
  private static Dataset<Row> healthFeatures(Dataset<Row> health, LocalDate asOf) {
    Column asOfDate = to_date(lit(asOf.toString()));
    Dataset<Row> days = health.where(col("snapshot_date").leq(asOfDate).and(col("wallet_address").isNotNull()))
        .groupBy("wallet_address", "snapshot_date").agg(
            max(col("risk_factor").cast("double")).as("rf"),
            sum(col("collateral_eth").cast("double")).as("collateral"),
            sum(col("available_borrows_eth").cast("double")).as("available"),
            sum(col("borrow_eth").cast("double")).as("borrow"));
    Column atT = col("snapshot_date").equalTo(asOfDate);
    return days.groupBy("wallet_address").agg(
        max(when(atT, col("rf"))).as("rf_at_t"),
        sum(when(atT, col("collateral"))).as("collateral_at_t"),
        sum(when(atT, col("available"))).as("available_at_t"),
        avg("collateral").as("collateral_avg"),
        avg("available").as("available_avg"),
        sum(col("rf").multiply(col("borrow"))).as("rf_x_borrow_total"),
        sum("borrow").as("borrow_total"),
        sum(when(col("rf").gt(lit(RISK_FACTOR_THRESHOLD)), 1).otherwise(0)).as("days_above_threshold"),
        avg("rf").as("rf_avg"),
        max("rf").as("rf_max"));
  }

  private static Column isKind(String kind) {
    return col("kind").equalTo(lit(kind));
  }

  /** Rows of this kind: after the per-protocol grouping, the number of distinct protocols. */
  private static Column countOf(String kind) {
    return sum(when(isKind(kind), 1).otherwise(0));
  }

  /** Null amounts were skipped by the per-protocol sum; a kind with no priced event totals null (then 0). */
  private static Column totalOf(String kind, String column) {
    return sum(when(isKind(kind), col(column)));
  }

  private static Column averageOf(String kind) {
    Column priced = totalOf(kind, "priced");
    return when(priced.gt(0), totalOf(kind, "amount_sum").divide(priced));
  }

  private static Column zeroIfNull(String column) {
    return coalesce(col(column), lit(0));
  }

  static Instant startOf(LocalDate date) {
    return date.atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  private static long epochSeconds(LocalDate date) {
    return startOf(date).getEpochSecond();
  }
}
