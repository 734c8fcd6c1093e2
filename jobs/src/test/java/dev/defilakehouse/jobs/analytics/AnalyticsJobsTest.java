package dev.defilakehouse.jobs.analytics;

import static dev.defilakehouse.common.transform.analytics.StageFixtures.DAI;
import static dev.defilakehouse.common.transform.analytics.StageFixtures.EVENTS;
import static dev.defilakehouse.common.transform.analytics.StageFixtures.LIQUIDATIONS;
import static dev.defilakehouse.common.transform.analytics.StageFixtures.MARKETS;
import static dev.defilakehouse.common.transform.analytics.StageFixtures.POSITIONS;
import static dev.defilakehouse.common.transform.analytics.StageFixtures.USDC;
import static dev.defilakehouse.common.transform.analytics.StageFixtures.WETH;
import static dev.defilakehouse.common.transform.analytics.StageFixtures.event;
import static dev.defilakehouse.common.transform.analytics.StageFixtures.liquidation;
import static dev.defilakehouse.common.transform.analytics.StageFixtures.market;
import static dev.defilakehouse.common.transform.analytics.StageFixtures.position;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.defilakehouse.common.catalog.TableCatalog;
import dev.defilakehouse.common.config.Env;
import dev.defilakehouse.common.config.Interval;
import dev.defilakehouse.common.config.RunConfig;
import dev.defilakehouse.common.config.Secrets;
import dev.defilakehouse.common.delta.LakehouseTables;
import dev.defilakehouse.common.job.JobReport;
import dev.defilakehouse.common.testing.SparkTestSession;
import dev.defilakehouse.jobs.JobRegistry;
import dev.defilakehouse.jobs.JobRunner;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The analytics jobs over stage tables written by the test: values, counts, and identical re-runs. */
class AnalyticsJobsTest {
  private static final double EPS = 1e-12;
  private static final List<String> JOBS = List.of(
      "analytics.token_prices_daily",
      "analytics.transpose_deposit_events",
      "analytics.transpose_liquidation_events",
      "analytics.the_graph_daily_wallet_health",
      "analytics.the_graph_current_collateral_positions");
  private static final List<String> OUTPUTS = List.of(
      "analytics.token_prices_daily",
      "analytics.transpose_deposit_events",
      "analytics.transpose_liquidation_events",
      "analytics.the_graph_daily_wallet_health",
      "analytics.the_graph_current_collateral_positions");

  private final SparkSession spark = SparkTestSession.get();
  private final TableCatalog catalog = TableCatalog.get();
  private final JobRunner runner = new JobRunner(JobRegistry.standard());

  /**
   * The test JVM shares one catalog: names registered by an earlier test point at its deleted temp
   * lakehouse, so forget them (metadata only; external tables keep their data).
   */
  @BeforeEach
  void forgetTableNamesOfEarlierLakehouses() {
    catalog.tables().forEach(t -> spark.sql("DROP TABLE IF EXISTS " + t.qualifiedName(Env.LOCAL)));
  }

  private RunConfig config(Path root, String start, String end, Map<String, String> options) {
    return new RunConfig(Env.LOCAL, root.toString(), Interval.of(LocalDate.parse(start), LocalDate.parse(end)),
        options, "run-test");
  }

  /** Snapshots on Jan 1-3 (WETH 2000, 2500, 2000 USD) and events on Jan 2 and Jan 12. */
  private void writeStage(Path root) {
    LakehouseTables tables = new LakehouseTables(spark, Env.LOCAL, root.toString(), "stage-run", catalog);
    String[][] days = {{"2024-01-01", "100", "2000"}, {"2024-01-02", "200", "2500"}, {"2024-01-03", "300", "2000"}};
    List<Row> markets = new java.util.ArrayList<>();
    List<Row> positions = new java.util.ArrayList<>();
    for (String[] d : days) {
      long block = Long.parseLong(d[1]);
      markets.add(market("aave_v2", d[0], block, "m-weth", WETH, "WETH", 18, 0.825, 0.80, d[2]));
      markets.add(market("aave_v2", d[0], block, "m-usdc", USDC, "USDC", 6, 0.875, 0.80, "1"));
      markets.add(market("aave_v2", d[0], block, "m-dai", DAI, "DAI", 18, 0.77, 0.75, "1"));
      // 0xw: 2 WETH collateral, 2000 DAI debt; 0xidle: USDC supplied but not as collateral
      positions.add(position("aave_v2", d[0], block, "p-weth", "0xw", "m-weth", WETH, 18, "SUPPLY", true,
          "2000000000000000000"));
      positions.add(position("aave_v2", d[0], block, "p-dai", "0xw", "m-dai", DAI, 18, "BORROW", false,
          "2000000000000000000000"));
      positions.add(position("aave_v2", d[0], block, "p-usdc", "0xidle", "m-usdc", USDC, 6, "SUPPLY", false,
          "1000000000"));
    }
    tables.overwrite(catalog.table("stage.the_graph_historical_market_data"), spark.createDataFrame(markets, MARKETS));
    tables.overwrite(catalog.table("stage.the_graph_historical_account_positions"),
        spark.createDataFrame(positions, POSITIONS));
    tables.overwrite(catalog.table("stage.transpose_deposit_events"), spark.createDataFrame(List.of(
        event("0xd1:1", "aave_v2", "2024-01-02T08:00:00Z", USDC, "5000"),
        event("0xd2:1", "aave_v2", "2024-01-12T08:00:00Z", USDC, "5000")), EVENTS));
    tables.overwrite(catalog.table("stage.transpose_liquidation_events"), spark.createDataFrame(List.of(
        liquidation("0xl1:3", "aave_v2", "2024-01-02T09:00:00Z", WETH, "1", DAI, "1250")), LIQUIDATIONS));
  }

