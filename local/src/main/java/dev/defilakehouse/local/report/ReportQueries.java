package dev.defilakehouse.local.report;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.explode_outer;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.defilakehouse.common.transform.features.FeatureColumns;
import dev.defilakehouse.common.transform.features.WalletFeatures;
import dev.defilakehouse.local.report.RunReport.DayRows;
import dev.defilakehouse.local.report.RunReport.FeatureSummary;
import dev.defilakehouse.local.report.RunReport.LiquidationDay;
import dev.defilakehouse.local.report.RunReport.QualityCheck;
import dev.defilakehouse.local.report.RunReport.QualityDay;
import dev.defilakehouse.local.report.RunReport.RiskBin;
import dev.defilakehouse.local.report.RunReport.RiskDay;
import dev.defilakehouse.local.report.RunReport.RiskyWallet;
import dev.defilakehouse.local.report.RunReport.RuleCount;
import dev.defilakehouse.local.report.RunReport.UnpricedDay;
import dev.defilakehouse.local.report.RunReport.WalletFeatureDay;
import dev.defilakehouse.local.report.RunReport.WalletHealthDay;
import dev.defilakehouse.local.report.RunReport.WalletHistory;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The report's questions, each a Dataset in and a small list out: no paths, no tables by name
 * ({@link LakehouseReport} reads the tables and passes them in).
 */
final class ReportQueries {
  /** Risk factor above this: health factor below 1.2, the features' warning line. */
  static final double WARNING = WalletFeatures.RISK_FACTOR_THRESHOLD;
  /** Histogram bins are twelfths, so 1/1.2 and 1 are bin edges; 18 of them reach 1.5, one more holds the rest. */
  static final int BINS_PER_UNIT = 12;
  static final int BOUNDED_BINS = 18;

  private ReportQueries() {}

  /** One table's rows and the column that dates them (null: the table has none). */
  record DatedTable(String table, String layer, Dataset<Row> rows, String dayColumn) {}

  /** The column that dates a table's rows: a date column it is partitioned by, else its first date column. */
  static Optional<String> dayColumn(StructType schema, List<String> partitionBy) {
    for (String p : partitionBy) {
      if (schema.getFieldIndex(p).isDefined() && schema.apply(p).dataType().equals(DataTypes.DateType)) {
        return Optional.of(p);
      }
    }
    for (StructField field : schema.fields()) {
      if (field.dataType().equals(DataTypes.DateType)) {
        return Optional.of(field.name());
      }
    }
    return Optional.empty();
  }

  /** Rows per table and day, in one Spark job over every table; rows without a date have a null day. */
  static List<DayRows> rowsPerDay(List<DatedTable> tables) {
    Dataset<Row> all = null;
    for (DatedTable t : tables) {
      Column day = t.dayColumn() == null ? lit(null).cast("date") : col(t.dayColumn()).cast("date");
      Dataset<Row> dated = t.rows().select(lit(t.table()).as("table"), lit(t.layer()).as("layer"), day.as("day"));
      all = all == null ? dated : all.unionAll(dated);
    }
    if (all == null) {
      return List.of();
    }
    List<DayRows> out = new ArrayList<>();
    for (Row r : all.groupBy("table", "layer", "day").count().orderBy("table", "day").collectAsList()) {
      out.add(new DayRows(r.getString(0), r.getString(1), localDate(r, 2), r.getLong(3)));
    }
    return out;
  }

  /** {@code stage.quarantine} by source table and rule, most rows first. */
  static List<RuleCount> quarantineByRule(Dataset<Row> quarantine) {
    List<RuleCount> out = new ArrayList<>();
    for (Row r : quarantine.select(col("source_table"), explode_outer(col("reasons")).as("rule"))
        .groupBy(col("source_table"), coalesce(col("rule"), lit("(no rule)")).as("rule")).count()
        .orderBy(col("count").desc(), col("source_table"), col("rule")).collectAsList()) {
      out.add(new RuleCount(r.getString(0), r.getString(1), r.getLong(2)));
    }
    return out;
  }

  /** The gate's checks on {@code asOf}, failed first. */
  static List<QualityCheck> qualityChecks(Dataset<Row> results, LocalDate asOf) {
    List<QualityCheck> out = new ArrayList<>();
    for (Row r : results.where(col("as_of_date").equalTo(lit(Date.valueOf(asOf))))
        .select("check_name", "passed", "observed", "expectation", "message", "run_id")
        .orderBy(col("passed"), col("check_name")).collectAsList()) {
      out.add(new QualityCheck(r.getString(0), r.getBoolean(1), r.getString(2), r.getString(3), r.getString(4),
          r.getString(5)));
    }
    return out;
  }

  /** The gate on every as-of date it checked. */
  static List<QualityDay> qualityHistory(Dataset<Row> results) {
    List<QualityDay> out = new ArrayList<>();
    for (Row r : results.groupBy("as_of_date").agg(count(lit(1)), count_if(col("passed").equalTo(false)))
        .orderBy("as_of_date").collectAsList()) {
      out.add(new QualityDay(localDate(r, 0), r.getLong(1), r.getLong(2)));
    }
    return out;
  }

