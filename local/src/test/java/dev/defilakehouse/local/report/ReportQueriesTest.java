package dev.defilakehouse.local.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.defilakehouse.common.testing.SparkTestSession;
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
import dev.defilakehouse.local.report.RunReport.WalletHistory;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ReportQueriesTest {
  private static final LocalDate D1 = LocalDate.parse("2024-01-02");
  private static final LocalDate D2 = LocalDate.parse("2024-01-03");
  private static final String A = "0xaaaa";
  private static final String B = "0xbbbb";
  private static final String C = "0xcccc";

  private static SparkSession spark;

  @BeforeAll
  static void session() {
    spark = SparkTestSession.get();
  }

  @Test
  void rowsPerDayCountEveryTableByItsDateAndKeepUndatedRows() {
    Dataset<Row> events = spark.sql("SELECT * FROM VALUES (DATE'2024-01-02', 1), (DATE'2024-01-02', 2), "
        + "(DATE'2024-01-03', 3) AS t(block_date, n)");
    Dataset<Row> quarantine = spark.sql("SELECT * FROM VALUES ('stage.a', DATE'2024-01-03'), ('stage.a', NULL) "
        + "AS t(source_table, record_date)");
    assertEquals(Optional.of("block_date"), ReportQueries.dayColumn(events.schema(), List.of("block_date")));
    // partitioned by a string: its first date column dates it
    assertEquals(Optional.of("record_date"), ReportQueries.dayColumn(quarantine.schema(), List.of("source_table")));
    assertEquals(Optional.empty(), ReportQueries.dayColumn(spark.sql("SELECT 1 AS n").schema(), List.of()));

    List<DayRows> rows = ReportQueries.rowsPerDay(List.of(
        new ReportQueries.DatedTable("raw.events", "raw", events, "block_date"),
        new ReportQueries.DatedTable("stage.quarantine", "stage", quarantine, "record_date")));
    assertEquals(List.of(new DayRows("raw.events", "raw", D1, 2), new DayRows("raw.events", "raw", D2, 1),
        new DayRows("stage.quarantine", "stage", null, 1), new DayRows("stage.quarantine", "stage", D2, 1)), rows);
  }

  @Test
  void quarantineCountsARowUnderEveryRuleItFailed() {
    Dataset<Row> quarantine = spark.sql("SELECT * FROM VALUES "
        + "('stage.transpose_borrow_events', array('missing_block_number', 'malformed_account_address')), "
        + "('stage.transpose_borrow_events', array('missing_block_number')), "
        + "('stage.the_graph_historical_market_data', array('invalid_price')) AS t(source_table, reasons)");
    assertEquals(List.of(new RuleCount("stage.transpose_borrow_events", "missing_block_number", 2),
        new RuleCount("stage.the_graph_historical_market_data", "invalid_price", 1),
        new RuleCount("stage.transpose_borrow_events", "malformed_account_address", 1)),
        ReportQueries.quarantineByRule(quarantine));
  }

  @Test
  void theGateOfTheAsOfDateFailedChecksFirstAndEveryDateItChecked() {
    Dataset<Row> results = spark.sql("SELECT * FROM VALUES "
        + "(DATE'2024-01-02', 'row_count', true, '3', '> 0', 'ok', 'r1'), "
        + "(DATE'2024-01-03', 'row_count', true, '4', '> 0', 'ok', 'r2'), "
        + "(DATE'2024-01-03', 'counts_not_negative', false, '1 row', '0 rows', 'negative borrow_count', 'r2') "
        + "AS t(as_of_date, check_name, passed, observed, expectation, message, run_id)");
    assertEquals(List.of(
        new QualityCheck("counts_not_negative", false, "1 row", "0 rows", "negative borrow_count", "r2"),
        new QualityCheck("row_count", true, "4", "> 0", "ok", "r2")), ReportQueries.qualityChecks(results, D2));
    assertEquals(List.of(new QualityDay(D1, 1, 0), new QualityDay(D2, 2, 1)), ReportQueries.qualityHistory(results));
  }

  @Test
  void unpricedEventsPerKindAndDayAndUnpricedPositionsOfTheStagePositions() {
    Map<String, Dataset<Row>> events = new LinkedHashMap<>();
    events.put("borrow", spark.sql("SELECT * FROM VALUES (DATE'2024-01-02', 1.5D), (DATE'2024-01-02', NULL), "
        + "(DATE'2024-01-03', NULL) AS t(block_date, amount_eth)"));
    events.put("deposit", spark.sql("SELECT * FROM VALUES (DATE'2024-01-02', 2.0D) AS t(block_date, amount_eth)"));
    assertEquals(List.of(new UnpricedDay(D1, "borrow events", 1, 2), new UnpricedDay(D2, "borrow events", 1, 1),
        new UnpricedDay(D1, "deposit events", 0, 1)), ReportQueries.unpricedEvents(events));

    Dataset<Row> health = spark.sql("SELECT * FROM VALUES (DATE'2024-01-02', 2), (DATE'2024-01-02', 1), "
        + "(DATE'2024-01-03', 0) AS t(snapshot_date, unpriced_positions)");
    Dataset<Row> positions = spark.sql("SELECT * FROM VALUES (DATE'2024-01-02'), (DATE'2024-01-02'), "
        + "(DATE'2024-01-02'), (DATE'2024-01-02'), (DATE'2024-01-03') AS t(snapshot_date)");
    assertEquals(List.of(new UnpricedDay(D1, "positions", 3, 4), new UnpricedDay(D2, "positions", 0, 1)),
        ReportQueries.unpricedPositions(health, positions));
  }

  @Test
  void theAsOfSummaryAndHistogramCountWalletsWithDebtAndPutOneRightOnALineBelowIt() {
    // A on the warning line exactly (not above it), B at exactly 1 (not liquidatable), C without collateral
    Dataset<Row> features = features(String.format(java.util.Locale.ROOT,
        "('%s', DATE'2024-01-03', %s, 1), ('%s', DATE'2024-01-03', 1.0D, 0), ('%s', DATE'2024-01-03', 1000000.0D, 2), "
            + "('0xdddd', DATE'2024-01-03', 0.0D, 0), ('0xeeee', DATE'2024-01-03', 0.05D, 0)",
        A, Double.toString(1.0 / 1.2) + "D", B, C));
    FeatureSummary summary = ReportQueries.featureSummary(features);
    assertEquals(5, summary.wallets());
    assertEquals(4, summary.withDebt());
    assertEquals(2, summary.aboveWarning(), "B and C; A is on the line");
    assertEquals(1, summary.liquidatable(), "C; B is on the line");
    assertEquals(3, summary.liquidationsInHistory());
    assertEquals(Double.valueOf(1_000_000.0), summary.max());

    List<RiskBin> bins = ReportQueries.riskHistogram(features);
    assertEquals(ReportQueries.BOUNDED_BINS + 1, bins.size());
    assertEquals(new RiskBin(0.0, 1.0 / 12, 1), bins.get(0), "0.05");
    assertEquals(new RiskBin(9.0 / 12, 1.0 / 1.2, 1), bins.get(9), "A, at the top of the bin below the line");
    assertEquals(new RiskBin(11.0 / 12, 1.0, 1), bins.get(11), "B, at the top of the bin below 1");
    assertEquals(new RiskBin(1.5, null, 1), bins.get(ReportQueries.BOUNDED_BINS), "C, above them all");
    assertEquals(4, bins.stream().mapToLong(RiskBin::wallets).sum(), "the wallet without debt is in no bin");

    FeatureSummary none = ReportQueries.featureSummary(features.where("risk_factor = 0"));
    assertEquals(1, none.wallets());
    assertEquals(0, none.withDebt());
    assertNull(none.p50());
  }

  @Test
  void riskPerDayTakesEachWalletsHighestProtocolAndCountsOnlyWalletsWithDebt() {
    Dataset<Row> health = health(
        "('" + A + "', 'aave_v2', DATE'2024-01-02', 1.0D, 0.5D, 0.9D, 0)",
        "('" + A + "', 'aave_v3', DATE'2024-01-02', 1.0D, 0.2D, 0.4D, 0)",
        "('" + B + "', 'aave_v2', DATE'2024-01-02', 1.0D, 0.0D, 0.0D, 0)",
        "('" + A + "', 'aave_v2', DATE'2024-01-03', 1.0D, 0.6D, 1.1D, 0)",
        "('" + B + "', 'compound_v2', DATE'2024-01-03', 1.0D, 0.3D, 0.5D, 0)");
    List<RiskDay> days = ReportQueries.riskPerDay(health);
    assertEquals(2, days.size());
    assertEquals(new RiskDay(D1, 1, 1, 0, 0.9, 0.9), days.get(0), "A at 0.9 (its highest); B has no debt");
    RiskDay second = days.get(1);
    assertEquals(List.of(2L, 1L, 1L), List.of(second.walletsWithDebt(), second.aboveWarning(), second.liquidatable()));
  }

  @Test
  void liquidationsPerDayAndProtocolInEth() {
    Dataset<Row> liquidations = spark.sql("SELECT * FROM VALUES "
        + "(DATE'2024-01-02', 'aave_v2', 1.5D, 1.2D), (DATE'2024-01-02', 'aave_v2', 0.5D, 0.4D), "
        + "(DATE'2024-01-02', 'compound_v2', NULL, 0.3D), (DATE'2024-01-03', 'aave_v3', 2.0D, 1.9D) "
        + "AS t(block_date, protocol, amount_eth, amount_liquidated_eth)");
    assertEquals(List.of(new LiquidationDay(D1, "aave_v2", 2, 2.0, 1.6, 0),
        new LiquidationDay(D1, "compound_v2", 1, 0.0, 0.3, 1),
        new LiquidationDay(D2, "aave_v3", 1, 2.0, 1.9, 0)), ReportQueries.liquidationsPerDay(liquidations));
  }

  @Test
  void theRiskiestWalletsShowTheirDebtAtTheSnapshotBesideTheirBorrowEvents() {
    Dataset<Row> features = features(
        "('" + A + "', DATE'2024-01-02', 0.5D, 0), ('" + A + "', DATE'2024-01-03', 0.96D, 0), "
            + "('" + B + "', DATE'2024-01-03', 0.96D, 1), ('" + C + "', DATE'2024-01-03', 0.0D, 0)");
    Dataset<Row> health = health(
        "('" + A + "', 'aave_v2', DATE'2024-01-03', 2.0D, 0.7D, 0.96D, 0)",
        "('" + A + "', 'aave_v3', DATE'2024-01-03', 1.0D, 0.3D, 0.5D, 1)",
        "('" + B + "', 'aave_v2', DATE'2024-01-03', 1.0D, 0.8D, 0.96D, 0)",
        "('" + A + "', 'aave_v2', DATE'2024-01-02', 2.0D, 0.5D, 0.5D, 0)");
    Dataset<Row> asOf = features.where("as_of_date = DATE'2024-01-03'");
    List<RiskyWallet> riskiest = ReportQueries.riskiest(asOf, health.where("snapshot_date = DATE'2024-01-03'"), 5);
    // A borrowed 0.0 in events (its debt is from before the data) but owes 1.0 across protocols
    assertEquals(List.of(new RiskyWallet(A, 0.96, 3.0, 1.0, 0.0, 0.25, 0),
        new RiskyWallet(B, 0.96, 3.0, 0.8, 0.0, 0.25, 1)), riskiest, "ties by address; no debt, no place");
    assertEquals(1, ReportQueries.riskiest(asOf, health, 1).size());

    List<WalletHistory> pages = ReportQueries.walletHistories(features, health, List.of(B, A), D2);
    assertEquals(List.of(B, A), pages.stream().map(WalletHistory::wallet).toList(), "in the list's order");
    WalletHistory a = pages.get(1);
    assertEquals(List.of(D1, D2), a.features().stream().map(RunReport.WalletFeatureDay::asOf).toList());
    assertEquals(3, a.health().size());
    assertEquals("aave_v3", a.health().get(2).protocol(), "by day, then protocol");
    assertEquals(0.96, a.featuresAtAsOf().get("risk_factor"));
    assertEquals(26, a.featuresAtAsOf().size(), "every feature of the dictionary");
  }

  /** Feature rows: wallet, as_of_date, risk_factor, liquidation_count; the other features fixed. */
  private static Dataset<Row> features(String values) {
    return spark.sql("SELECT wallet_address, as_of_date, risk_factor, 3.0D AS total_collateral_eth, "
        + "1.0D AS total_collateral_avg_eth, 0.0D AS total_available_borrows_eth, 0.0D AS total_available_borrows_avg_eth, "
        + "0.5D AS avg_weighted_risk_factor, 1 AS risk_factor_above_threshold_daily_count, "
        + "risk_factor AS avg_risk_factor, risk_factor AS max_risk_factor, 0.0D AS borrow_amount_sum_eth, "
        + "CAST(NULL AS DOUBLE) AS borrow_amount_avg_eth, 0 AS borrow_count, 0.25D AS repay_amount_sum_eth, "
        + "0.25D AS repay_amount_avg_eth, 1 AS repay_count, -0.25D AS borrow_repay_diff_eth, 1 AS deposit_count, "
        + "3.0D AS deposit_amount_sum_eth, 100L AS time_since_first_deposit, 0.0D AS withdraw_amount_sum_eth, "
        + "0.0D AS withdraw_deposit_diff_eth, liquidation_count, CAST(NULL AS BIGINT) AS time_since_last_liquidated, "
        + "0.0D AS liquidation_amount_sum_eth, 1 AS unique_borrow_protocol_count, 1 AS unique_lending_protocol_count "
        + "FROM VALUES " + values + " AS t(wallet_address, as_of_date, risk_factor, liquidation_count)");
  }

  /** Daily health rows: wallet, protocol, snapshot_date, collateral_eth, borrow_eth, risk_factor, unpriced_positions. */
  private static Dataset<Row> health(String... rows) {
    return spark.sql("SELECT wallet_address, protocol, snapshot_date, collateral_eth, borrow_eth, "
        + "CASE WHEN borrow_eth > 0 THEN 1 / risk_factor END AS health_factor, risk_factor, unpriced_positions "
        + "FROM VALUES " + String.join(", ", rows)
        + " AS t(wallet_address, protocol, snapshot_date, collateral_eth, borrow_eth, risk_factor, unpriced_positions)");
  }
}