  private Map<String, JobReport> runAll(Path root, String start, String end) throws Exception {
    Map<String, JobReport> reports = new HashMap<>();
    for (String job : JOBS) {
      reports.put(job, runner.run(job, config(root, start, end, Map.of()), spark, new Secrets(Map.of())));
    }
    return reports;
  }

  private Dataset<Row> read(Path root, String table) {
    return new LakehouseTables(spark, Env.LOCAL, root.toString(), "reader", catalog).read(catalog.table(table));
  }

  private Map<String, List<String>> snapshot(Path root) {
    Map<String, List<String>> contents = new HashMap<>();
    for (String table : OUTPUTS) {
      contents.put(table, read(root, table).collectAsList().stream().map(Row::toString).sorted().collect(Collectors.toList()));
    }
    return contents;
  }

  @Test
  void valuesEventsAndHealthAndReRunsIdentically(@TempDir Path root) throws Exception {
    writeStage(root);
    // [Dec 31, Jan 3): snapshot dates Jan 1-3, event days Dec 31 - Jan 2
    Map<String, JobReport> first = runAll(root, "2023-12-31", "2024-01-03");

    assertEquals(9, first.get("analytics.token_prices_daily").rowsWritten());
    Row usdcJan2 = read(root, "analytics.token_prices_daily")
        .where("token_address = '" + USDC + "' AND snapshot_date = DATE'2024-01-02'").head();
    assertEquals(1 / 2500.0, usdcJan2.<Double>getAs("price_eth"), EPS);

    Row deposit = read(root, "analytics.transpose_deposit_events").where("event_id = '0xd1:1'").head();
    assertEquals(2.0, deposit.<Double>getAs("amount_eth"), EPS, "5000 USDC at 2500 USD/ETH");
    assertEquals(1, read(root, "analytics.transpose_deposit_events").count(), "the Jan 12 event is outside the interval");
    assertEquals(0L, first.get("analytics.transpose_deposit_events").metrics().get("unpriced_events"));

    Row liq = read(root, "analytics.transpose_liquidation_events").head();
    assertEquals(1.0, liq.<Double>getAs("amount_eth"), EPS);
    assertEquals(0.5, liq.<Double>getAs("amount_liquidated_eth"), EPS);

    Map<String, Row> health = new HashMap<>();
    read(root, "analytics.the_graph_daily_wallet_health").collectAsList()
        .forEach(r -> health.put(r.getAs("wallet_address") + "@" + r.getAs("snapshot_date"), r));
    assertEquals(6, health.size(), "two wallets on three snapshot dates: " + health.keySet());
    // Jan 2: 2 WETH, debt 2000 DAI = 0.8 ETH; Jan 3: debt = 1 ETH
    assertEquals(2 * 0.825 / 0.8, health.get("0xw@2024-01-02").<Double>getAs("health_factor"), EPS);
    assertEquals(1.65, health.get("0xw@2024-01-03").<Double>getAs("health_factor"), EPS);
    assertEquals(0.6, health.get("0xw@2024-01-03").<Double>getAs("available_borrows_eth"), EPS);
    assertNull(health.get("0xidle@2024-01-03").getAs("health_factor"));
    assertEquals(0.0, health.get("0xidle@2024-01-03").<Double>getAs("collateral_eth"), 0.0);

    Dataset<Row> current = read(root, "analytics.the_graph_current_collateral_positions");
    assertEquals(3, current.count());
    assertEquals(1, current.select("snapshot_date").distinct().count());
    assertEquals(java.sql.Date.valueOf("2024-01-03"), current.head().getAs("snapshot_date"));
    assertEquals(0.5, current.where("position_id = 'p-usdc'").head().<Double>getAs("amount_eth"), EPS);

    Map<String, List<String>> before = snapshot(root);
    runAll(root, "2023-12-31", "2024-01-03");
    assertEquals(before, snapshot(root), "a re-run of the same interval leaves every table as it was");
  }

