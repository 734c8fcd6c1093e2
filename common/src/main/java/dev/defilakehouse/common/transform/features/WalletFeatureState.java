package dev.defilakehouse.common.transform.features;

import static org.apache.spark.sql.functions.bit_or;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The running per-wallet aggregates behind the features ({@code analytics.wallet_feature_state}):
 * one row per wallet and as-of date T holding everything {@link WalletFeatures#compute} aggregates
 * over the events before T and the snapshots up to T, so that {@link StateFeatures#derive} gives
 * the same features without reading the history again.
 *
 * <p>Every aggregate is exactly mergeable: counts, min/max, protocol sets, and sums kept in
 * {@code decimal(38,18)} (each double mapped once to 18 decimals, then added exactly, in long
 * parts while aggregating: {@link ExactSum}). So
 * state(T) = {@link #merge}(state(T'), {@link #aggregate}(inputs, T', T)) is the same row, bit for
 * bit, as {@code aggregate(inputs, none, T)} over the whole history, whatever T' &lt; T the chain
 * went through. A value of 10^18 ETH or more, or a sum beyond ~9.2 * 10^18 ETH, fails the run.
 */
public final class WalletFeatureState {
  /** The exact accumulator type of every sum. */
  public static final DataType EXACT = DataTypes.createDecimalType(38, 18);

  /** Event kinds in state column order. */
  public static final List<String> KINDS = List.of(
      WalletFeatures.DEPOSIT, WalletFeatures.WITHDRAW, WalletFeatures.BORROW, WalletFeatures.REPAY,
      WalletFeatures.LIQUIDATION);

  static final String FIRST_DEPOSIT_AT = "first_deposit_at";
  static final String LAST_LIQUIDATED_AT = "last_liquidated_at";
  static final String BORROW_PROTOCOLS = "borrow_protocols";
  static final String DEPOSIT_PROTOCOLS = "deposit_protocols";
  static final String COLLATERAL_DAYS = "collateral_days";
  static final String COLLATERAL_SUM = "collateral_eth_sum";
  static final String AVAILABLE_DAYS = "available_borrows_days";
  static final String AVAILABLE_SUM = "available_borrows_eth_sum";
  static final String BORROW_SUM = "borrow_eth_sum";
  static final String RISK_X_BORROW_SUM = "risk_x_borrow_eth_sum";
  static final String RISK_DAYS = "risk_factor_days";
  static final String RISK_SUM = "risk_factor_sum";
  static final String RISK_MAX = "risk_factor_max";
  static final String RISK_ABOVE_DAYS = "risk_factor_above_threshold_days";
  static final String RISK_AT = "risk_factor_at_date";
  static final String COLLATERAL_AT = "collateral_eth_at_date";
  static final String AVAILABLE_AT = "available_borrows_eth_at_date";
  /** The values of the as-of snapshot itself: replaced, not accumulated, by a merge. */
  static final List<String> CURRENT = List.of(RISK_AT, COLLATERAL_AT, AVAILABLE_AT);

  /** Columns of the state table, in order (the catalog table {@code analytics.wallet_feature_state}). */
  public static final StructType SCHEMA = schema();

  private WalletFeatureState() {}

  static String events(String kind) {
    return kind + "_events";
  }

  static String pricedEvents(String kind) {
    return kind + "_priced_events";
  }

  static String amountSum(String kind) {
    return kind + "_amount_eth_sum";
  }

  private static StructType schema() {
    StructType s = new StructType().add(FeatureColumns.WALLET_ADDRESS, DataTypes.StringType, false);
    for (String kind : KINDS) {
      s = s.add(events(kind), DataTypes.LongType, false)
          .add(pricedEvents(kind), DataTypes.LongType, false)
          .add(amountSum(kind), EXACT);
    }
    DataType protocols = DataTypes.createArrayType(DataTypes.StringType);
    return s.add(FIRST_DEPOSIT_AT, DataTypes.TimestampType)
        .add(LAST_LIQUIDATED_AT, DataTypes.TimestampType)
        .add(BORROW_PROTOCOLS, protocols, false)
        .add(DEPOSIT_PROTOCOLS, protocols, false)
        .add(COLLATERAL_DAYS, DataTypes.LongType, false)
        .add(COLLATERAL_SUM, EXACT)
        .add(AVAILABLE_DAYS, DataTypes.LongType, false)
        .add(AVAILABLE_SUM, EXACT)
        .add(BORROW_SUM, EXACT)
        .add(RISK_X_BORROW_SUM, EXACT)
        .add(RISK_DAYS, DataTypes.LongType, false)
        .add(RISK_SUM, EXACT)
        .add(RISK_MAX, DataTypes.DoubleType)
        .add(RISK_ABOVE_DAYS, DataTypes.LongType, false)
        .add(RISK_AT, DataTypes.DoubleType)
        .add(COLLATERAL_AT, EXACT)
        .add(AVAILABLE_AT, EXACT)
        .add(FeatureColumns.AS_OF_DATE, DataTypes.DateType, false);
  }

  /**
   * The state of the wallets active in (after, asOf]: events with {@code after 00:00 <=
   * block_timestamp < asOf 00:00} and snapshots with {@code after < snapshot_date <= asOf}, the
   * current values from the snapshot of asOf. Without {@code after}: the whole history before
   * asOf, i.e. state(asOf) itself. The inputs may hold more rows; only these are used.
   */
  public static Dataset<Row> aggregate(WalletFeatures.Inputs inputs, Optional<LocalDate> after, LocalDate asOf) {
    Dataset<Row> events = eventsIn(inputs, after, asOf);
    Dataset<Row> health = inputs.dailyHealth().where(col("snapshot_date").leq(date(asOf)));
    if (after.isPresent()) {
      health = health.where(col("snapshot_date").gt(date(after.get())));
    }
    // Read whole day by whole day (the analytics tables' layout), each task finishes its days and
    // only per-wallet partials are shuffled; otherwise every row is shuffled by wallet.
    Dataset<Row> perProtocol = DayLocalEvents.perProtocol(events)
        .orElseGet(() -> perProtocol(WalletFeatures.distinctEvents(wholeHistory(events, after))));
    Dataset<Row> healthRows = healthRows(health);
    Dataset<Row> perWalletHealth = DayLocalHealth.perWallet(healthRows, asOf)
        .orElseGet(() -> healthAggregates(wholeHistory(healthRows, after), asOf));
    Dataset<Row> joined = eventAggregates(perProtocol)
        .join(perWalletHealth, FeatureColumns.WALLET_ADDRESS, "full_outer");
    return canonical(joined, asOf);
  }

  /** The wallet events with {@code after 00:00 <= block_timestamp < asOf 00:00} (no lower bound without after). */
  private static Dataset<Row> eventsIn(WalletFeatures.Inputs inputs, Optional<LocalDate> after, LocalDate asOf) {
    Dataset<Row> events = WalletFeatures.walletEvents(inputs, asOf);
    return after.isEmpty() ? events
        : events.where(col("block_timestamp").geq(lit(Timestamp.from(WalletFeatures.startOf(after.get())))));
  }

  /**
   * state(asOf) from the state of an earlier date and the {@link #aggregate} of the dates after it
   * up to asOf: counts and sums added, first/last times and maxima combined, protocol sets united,
   * the current values taken from the increment alone.
   */
  public static Dataset<Row> merge(Dataset<Row> previous, Dataset<Row> increment, LocalDate asOf) {
    Dataset<Row> older = previous.select(columnsWithCurrent(false));
    Dataset<Row> newer = increment.select(columnsWithCurrent(true));
    List<Column> aggregates = new ArrayList<>();
    for (String kind : KINDS) {
      aggregates.add(sum(events(kind)).as(events(kind)));
      aggregates.add(sum(pricedEvents(kind)).as(pricedEvents(kind)));
      aggregates.add(sum(amountSum(kind)).as(amountSum(kind)));
    }
    aggregates.add(min(FIRST_DEPOSIT_AT).as(FIRST_DEPOSIT_AT));
    aggregates.add(max(LAST_LIQUIDATED_AT).as(LAST_LIQUIDATED_AT));
    aggregates.add(union(BORROW_PROTOCOLS));
    aggregates.add(union(DEPOSIT_PROTOCOLS));
    for (String summed : List.of(COLLATERAL_DAYS, COLLATERAL_SUM, AVAILABLE_DAYS, AVAILABLE_SUM, BORROW_SUM,
        RISK_X_BORROW_SUM, RISK_DAYS, RISK_SUM, RISK_ABOVE_DAYS)) {
      aggregates.add(sum(summed).as(summed));
    }
    aggregates.add(max(RISK_MAX).as(RISK_MAX));
    // Only the increment's rows carry current values (the older ones are nulled above).
    for (String current : CURRENT) {
      aggregates.add(max(current).as(current));
    }
    Dataset<Row> merged = older.unionByName(newer).groupBy(FeatureColumns.WALLET_ADDRESS)
        .agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new));
    return canonical(merged, asOf);
  }

  /** The state columns with the current values kept or nulled, without the date. */
  private static Column[] columnsWithCurrent(boolean keep) {
    List<Column> columns = new ArrayList<>();
    for (var field : SCHEMA.fields()) {
      if (field.name().equals(FeatureColumns.AS_OF_DATE)) {
        continue;
      }
      columns.add(!keep && CURRENT.contains(field.name())
          ? lit(null).cast(field.dataType()).as(field.name()) : col(field.name()));
    }
    return columns.toArray(Column[]::new);
  }

  private static Column union(String set) {
    return bit_or(ProtocolSet.mask(col(set))).as(set);
  }

  /**
   * The state schema from aggregated columns: absent counts are 0 and absent protocol sets empty,
   * so a wallet's row does not depend on which side of a join or merge it came from; sums, times
   * and current values stay null when nothing contributed.
   */
  private static Dataset<Row> canonical(Dataset<Row> rows, LocalDate asOf) {
    List<Column> out = new ArrayList<>();
    for (var field : SCHEMA.fields()) {
      String name = field.name();
      Column value;
      if (name.equals(FeatureColumns.AS_OF_DATE)) {
        value = date(asOf);
      } else if (field.dataType().equals(DataTypes.LongType)) {
        value = coalesce(col(name), lit(0L));
      } else if (name.equals(BORROW_PROTOCOLS) || name.equals(DEPOSIT_PROTOCOLS)) {
        value = ProtocolSet.names(col(name)); // aggregated as masks
      } else {
        value = col(name);
      }
      out.add(value.cast(field.dataType()).as(name));
    }
    return rows.select(out.toArray(Column[]::new));
  }

  /**
   * Over the whole history, the shuffling plans shuffle each input once by wallet: every grouping
   * after it and the join have wallet among their keys, so Spark runs them in place instead of
   * shuffling after each. A day's increment is too small for that to pay for the extra stage.
   */
  private static Dataset<Row> wholeHistory(Dataset<Row> rows, Optional<LocalDate> after) {
    return after.isEmpty() ? rows.repartition(col(FeatureColumns.WALLET_ADDRESS)) : rows;
  }

  /** Per wallet, kind and protocol from distinct events: count, priced count, first and last time, exact sum. */
  private static Dataset<Row> perProtocol(Dataset<Row> events) {
    List<Column> aggregates = new ArrayList<>(List.of(
        count("amount_eth").as("priced"),
        min("block_timestamp").as("first_at"),
        max("block_timestamp").as("last_at")));
    aggregates.addAll(ExactSum.sums("amount", "amount"));
    return withParts(events, col("amount_eth"), "amount")
        .groupBy(FeatureColumns.WALLET_ADDRESS, "kind", "protocol")
        .agg(count(lit(1)).as("n"), aggregates.toArray(Column[]::new));
  }

  /** Per wallet from {@link #perProtocol}: per kind count, priced count and exact sum; times; protocol sets. */
  private static Dataset<Row> eventAggregates(Dataset<Row> perProtocol) {
    List<Column> aggregates = new ArrayList<>();
    Map<String, Column> decimals = new LinkedHashMap<>();
    for (String kind : KINDS) {
      aggregates.add(sum(when(isKind(kind), col("n"))).as(events(kind)));
      aggregates.add(sum(when(isKind(kind), col("priced"))).as(pricedEvents(kind)));
      aggregates.addAll(ExactSum.sums("amount", amountSum(kind), isKind(kind)));
      decimals.put(amountSum(kind), ExactSum.toDecimal(amountSum(kind)));
    }
    aggregates.add(min(when(isKind(WalletFeatures.DEPOSIT), col("first_at"))).as(FIRST_DEPOSIT_AT));
    aggregates.add(max(when(isKind(WalletFeatures.LIQUIDATION), col("last_at"))).as(LAST_LIQUIDATED_AT));
    aggregates.add(ProtocolSet.union(when(isKind(WalletFeatures.BORROW), col("protocol"))).as(BORROW_PROTOCOLS));
    aggregates.add(ProtocolSet.union(when(isKind(WalletFeatures.DEPOSIT), col("protocol"))).as(DEPOSIT_PROTOCOLS));
    return perProtocol.groupBy(FeatureColumns.WALLET_ADDRESS)
        .agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new))
        .withColumns(decimals);
  }

  /** The daily health rows with a wallet, their risk factor as a double and the exact parts of the summed values. */
  private static Dataset<Row> healthRows(Dataset<Row> health) {
    Dataset<Row> rows = health.where(col("wallet_address").isNotNull())
        .withColumn("rf", col("risk_factor").cast("double"));
    rows = withParts(rows, col("collateral_eth").cast("double"), "collateral");
    rows = withParts(rows, col("available_borrows_eth").cast("double"), "available");
    return withParts(rows, col("borrow_eth").cast("double"), "borrow");
  }

  /**
   * Per wallet from its days ({@link #healthRows}), as {@link WalletFeatures} defines them (per day: maximum risk
   * factor, sums over protocols), with the day's sums exact so the order of the protocols' rows
   * cannot change a bit.
   */
  private static Dataset<Row> healthAggregates(Dataset<Row> rows, LocalDate asOf) {
    List<Column> perDay = new ArrayList<>();
    for (String summed : List.of("collateral", "available", "borrow")) {
      perDay.addAll(ExactSum.sums(summed, summed));
    }
    Dataset<Row> days = rows.groupBy("wallet_address", "snapshot_date")
        .agg(max("rf").as("rf"), perDay.toArray(Column[]::new));
    days = withParts(days, col("rf").multiply(ExactSum.toDouble("borrow")), "rf_x_borrow");
    days = withParts(days, col("rf"), "rf");

    Column atT = col("snapshot_date").equalTo(date(asOf));
    List<Column> aggregates = new ArrayList<>(List.of(
        count(ExactSum.any("collateral")).as(COLLATERAL_DAYS),
        count(ExactSum.any("available")).as(AVAILABLE_DAYS),
        count("rf").as(RISK_DAYS),
        max("rf").as(RISK_MAX),
        sum(when(col("rf").gt(lit(WalletFeatures.RISK_FACTOR_THRESHOLD)), 1L).otherwise(0L)).as(RISK_ABOVE_DAYS),
        max(when(atT, col("rf"))).as(RISK_AT)));
    Map<String, String> sums = Map.of(COLLATERAL_SUM, "collateral", AVAILABLE_SUM, "available",
        BORROW_SUM, "borrow", RISK_X_BORROW_SUM, "rf_x_borrow", RISK_SUM, "rf");
    sums.forEach((target, source) -> aggregates.addAll(ExactSum.sums(source, target)));
    aggregates.addAll(ExactSum.sums("collateral", COLLATERAL_AT, atT));
    aggregates.addAll(ExactSum.sums("available", AVAILABLE_AT, atT));
    Map<String, Column> decimals = new LinkedHashMap<>();
    for (String target : List.of(COLLATERAL_SUM, AVAILABLE_SUM, BORROW_SUM, RISK_X_BORROW_SUM, RISK_SUM,
        COLLATERAL_AT, AVAILABLE_AT)) {
      decimals.put(target, ExactSum.toDecimal(target));
    }
    return days.groupBy("wallet_address")
        .agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new))
        .withColumns(decimals);
  }

  /** {@code rows} with the {@link ExactSum} parts of {@code value} added as columns. */
  private static Dataset<Row> withParts(Dataset<Row> rows, Column value, String name) {
    List<Column> columns = new ArrayList<>(List.of(col("*")));
    columns.addAll(ExactSum.parts(value, name));
    return rows.select(columns.toArray(Column[]::new));
  }

  private static Column isKind(String kind) {
    return col("kind").equalTo(lit(kind));
  }

  private static Column date(LocalDate date) {
    return to_date(lit(date.toString()));
  }
}
