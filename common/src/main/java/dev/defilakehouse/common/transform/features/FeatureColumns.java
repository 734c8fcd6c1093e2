package dev.defilakehouse.common.transform.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * The 26 features of the wallet feature dictionary (spec section 6), in table order, with their
 * types and what kind of value each is. The transformation, the data-quality gate and the docs
 * all follow this list.
 */
public final class FeatureColumns {
  /** What a feature is, so checks can find e.g. every count or every sum. */
  public enum Kind { COUNT, SUM, AVERAGE, CURRENT, MAX, RATIO, DIFF, TIME_SINCE }

  public record Feature(String name, DataType type, Kind kind) {}

  public static final String WALLET_ADDRESS = "wallet_address";
  public static final String AS_OF_DATE = "as_of_date";
  public static final String COMPUTED_AT = "computed_at";
  /** The one count of days; it can never exceed the wallet's number of snapshot days. */
  public static final String DAILY_COUNT = "risk_factor_above_threshold_daily_count";

  public static final List<Feature> FEATURES = List.of(
      f("risk_factor", Kind.CURRENT),
      f("total_collateral_eth", Kind.CURRENT),
      f("total_collateral_avg_eth", Kind.AVERAGE),
      f("total_available_borrows_eth", Kind.CURRENT),
      f("total_available_borrows_avg_eth", Kind.AVERAGE),
      f("avg_weighted_risk_factor", Kind.RATIO),
      count(DAILY_COUNT),
      f("avg_risk_factor", Kind.AVERAGE),
      f("max_risk_factor", Kind.MAX),
      f("borrow_amount_sum_eth", Kind.SUM),
      f("borrow_amount_avg_eth", Kind.AVERAGE),
      count("borrow_count"),
      f("repay_amount_sum_eth", Kind.SUM),
      f("repay_amount_avg_eth", Kind.AVERAGE),
      count("repay_count"),
      f("borrow_repay_diff_eth", Kind.DIFF),
      count("deposit_count"),
      f("deposit_amount_sum_eth", Kind.SUM),
      timeSince("time_since_first_deposit"),
      f("withdraw_amount_sum_eth", Kind.SUM),
      f("withdraw_deposit_diff_eth", Kind.DIFF),
      count("liquidation_count"),
      timeSince("time_since_last_liquidated"),
      f("liquidation_amount_sum_eth", Kind.SUM),
      count("unique_borrow_protocol_count"),
      count("unique_lending_protocol_count"));

  private FeatureColumns() {}

  /**
   * The {@code wallet_features} rows of {@code rows}: the wallet, every feature of {@link #FEATURES}
   * from its definition in {@code values} (cast to the feature's type), the as-of date and the
   * computation time. Fails naming a feature without a definition.
   */
  public static Dataset<Row> select(Dataset<Row> rows, Map<String, Column> values, LocalDate asOf, Instant computedAt) {
    List<Column> out = new ArrayList<>();
    out.add(col(WALLET_ADDRESS));
    for (Feature feature : FEATURES) {
      Column value = values.get(feature.name());
      if (value == null) {
        throw new IllegalStateException("no definition for feature " + feature.name());
      }
      out.add(value.cast(feature.type()).as(feature.name()));
    }
    out.add(to_date(lit(asOf.toString())).as(AS_OF_DATE));
    out.add(lit(Timestamp.from(computedAt)).as(COMPUTED_AT));
    return rows.select(out.toArray(Column[]::new));
  }

  public static List<String> names() {
    return FEATURES.stream().map(Feature::name).toList();
  }

  public static List<String> namesOf(Kind kind) {
    return FEATURES.stream().filter(x -> x.kind() == kind).map(Feature::name).toList();
  }

  /** Every column of {@code analytics.wallet_features}, in order. */
  public static List<String> tableColumns() {
    List<String> columns = new java.util.ArrayList<>();
    columns.add(WALLET_ADDRESS);
    columns.addAll(names());
    columns.add(AS_OF_DATE);
    columns.add(COMPUTED_AT);
    return columns;
  }

  private static Feature f(String name, Kind kind) {
    return new Feature(name, DataTypes.DoubleType, kind);
  }

  private static Feature count(String name) {
    return new Feature(name, DataTypes.IntegerType, Kind.COUNT);
  }

  private static Feature timeSince(String name) {
    return new Feature(name, DataTypes.LongType, Kind.TIME_SINCE);
  }
}