  @Test
  void fullRefreshRebuildsEveryDateOfTheStageInputsNotJustTheInterval(@TempDir Path root) throws Exception {
    writeStage(root);
    // One day: snapshot Jan 2 only, events of Jan 1 (there are none).
    runAll(root, "2024-01-01", "2024-01-02");
    assertEquals(List.of("2024-01-02"), dates(root, "analytics.token_prices_daily", "snapshot_date"));
    assertEquals(List.of("2024-01-02"), dates(root, "analytics.the_graph_daily_wallet_health", "snapshot_date"));
    assertEquals(0, read(root, "analytics.transpose_deposit_events").count());

    Map<String, JobReport> refreshed = new HashMap<>();
    for (String job : JOBS) {
      RunConfig config = config(root, "2024-01-01", "2024-01-02", Map.of()).withFullRefresh(true);
      refreshed.put(job, runner.run(job, config, spark, new Secrets(Map.of())));
    }
    List<String> snapshots = List.of("2024-01-01", "2024-01-02", "2024-01-03");
    assertEquals(snapshots, dates(root, "analytics.token_prices_daily", "snapshot_date"));
    assertEquals(9, refreshed.get("analytics.token_prices_daily").rowsWritten());
    assertEquals(snapshots, dates(root, "analytics.the_graph_daily_wallet_health", "snapshot_date"));
    // Jan 2 and Jan 12, both outside the interval; Jan 12 is 9 days after the last price: unpriced, kept.
    assertEquals(List.of("2024-01-02", "2024-01-12"), dates(root, "analytics.transpose_deposit_events", "block_date"));
    assertEquals(1L, refreshed.get("analytics.transpose_deposit_events").metrics().get("unpriced_events"));
    assertEquals(1, read(root, "analytics.transpose_liquidation_events").count());
    assertEquals(true, refreshed.get("analytics.the_graph_daily_wallet_health").metrics().get("full_refresh"));
    // The values are those of runs over the whole span (valuesEventsAndHealthAndReRunsIdentically).
    Row deposit = read(root, "analytics.transpose_deposit_events").where("event_id = '0xd1:1'").head();
    assertEquals(2.0, deposit.<Double>getAs("amount_eth"), EPS);
    Row w = read(root, "analytics.the_graph_daily_wallet_health")
        .where("wallet_address = '0xw' AND snapshot_date = DATE'2024-01-03'").head();
    assertEquals(1.65, w.<Double>getAs("health_factor"), EPS);
  }

  private List<String> dates(Path root, String table, String column) {
    return read(root, table).select(column).distinct().orderBy(column).collectAsList().stream()
        .map(r -> r.get(0).toString()).toList();
  }

  @Test
  void eventsTooLongAfterTheLastPriceAreKeptAndCounted(@TempDir Path root) throws Exception {
    writeStage(root);
    runner.run("analytics.token_prices_daily", config(root, "2023-12-31", "2024-01-03", Map.of()), spark,
        new Secrets(Map.of()));
    // Jan 12 is 9 days after the last price (Jan 3)
    JobReport report = runner.run("analytics.transpose_deposit_events", config(root, "2024-01-12", "2024-01-13", Map.of()),
        spark, new Secrets(Map.of()));
    assertEquals(1L, report.metrics().get("unpriced_events"));
    assertNull(read(root, "analytics.transpose_deposit_events").head().getAs("amount_eth"));

    JobReport lenient = runner.run("analytics.transpose_deposit_events",
        config(root, "2024-01-12", "2024-01-13", Map.of("prices.max_age_days", "10")), spark, new Secrets(Map.of()));
    assertEquals(0L, lenient.metrics().get("unpriced_events"));
    assertEquals(2.5, read(root, "analytics.transpose_deposit_events").head().<Double>getAs("amount_eth"), EPS);
  }

  @Test
  void badOptionsAndMissingInputsSayWhatToDo(@TempDir Path root) {
    Exception missing = assertThrows(IllegalStateException.class, () -> runner.run("analytics.token_prices_daily",
        config(root, "2024-01-01", "2024-01-02", Map.of()), spark, new Secrets(Map.of())));
    assertTrue(missing.getMessage().contains("the_graph_historical_market_data"), missing.getMessage());

    writeStage(root);
    Exception badAddress = assertThrows(IllegalArgumentException.class, () -> runner.run("analytics.token_prices_daily",
        config(root, "2024-01-01", "2024-01-02", Map.of("prices.weth_address", "weth")), spark, new Secrets(Map.of())));
    assertTrue(badAddress.getMessage().contains("prices.weth_address"), badAddress.getMessage());
  }

  @Test
  void everyAnalyticsJobOfTheCatalogIsRegistered() {
    JobRegistry registry = JobRegistry.standard();
    catalog.jobs().stream().filter(j -> j.layer().equals("analytics") && !j.name().equals("analytics.wallet_features"))
        .forEach(j -> assertTrue(registry.has(j.name()), j.name() + " is not registered"));
  }
}
