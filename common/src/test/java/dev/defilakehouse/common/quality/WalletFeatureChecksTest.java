package dev.defilakehouse.common.quality;

import static dev.defilakehouse.common.transform.features.FeatureFixtures.A;
import static dev.defilakehouse.common.transform.features.FeatureFixtures.C;
import static dev.defilakehouse.common.transform.features.FeatureFixtures.D;
import static dev.defilakehouse.common.transform.features.FeatureFixtures.T;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.defilakehouse.common.testing.SparkTestSession;
import dev.defilakehouse.common.transform.features.FeatureFixtures;
import dev.defilakehouse.common.transform.features.WalletFeatures;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class WalletFeatureChecksTest {
  private static Dataset<Row> good;
  private static Dataset<Row> days;

  @BeforeAll
  static void computeGoodFeatures() {
    SparkSession spark = SparkTestSession.get();
    // Collected once and re-created from rows, so each check runs on a small local relation.
    Dataset<Row> features = WalletFeatures.compute(FeatureFixtures.inputs(spark), T, Instant.EPOCH);
    good = spark.createDataFrame(features.collectAsList(), features.schema());
    Dataset<Row> walletDays = WalletFeatureChecks.walletDays(FeatureFixtures.health(spark), T);
    days = spark.createDataFrame(walletDays.collectAsList(), walletDays.schema());
  }

  private Map<String, QualityCheck> check(Dataset<Row> features) {
    return WalletFeatureChecks.run(features, days).stream()
        .collect(Collectors.toMap(QualityCheck::name, c -> c));
  }

  /** Only {@code expected} fails; every other check still passes. */
  private QualityCheck assertOnlyFailure(Dataset<Row> features, String expected) {
    Map<String, QualityCheck> checks = check(features);
    List<String> failed = checks.values().stream().filter(c -> !c.passed()).map(QualityCheck::name).sorted().toList();
    assertEquals(List.of(expected), failed, checks.toString());
    return checks.get(expected);
  }

  private static Dataset<Row> setFor(Dataset<Row> features, String wallet, String column, Column value) {
    return features.withColumn(column, when(col("wallet_address").equalTo(wallet), value).otherwise(col(column)));
  }

  @Test
  void aPlausiblePartitionPassesEveryCheck() {
    Map<String, QualityCheck> checks = check(good);
    assertEquals(7, checks.size());
    checks.values().forEach(c -> assertTrue(c.passed(), c.toString()));
    assertEquals("5 rows", checks.get(WalletFeatureChecks.HAS_ROWS).observed());
    assertEquals("ok", checks.get(WalletFeatureChecks.ONE_ROW_PER_WALLET).message());
    assertTrue(QualityResults.failure("wallet_features", T, List.copyOf(checks.values())).isEmpty());
  }

  @Test
  void noRowsFails() {
    QualityCheck c = assertOnlyFailure(good.limit(0), WalletFeatureChecks.HAS_ROWS);
    assertEquals("0 rows", c.observed());
  }

  @Test
  void allRiskFactorsZeroFails() {
    QualityCheck c = assertOnlyFailure(good.withColumn("risk_factor", lit(0.0)), WalletFeatureChecks.RISK_FACTOR_NOT_ALL_ZERO);
    assertEquals("0 of 5 rows with risk_factor != 0", c.observed());
  }

  @Test
  void allCollateralZeroFails() {
    assertOnlyFailure(good.withColumn("total_collateral_eth", lit(0.0)), WalletFeatureChecks.COLLATERAL_NOT_ALL_ZERO);
  }

  @Test
  void aNegativeCountFails() {
    QualityCheck c = assertOnlyFailure(setFor(good, A, "borrow_count", lit(-1)), WalletFeatureChecks.NO_NEGATIVE_COUNTS_OR_SUMS);
    assertEquals("below 0: borrow_count in 1 rows", c.observed());
  }

  @Test
  void aNegativeSumFails() {
    QualityCheck c = assertOnlyFailure(setFor(good, C, "liquidation_amount_sum_eth", lit(-0.5)),
        WalletFeatureChecks.NO_NEGATIVE_COUNTS_OR_SUMS);
    assertTrue(c.message().contains("liquidation_amount_sum_eth in 1 rows"), c.message());
  }

  @Test
  void aNegativeBorrowRepayDiffIsNotASumAndPasses() {
    // borrow_repay_diff_eth is legitimately negative when a wallet repaid more than it borrowed.
    assertTrue(check(setFor(good, A, "borrow_repay_diff_eth", lit(-3.0))).values().stream().allMatch(QualityCheck::passed));
  }

  @Test
  void maxRiskFactorBelowAverageFails() {
    QualityCheck c = assertOnlyFailure(setFor(good, A, "max_risk_factor", col("avg_risk_factor").minus(0.1)),
        WalletFeatureChecks.MAX_RISK_FACTOR_AT_LEAST_AVG);
    assertEquals("1 rows with max_risk_factor < avg_risk_factor", c.observed());
  }

  @Test
  void maxRiskFactorWithinRoundingOfTheAverageStillPasses() {
    Dataset<Row> rounded = setFor(good, A, "max_risk_factor", col("avg_risk_factor").multiply(1 - 1e-13));
    assertTrue(check(rounded).values().stream().allMatch(QualityCheck::passed));
  }

  @Test
  void aDailyCountAboveTheWalletsDaysFails() {
    // D has one day; C has none
    Dataset<Row> corrupted = setFor(setFor(good, D, "risk_factor_above_threshold_daily_count", lit(2)),
        C, "risk_factor_above_threshold_daily_count", lit(1));
    QualityCheck c = assertOnlyFailure(corrupted, WalletFeatureChecks.DAILY_COUNT_WITHIN_DAYS);
    assertEquals("2 rows above their number of days", c.observed());
  }

  @Test
  void duplicateWalletRowsFail() {
    QualityCheck c = assertOnlyFailure(good.unionAll(good.where(col("wallet_address").equalTo(A))),
        WalletFeatureChecks.ONE_ROW_PER_WALLET);
    assertEquals("1 duplicate rows", c.observed());
  }

  @Test
  void theFailureMessageNamesEveryFailedCheck() {
    Dataset<Row> corrupted = good.withColumn("risk_factor", lit(0.0)).withColumn("deposit_count", lit(-2));
    String message = QualityResults.failure("db_analytics_local.wallet_features", T,
        WalletFeatureChecks.run(corrupted, days)).orElseThrow();
    assertTrue(message.startsWith("data-quality gate failed for db_analytics_local.wallet_features as_of_date=2024-01-04: "
        + "2 of 7 checks failed"), message);
    assertTrue(message.contains(WalletFeatureChecks.RISK_FACTOR_NOT_ALL_ZERO), message);
    assertTrue(message.contains("deposit_count in 5 rows"), message);
  }
}