  /** Per event kind and day, events without an {@code amount_eth} (no price young enough) and all events. */
  static List<UnpricedDay> unpricedEvents(Map<String, Dataset<Row>> analyticsEventsByKind) {
    Dataset<Row> all = null;
    for (Map.Entry<String, Dataset<Row>> kind : analyticsEventsByKind.entrySet()) {
      Dataset<Row> events = kind.getValue().select(lit(kind.getKey() + " events").as("what"), col("block_date").as("day"),
          col("amount_eth").isNull().as("unpriced"));
      all = all == null ? events : all.unionAll(events);
    }
    if (all == null) {
      return List.of();
    }
    List<UnpricedDay> out = new ArrayList<>();
    for (Row r : all.groupBy("what", "day").agg(count_if(col("unpriced")), count(lit(1))).orderBy("what", "day")
        .collectAsList()) {
      out.add(new UnpricedDay(localDate(r, 1), r.getString(0), r.getLong(2), r.getLong(3)));
    }
    return out;
  }

  /** Per snapshot day, positions daily health could not value, of the stage positions of that day. */
  static List<UnpricedDay> unpricedPositions(Dataset<Row> dailyHealth, Dataset<Row> stagePositions) {
    Dataset<Row> unpriced = dailyHealth.groupBy("snapshot_date").agg(sum("unpriced_positions").as("unpriced"));
    Dataset<Row> positions = stagePositions.groupBy("snapshot_date").agg(count(lit(1)).as("positions"));
    List<UnpricedDay> out = new ArrayList<>();
    for (Row r : positions.join(unpriced, "snapshot_date").orderBy("snapshot_date").collectAsList()) {
      out.add(new UnpricedDay(localDate(r, 0), "positions", r.isNullAt(2) ? 0 : r.getLong(2), r.getLong(1)));
    }
    return out;
  }

