package dev.defilakehouse.jobs.stage;

import static dev.defilakehouse.common.transform.stage.StageFixtures.A_USDC;
import static dev.defilakehouse.common.transform.stage.StageFixtures.A_WBTC;
import static dev.defilakehouse.common.transform.stage.StageFixtures.A_WETH;
import static dev.defilakehouse.common.transform.stage.StageFixtures.DAY1;
import static dev.defilakehouse.common.transform.stage.StageFixtures.DAY2;
import static dev.defilakehouse.common.transform.stage.StageFixtures.LIQUIDATOR;
import static dev.defilakehouse.common.transform.stage.StageFixtures.RAW_EVENT;
import static dev.defilakehouse.common.transform.stage.StageFixtures.RAW_MARKET;
import static dev.defilakehouse.common.transform.stage.StageFixtures.RAW_POSITION;
import static dev.defilakehouse.common.transform.stage.StageFixtures.USDC;
import static dev.defilakehouse.common.transform.stage.StageFixtures.WALLET;
import static dev.defilakehouse.common.transform.stage.StageFixtures.WBTC;
import static dev.defilakehouse.common.transform.stage.StageFixtures.WETH;
import static dev.defilakehouse.common.transform.stage.StageFixtures.aaveV2Markets;
import static dev.defilakehouse.common.transform.stage.StageFixtures.event;
import static dev.defilakehouse.common.transform.stage.StageFixtures.frame;
import static dev.defilakehouse.common.transform.stage.StageFixtures.position;
import static dev.defilakehouse.common.transform.stage.StageFixtures.rawEvent;
import static dev.defilakehouse.common.transform.stage.StageFixtures.rawMarket;
import static dev.defilakehouse.common.transform.stage.StageFixtures.rawPosition;
import static dev.defilakehouse.common.transform.stage.StageFixtures.tx;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.defilakehouse.common.catalog.TableCatalog;
import dev.defilakehouse.common.catalog.TableSpec;
import dev.defilakehouse.common.config.Env;
import dev.defilakehouse.common.config.Interval;
import dev.defilakehouse.common.config.RunConfig;
import dev.defilakehouse.common.config.Secrets;
import dev.defilakehouse.common.delta.LakehouseTables;
import dev.defilakehouse.common.job.JobReport;
import dev.defilakehouse.common.testing.SparkTestSession;
import dev.defilakehouse.jobs.JobRegistry;
import dev.defilakehouse.jobs.JobRunner;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StageJobsTest {
  private final SparkSession spark = SparkTestSession.get();
  private final TableCatalog catalog = TableCatalog.get();
  private final Interval interval = Interval.of(DAY1, DAY2);
  private static final String T = "2024-01-01T08:30:00Z";
  private static final String MARKETS = "stage.the_graph_historical_market_data";
  private static final String POSITIONS = "stage.the_graph_historical_account_positions";
  private static final String DEPOSITS = "stage.transpose_deposit_events";
  private static final String LIQUIDATIONS = "stage.transpose_liquidation_events";

  /**
   * The test session's catalog outlives each @TempDir lakehouse: forget the names registered by an
   * earlier test, or CREATE TABLE IF NOT EXISTS would keep pointing at the old location.
   */
  @BeforeEach
  void forgetTablesOfEarlierLakehouses() {
    spark.sql("DROP DATABASE IF EXISTS db_raw_local CASCADE");
    spark.sql("DROP DATABASE IF EXISTS db_stage_local CASCADE");
  }

  private void writeRaw(Path root, String table, StructType schema, List<Row> rows, String predicate) {
    new LakehouseTables(spark, Env.LOCAL, root.toString(), "raw-run", catalog)
        .replaceWhere(catalog.table(table), frame(spark, schema, rows), predicate);
  }

  private JobReport run(Path root, String job, String runId, Map<String, String> options) throws Exception {
    RunConfig config = new RunConfig(Env.LOCAL, root.toString(), interval, options, runId);
    return new JobRunner(JobRegistry.standard()).run(job, config, spark, new Secrets(Map.of()));
  }

  private Set<String> contents(Path root, String table, String... ignored) {
    LakehouseTables tables = new LakehouseTables(spark, Env.LOCAL, root.toString(), "read", catalog);
    return new TreeSet<>(tables.read(catalog.table(table)).drop(ignored).toJSON().collectAsList());
  }

  private void writeRawFixtures(Path root) {
    List<Row> markets = new ArrayList<>();
    aaveV2Markets().forEach(m -> markets.add(rawMarket("aave_v2", DAY2, m)));
    markets.add(rawMarket("aave_v2", DAY2, 1L, "0xbroken", "{\"id\": "));
    writeRaw(root, "raw.the_graph_historical_market_data", RAW_MARKET, markets, "snapshot_date = '2024-01-02'");
    writeRaw(root, "raw.the_graph_historical_account_positions", RAW_POSITION, List.of(
        rawPosition("aave_v2", DAY2, position("p-usdc", WALLET, A_USDC, "LENDER", true, "123456789012")),
        rawPosition("aave_v2", DAY2, position("p-wbtc", WALLET, A_WBTC, "COLLATERAL", null, "250000000")),
        rawPosition("aave_v2", DAY2, position("p-weth", WALLET, A_WETH, "BORROWER", null, "98765432109876543210987")),
        rawPosition("aave_v2", DAY2, position("p-odd", WALLET, A_WETH, "STAKER", null, "1"))),
        "snapshot_date = '2024-01-02'");
    Map<String, Object> deposit = event("deposit", tx(1), 4, T, USDC, 2500000000L);
    writeRaw(root, "raw.transpose_deposit_events", RAW_EVENT, List.of(
        rawEvent(DAY1, deposit),
        rawEvent(DAY1, deposit),
        rawEvent(DAY1, event("deposit", tx(2), 0, T, WETH, new BigInteger("18446744073709551616000"))),
        rawEvent(DAY1, event("deposit", tx(3), 1, T, WBTC, "100000000")),
        rawEvent(DAY1, event("deposit", tx(4), 2, T, USDC, "-1"))), "block_date = '2024-01-01'");
    Map<String, Object> liquidation = event("liquidation", tx(5), 9, T, WBTC, "150000000");
    liquidation.put("liquidator_address", LIQUIDATOR);
    liquidation.put("liquidated_token_address", USDC);
    liquidation.put("quantity_liquidated", "40000000000");
    writeRaw(root, "raw.transpose_liquidation_events", RAW_EVENT, List.of(rawEvent(DAY1, liquidation)),
        "block_date = '2024-01-01'");
  }

  @Test
  void stageJobsTypeValidateQuarantineAndReRunIdentically(@TempDir Path root) throws Exception {
    writeRawFixtures(root);
    Map<String, String> lenient = Map.of("quarantine.max_share", "0.5");
    List<String> jobs = List.of(MARKETS, POSITIONS, DEPOSITS, LIQUIDATIONS);
    List<JobReport> reports = new ArrayList<>();
    for (String job : jobs) {
      reports.add(run(root, job, "run-1", lenient));
    }

    assertEquals(4, reports.get(0).rowsRead());
    assertEquals(3, reports.get(0).rowsWritten());
    assertEquals(1, reports.get(0).rowsQuarantined());
    JobReport deposits = reports.get(2);
    assertEquals(5, deposits.rowsRead());
    assertEquals(3, deposits.rowsWritten());
    assertEquals(1L, deposits.metrics().get("rule.negative_quantity"));
    assertEquals(1L, deposits.metrics().get("duplicates_collapsed"));
    assertEquals("0.2000", deposits.metrics().get("quarantined_share"));

    assertTrue(contents(root, POSITIONS).contains("{\"protocol\":\"aave_v2\",\"snapshot_date\":\"2024-01-02\","
        + "\"snapshot_block\":18908895,\"snapshot_timestamp\":\"2024-01-02T00:00:11.000Z\",\"position_id\":\"p-weth\","
        + "\"wallet_address\":\"0x7a16ff8270133f063aab6c9977183d9e72835428\","
        + "\"market_id\":\"0x030ba81f1c18d280636f32af80b9aad02cf0854e\","
        + "\"token_address\":\"0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2\",\"token_decimals\":18,\"side\":\"BORROW\","
        + "\"is_collateral\":false,\"balance_raw\":98765432109876543210987,\"balance\":98765.432109876543210987,"
        + "\"run_id\":\"run-1\"}"), contents(root, POSITIONS).toString());
    assertEquals(List.of("1.000000000000000000", "2500.000000000000000000", "18446.744073709551616000"),
        spark.read().format("delta").load(root.resolve("stage/transpose_deposit_events").toString())
            .selectExpr("cast(quantity as string) q").orderBy("quantity").as(Encoders.STRING()).collectAsList());
    assertEquals(Set.of(
            "{\"source_table\":\"stage.the_graph_historical_market_data\",\"record_date\":\"2024-01-02\",\"record_key\":\"aave_v2|1|0xbroken\",\"reasons\":[\"invalid_json\"]}",
            "{\"source_table\":\"stage.the_graph_historical_account_positions\",\"record_date\":\"2024-01-02\",\"record_key\":\"aave_v2|18908895|p-odd\",\"reasons\":[\"unknown_side\"]}",
            "{\"source_table\":\"stage.transpose_deposit_events\",\"record_date\":\"2024-01-01\",\"record_key\":\"aave|v2|" + tx(4) + "|2\",\"reasons\":[\"negative_quantity\"]}"),
        contents(root, StageJob.QUARANTINE, "run_id", "quarantined_at", "payload"));
    LakehouseTables tables = new LakehouseTables(spark, Env.LOCAL, root.toString(), "read", catalog);
    org.apache.spark.sql.Dataset<Row> quarantine = tables.read(catalog.table(StageJob.QUARANTINE));
    assertEquals("{\"id\": ", quarantine.where("record_key = 'aave_v2|1|0xbroken'").select("payload").as(Encoders.STRING()).first(),
        "the raw payload is kept verbatim");
    assertTrue(quarantine.where("source_table = '" + DEPOSITS + "'").select("payload").as(Encoders.STRING()).first()
        .contains("\"quantity\":\"-1\""));

    TableSpec depositSpec = catalog.table(DEPOSITS);
    assertFalse(tables.read(depositSpec).schema().apply("event_id").nullable(), "key columns are NOT NULL");
    assertEquals(Set.of("quantity_raw_not_negative", "category_is_deposit"),
        CheckConstraints.of(spark, tables.location(depositSpec)).keySet());
    assertEquals(Set.of("balance_raw_not_negative", "side_is_supply_or_borrow", "borrow_is_not_collateral"),
        CheckConstraints.of(spark, tables.location(catalog.table(POSITIONS))).keySet());

    Map<String, Set<String>> before = new java.util.HashMap<>();
    for (String table : List.of(MARKETS, POSITIONS, DEPOSITS, LIQUIDATIONS)) {
      before.put(table, contents(root, table, "run_id"));
    }
    Set<String> quarantineBefore = contents(root, StageJob.QUARANTINE, "run_id", "quarantined_at");
    for (String job : jobs) {
      run(root, job, "run-2", lenient);
    }
    for (String table : before.keySet()) {
      assertEquals(before.get(table), contents(root, table, "run_id"), table + " after a re-run");
    }
    assertEquals(quarantineBefore, contents(root, StageJob.QUARANTINE, "run_id", "quarantined_at"));
    assertEquals(3, tables.read(catalog.table(StageJob.QUARANTINE)).count(), "the re-run replaced its quarantine slices");
  }

  @Test
  void overTheThresholdTheJobFailsAfterWritingTheQuarantineAndWithoutWritingTheStageTable(@TempDir Path root)
      throws Exception {
    writeRaw(root, "raw.the_graph_historical_market_data", RAW_MARKET,
        aaveV2Markets().stream().map(m -> rawMarket("aave_v2", DAY2, m)).toList(), "snapshot_date = '2024-01-02'");
    writeRaw(root, "raw.transpose_deposit_events", RAW_EVENT, List.of(
        rawEvent(DAY1, event("deposit", tx(1), 0, T, USDC, "1")),
        rawEvent(DAY1, event("deposit", tx(2), 0, T, USDC, "-7")),
        rawEvent(DAY1, event("deposit", tx(3), 0, T, USDC, "12abc"))), "block_date = '2024-01-01'");
    run(root, MARKETS, "run-1", Map.of());

    IllegalStateException failure = assertThrows(IllegalStateException.class, () -> run(root, DEPOSITS, "run-1", Map.of()));
    String message = failure.getMessage();
    assertTrue(message.startsWith(DEPOSITS + ": 2 of 3 raw rows of block_date=2024-01-01 quarantined (66.67%), above quarantine.max_share=0.01"), message);
    assertTrue(message.contains("top rules: negative_quantity=1, non_numeric_quantity=1"), message);
    assertTrue(message.contains("db_stage_local.quarantine WHERE source_table = '" + DEPOSITS + "'"), message);

    LakehouseTables tables = new LakehouseTables(spark, Env.LOCAL, root.toString(), "read", catalog);
    assertEquals(2, tables.read(catalog.table(StageJob.QUARANTINE)).where("source_table = '" + DEPOSITS + "'").count());
    assertFalse(tables.exists(catalog.table(DEPOSITS)), "the stage table is not written over the threshold");
  }

  /** A multi-day run is staged in one pass per chunk: the result is the day-by-day result, whatever the chunk size. */
  @Test
  void aMultiDayRunGivesTheSameTablesInOneChunkAsDayByDay(@TempDir Path root) throws Exception {
    java.time.LocalDate day3 = DAY2.plusDays(1);
    writeRaw(root, "raw.the_graph_historical_market_data", RAW_MARKET,
        aaveV2Markets().stream().map(m -> rawMarket("aave_v2", DAY2, m)).toList(), "snapshot_date = '2024-01-02'");
    writeRaw(root, "raw.transpose_deposit_events", RAW_EVENT, List.of(
        rawEvent(DAY1, event("deposit", tx(1), 0, T, USDC, "1")),
        rawEvent(DAY1, event("deposit", tx(2), 0, T, USDC, "-7")),
        rawEvent(DAY2, event("deposit", tx(3), 0, "2024-01-02T10:00:00Z", WETH, "5")),
        // filed under the wrong raw day: quarantined rather than staged into another day's partition
        rawEvent(DAY2, event("deposit", tx(4), 0, "2024-01-03T10:00:00Z", WETH, "6")),
        rawEvent(day3, event("deposit", tx(5), 0, "2024-01-03T11:00:00Z", WBTC, "7"))),
        "block_date >= '2024-01-01' AND block_date <= '2024-01-03'");
    Interval threeDays = Interval.of(DAY1, day3.plusDays(1));
    Map<String, String> lenient = Map.of("quarantine.max_share", "0.6");
    JobRunner runner = new JobRunner(JobRegistry.standard());
    runner.run(MARKETS, new RunConfig(Env.LOCAL, root.toString(), interval, Map.of(), "m"), spark, new Secrets(Map.of()));

    Map<String, String> dayByDay = new java.util.HashMap<>(lenient);
    dayByDay.put(StageJob.CHUNK_DAYS_OPTION, "1");
    JobReport daily = runner.run(DEPOSITS, new RunConfig(Env.LOCAL, root.toString(), threeDays, dayByDay, "r"), spark,
        new Secrets(Map.of()));
    Set<String> stageDaily = contents(root, DEPOSITS);
    Set<String> quarantineDaily = contents(root, StageJob.QUARANTINE, "quarantined_at");
    long versionsDaily = spark.sql("DESCRIBE HISTORY delta.`" + root.resolve("stage/transpose_deposit_events") + "`").count();

    JobReport chunked = runner.run(DEPOSITS, new RunConfig(Env.LOCAL, root.toString(), threeDays, lenient, "r"), spark,
        new Secrets(Map.of()));
    assertEquals(stageDaily, contents(root, DEPOSITS));
    assertEquals(quarantineDaily, contents(root, StageJob.QUARANTINE, "quarantined_at"));
    assertEquals(versionsDaily + 1, spark.sql("DESCRIBE HISTORY delta.`" + root.resolve("stage/transpose_deposit_events") + "`").count(),
        "one commit for the three days");
    assertEquals(List.of(5L, 3L, 2L), List.of(chunked.rowsRead(), chunked.rowsWritten(), chunked.rowsQuarantined()));
    assertEquals(List.of(daily.rowsRead(), daily.rowsWritten(), daily.rowsQuarantined()),
        List.of(chunked.rowsRead(), chunked.rowsWritten(), chunked.rowsQuarantined()));
    assertEquals(1L, chunked.metrics().get("rule.timestamp_outside_interval"));
    assertEquals(List.of("2024-01-01", "2024-01-02", "2024-01-03"), spark.read().format("delta")
        .load(root.resolve("stage/transpose_deposit_events").toString())
        .selectExpr("cast(block_date as string)").orderBy("block_date").as(Encoders.STRING()).collectAsList());

    // Over the threshold on one day: the quarantine slice is written, no day of the chunk is staged.
    IllegalStateException failure = assertThrows(IllegalStateException.class, () -> runner.run(DEPOSITS,
        new RunConfig(Env.LOCAL, root.toString(), threeDays, Map.of(), "strict"), spark, new Secrets(Map.of())));
    assertTrue(failure.getMessage().contains("of block_date=2024-01-01 quarantined"), failure.getMessage());
    assertTrue(failure.getMessage().contains("was NOT written for block_date >= DATE'2024-01-01' AND block_date <= DATE'2024-01-03'"),
        failure.getMessage());
    assertEquals(stageDaily, contents(root, DEPOSITS), "the stage table keeps what the good run wrote");

    // --full-refresh restages every raw day, whatever the run interval says.
    spark.sql("DELETE FROM delta.`" + root.resolve("stage/transpose_deposit_events") + "` WHERE block_date = '2024-01-03'");
    RunConfig oneDay = new RunConfig(Env.LOCAL, root.toString(), Interval.of(DAY1, DAY2), lenient, "r", true);
    JobReport refreshed = runner.run(DEPOSITS, oneDay, spark, new Secrets(Map.of()));
    assertEquals(5L, refreshed.rowsRead(), "all three raw days were read");
    assertEquals(stageDaily, contents(root, DEPOSITS));
  }

  @Test
  void everyStageTableButTheDailyBlocksHasItsJob() {
    Set<String> expected = catalog.jobs().stream().map(j -> j.name())
        .filter(n -> n.startsWith("stage.") && !n.equals("stage.transpose_ethereum_daily_blocks")).collect(Collectors.toSet());
    assertEquals(7, expected.size());
    assertTrue(JobRegistry.standard().all().keySet().containsAll(expected));
  }
}
