package dev.defilakehouse.common.quality;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import dev.defilakehouse.common.transform.features.FeatureColumns;
import dev.defilakehouse.common.transform.features.FeatureColumns.Kind;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Plausibility checks on one {@code wallet_features} partition. All figures come from a single
 * aggregation over the features (joined to each wallet's number of days), so the gate costs one
 * pass however many checks it has.
 */
public final class WalletFeatureChecks {
  /** max_risk_factor may trail avg_risk_factor by this relative amount (floating-point rounding). */
  public static final double RISK_FACTOR_TOLERANCE = 1e-9;

  public static final String HAS_ROWS = "has_rows";
  public static final String RISK_FACTOR_NOT_ALL_ZERO = "risk_factor_not_all_zero";
  public static final String COLLATERAL_NOT_ALL_ZERO = "total_collateral_eth_not_all_zero";
  public static final String NO_NEGATIVE_COUNTS_OR_SUMS = "no_negative_counts_or_sums";
  public static final String MAX_RISK_FACTOR_AT_LEAST_AVG = "max_risk_factor_at_least_avg_risk_factor";
  public static final String DAILY_COUNT_WITHIN_DAYS = "daily_count_within_wallet_days";
  public static final String ONE_ROW_PER_WALLET = "one_row_per_wallet";

  private WalletFeatureChecks() {}

  /** Per wallet, its days: the snapshot dates up to {@code asOf} on which it has any position. */
  public static Dataset<Row> walletDays(Dataset<Row> dailyHealth, LocalDate asOf) {
    return dailyHealth.where(col("snapshot_date").leq(to_date(lit(asOf.toString()))))
        .groupBy("wallet_address").agg(count_distinct(col("snapshot_date")).as("days"));
  }

  /** The checks and the number of feature rows they looked at. */
  public record Outcome(long rows, List<QualityCheck> checks) {}

  /** Every check on {@code features} (one as-of partition); {@code walletDays} as from {@link #walletDays}. */
  public static List<QualityCheck> run(Dataset<Row> features, Dataset<Row> walletDays) {
    return evaluate(features, walletDays).checks();
  }

  /** Like {@link #run}, also saying how many rows were checked. */
  public static Outcome evaluate(Dataset<Row> features, Dataset<Row> walletDays) {
    List<String> countsAndSums = new ArrayList<>(FeatureColumns.namesOf(Kind.COUNT));
    countsAndSums.addAll(FeatureColumns.namesOf(Kind.SUM));

    List<Column> figures = new ArrayList<>();
    figures.add(count(lit(1)).as("rows"));
    figures.add(count_distinct(col("f.wallet_address")).as("wallets"));
    figures.add(rowsWhere(col("risk_factor").notEqual(0)).as("risk_factor_nonzero"));
    figures.add(rowsWhere(col("total_collateral_eth").notEqual(0)).as("collateral_nonzero"));
    for (String column : countsAndSums) {
      figures.add(rowsWhere(col(column).lt(0)).as("negative_" + column));
    }
    Column tolerance = lit(RISK_FACTOR_TOLERANCE).multiply(greatest(lit(1.0), abs(col("avg_risk_factor"))));
    figures.add(rowsWhere(col("max_risk_factor").lt(col("avg_risk_factor").minus(tolerance))).as("max_below_avg"));
    figures.add(rowsWhere(col(FeatureColumns.DAILY_COUNT).gt(coalesce(col("d.days"), lit(0L)))).as("count_above_days"));

    Row r = features.as("f")
        .join(walletDays.as("d"), col("f.wallet_address").equalTo(col("d.wallet_address")), "left")
        .agg(figures.get(0), figures.subList(1, figures.size()).toArray(Column[]::new))
        .head();

    long rows = r.getAs("rows");
    List<QualityCheck> checks = new ArrayList<>();
    checks.add(QualityCheck.of(HAS_ROWS, "at least one wallet row", rows + " rows", rows > 0,
        "the feature partition has no rows: were the analytics tables empty for this as-of date?"));
    checks.add(notAllZero(RISK_FACTOR_NOT_ALL_ZERO, "risk_factor", rows, r.getAs("risk_factor_nonzero"),
        "every risk_factor is 0: is the daily wallet health missing the as-of date snapshot or its prices?"));
    checks.add(notAllZero(COLLATERAL_NOT_ALL_ZERO, "total_collateral_eth", rows, r.getAs("collateral_nonzero"),
        "every total_collateral_eth is 0: is the daily wallet health missing the as-of date snapshot or its prices?"));

    List<String> negatives = new ArrayList<>();
    for (String column : countsAndSums) {
      long n = r.getAs("negative_" + column);
      if (n > 0) {
        negatives.add(column + " in " + n + " rows");
      }
    }
    checks.add(QualityCheck.of(NO_NEGATIVE_COUNTS_OR_SUMS, "no count or *_sum_eth below 0",
        negatives.isEmpty() ? "none" : "below 0: " + String.join(", ", negatives), negatives.isEmpty(),
        "negative counts or sums (" + String.join(", ", negatives) + "): check amount_eth signs in the analytics events"));

    long maxBelowAvg = r.getAs("max_below_avg");
    checks.add(QualityCheck.of(MAX_RISK_FACTOR_AT_LEAST_AVG,
        "max_risk_factor >= avg_risk_factor (relative tolerance " + RISK_FACTOR_TOLERANCE + ")",
        maxBelowAvg + " rows with max_risk_factor < avg_risk_factor", maxBelowAvg == 0,
        maxBelowAvg + " wallets have a max risk factor below their average: the per-day risk factors are inconsistent"));

    long countAboveDays = r.getAs("count_above_days");
    checks.add(QualityCheck.of(DAILY_COUNT_WITHIN_DAYS,
        FeatureColumns.DAILY_COUNT + " <= the wallet's number of days with a position",
        countAboveDays + " rows above their number of days", countAboveDays == 0,
        countAboveDays + " wallets count more days above the threshold than they have days: "
            + "the daily health has duplicate or misdated rows"));

    long duplicates = rows - (long) r.getAs("wallets");
    checks.add(QualityCheck.of(ONE_ROW_PER_WALLET, "each wallet_address once",
        duplicates + " duplicate rows", duplicates == 0,
        duplicates + " duplicate wallet rows: the partition was written twice or the wallet addresses differ in case"));
    return new Outcome(rows, checks);
  }

  private static QualityCheck notAllZero(String name, String column, long rows, long nonZero, String failure) {
    // An empty partition fails has_rows alone, with the clearer message.
    boolean passed = rows == 0 || nonZero > 0;
    return QualityCheck.of(name, "some wallet with " + column + " != 0",
        nonZero + " of " + rows + " rows with " + column + " != 0", passed, failure);
  }

  private static Column rowsWhere(Column condition) {
    return coalesce(sum(when(condition, 1L).otherwise(0L)), lit(0L));
  }
}