  /** The as-of date's wallets in a few numbers; percentiles over the wallets with debt. */
  static FeatureSummary featureSummary(Dataset<Row> featuresAtAsOf) {
    Column rf = col("risk_factor");
    Row r = featuresAtAsOf.agg(count(lit(1)), count_if(rf.gt(0)), count_if(rf.gt(WARNING)), count_if(rf.gt(1)),
        coalesce(sum("liquidation_count"), lit(0L)),
        percentile_approx(when(rf.gt(0), rf), array(lit(0.5), lit(0.9), lit(0.99)), lit(10_000)),
        max(when(rf.gt(0), rf))).head();
    List<Object> q = r.isNullAt(5) ? null : r.getList(5);
    return new FeatureSummary(r.getLong(0), r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4),
        q == null ? null : (Double) q.get(0), q == null ? null : (Double) q.get(1), q == null ? null : (Double) q.get(2),
        r.isNullAt(6) ? null : r.getDouble(6));
  }

  /** Wallets with debt on the as-of date by risk factor, in bins of a twelfth up to 1.5, then the rest. */
  static List<RiskBin> riskHistogram(Dataset<Row> featuresAtAsOf) {
    Column rf = col("risk_factor");
    // the bin is the number of edges strictly below the risk factor: (edge k, edge k+1] holds it
    Column bin = lit(0);
    for (int k = 1; k <= BOUNDED_BINS; k++) {
      bin = bin.plus(when(rf.gt(edge(k)), 1).otherwise(0));
    }
    long[] wallets = new long[BOUNDED_BINS + 1];
    for (Row r : featuresAtAsOf.where(rf.gt(0)).groupBy(bin.as("bin")).count().collectAsList()) {
      wallets[r.getInt(0)] = r.getLong(1);
    }
    List<RiskBin> out = new ArrayList<>();
    for (int k = 0; k <= BOUNDED_BINS; k++) {
      out.add(new RiskBin(edge(k), k == BOUNDED_BINS ? null : edge(k + 1), wallets[k]));
    }
    return out;
  }

  /** The k-th bin edge; 1/1.2 and 1 are the features' own constants, so a wallet right on a line lands below it. */
  static double edge(int k) {
    return k == 10 ? WARNING : k == BINS_PER_UNIT ? 1.0 : (double) k / BINS_PER_UNIT;
  }

  /** Per snapshot day, the wallets with debt (risk factor: the highest of the wallet's protocols). */
  static List<RiskDay> riskPerDay(Dataset<Row> dailyHealth) {
    Dataset<Row> wallets = dailyHealth.groupBy("snapshot_date", "wallet_address")
        .agg(max("risk_factor").as("rf"), sum("borrow_eth").as("debt"))
        .where(col("debt").gt(0));
    Column rf = col("rf");
    List<RiskDay> out = new ArrayList<>();
    for (Row r : wallets.groupBy("snapshot_date").agg(count(lit(1)), count_if(rf.gt(WARNING)), count_if(rf.gt(1)),
        percentile_approx(rf, array(lit(0.5), lit(0.9)), lit(10_000))).orderBy("snapshot_date").collectAsList()) {
      List<Object> q = r.getList(4);
      out.add(new RiskDay(localDate(r, 0), r.getLong(1), r.getLong(2), r.getLong(3), (Double) q.get(0),
          (Double) q.get(1)));
    }
    return out;
  }

  /** Per day and protocol: liquidation events, collateral seized and debt repaid in ETH, events without a price. */
  static List<LiquidationDay> liquidationsPerDay(Dataset<Row> analyticsLiquidations) {
    List<LiquidationDay> out = new ArrayList<>();
    for (Row r : analyticsLiquidations.groupBy("block_date", "protocol")
        .agg(count(lit(1)), coalesce(sum("amount_eth"), lit(0.0)), coalesce(sum("amount_liquidated_eth"), lit(0.0)),
            count_if(col("amount_eth").isNull()))
        .orderBy("block_date", "protocol").collectAsList()) {
      out.add(new LiquidationDay(localDate(r, 0), r.getString(1), r.getLong(2), r.getDouble(3), r.getDouble(4),
          r.getLong(5)));
    }
    return out;
  }

  /**
   * The {@code limit} wallets with the highest risk factor on the as-of date, with their debt at
   * that snapshot from daily health (all protocols) beside what their borrow events add up to.
   */
  static List<RiskyWallet> riskiest(Dataset<Row> featuresAtAsOf, Dataset<Row> healthAtAsOf, int limit) {
    Dataset<Row> top = featuresAtAsOf.where(col("risk_factor").gt(0))
        .orderBy(col("risk_factor").desc(), col("wallet_address")).limit(limit);
    Dataset<Row> debt = healthAtAsOf.groupBy("wallet_address").agg(sum("borrow_eth").as("debt_eth"));
    List<RiskyWallet> out = new ArrayList<>();
    for (Row r : top.join(debt, top.col("wallet_address").equalTo(debt.col("wallet_address")), "left")
        .select(top.col("wallet_address"), col("risk_factor"), col("total_collateral_eth"),
            coalesce(col("debt_eth"), lit(0.0)), col("borrow_amount_sum_eth"), col("repay_amount_sum_eth"),
            col("liquidation_count"))
        .orderBy(col("risk_factor").desc(), top.col("wallet_address")).collectAsList()) {
      out.add(new RiskyWallet(r.getString(0), r.getDouble(1), r.getDouble(2), r.getDouble(3), r.getDouble(4),
          r.getDouble(5), r.getInt(6)));
    }
    return out;
  }

  /** Each wallet's feature rows over every as-of date and its daily health, for its page. */
  static List<WalletHistory> walletHistories(Dataset<Row> features, Dataset<Row> dailyHealth, List<String> wallets,
                                             LocalDate asOf) {
    if (wallets.isEmpty()) {
      return List.of();
    }
    Column chosen = col("wallet_address").isin(wallets.toArray());
    Map<String, List<WalletFeatureDay>> featureDays = new LinkedHashMap<>();
    Map<String, Map<String, Object>> atAsOf = new LinkedHashMap<>();
    for (Row r : features.where(chosen).orderBy("wallet_address", "as_of_date").collectAsList()) {
      String wallet = r.getAs("wallet_address");
      LocalDate date = r.<Date>getAs("as_of_date").toLocalDate();
      featureDays.computeIfAbsent(wallet, w -> new ArrayList<>()).add(new WalletFeatureDay(date,
          r.<Double>getAs("risk_factor"), r.getAs("max_risk_factor"), r.getAs("avg_risk_factor"),
          r.<Double>getAs("total_collateral_eth"), r.<Double>getAs("borrow_amount_sum_eth"),
          r.<Double>getAs("repay_amount_sum_eth"), r.<Integer>getAs("liquidation_count"),
          r.<Integer>getAs(FeatureColumns.DAILY_COUNT)));
      if (date.equals(asOf)) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (FeatureColumns.Feature f : FeatureColumns.FEATURES) {
          values.put(f.name(), r.getAs(f.name()));
        }
        atAsOf.put(wallet, values);
      }
    }
    Map<String, List<WalletHealthDay>> healthDays = new LinkedHashMap<>();
    for (Row r : dailyHealth.where(chosen).orderBy("wallet_address", "snapshot_date", "protocol").collectAsList()) {
      healthDays.computeIfAbsent(r.getAs("wallet_address"), w -> new ArrayList<>()).add(new WalletHealthDay(
          r.<Date>getAs("snapshot_date").toLocalDate(), r.getAs("protocol"), r.<Double>getAs("collateral_eth"),
          r.<Double>getAs("borrow_eth"), r.getAs("health_factor"), r.<Double>getAs("risk_factor"),
          r.<Integer>getAs("unpriced_positions")));
    }
    List<WalletHistory> out = new ArrayList<>();
    for (String wallet : wallets) {
      out.add(new WalletHistory(wallet, featureDays.getOrDefault(wallet, List.of()),
          healthDays.getOrDefault(wallet, List.of()), atAsOf.getOrDefault(wallet, Map.of())));
    }
    return out;
  }

  private static LocalDate localDate(Row r, int i) {
    return r.isNullAt(i) ? null : r.getDate(i).toLocalDate();
  }
}
