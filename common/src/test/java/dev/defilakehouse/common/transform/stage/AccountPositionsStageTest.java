package dev.defilakehouse.common.transform.stage;

import static dev.defilakehouse.common.transform.stage.StageFixtures.A_USDC;
import static dev.defilakehouse.common.transform.stage.StageFixtures.A_WBTC;
import static dev.defilakehouse.common.transform.stage.StageFixtures.A_WETH;
import static dev.defilakehouse.common.transform.stage.StageFixtures.DAY1;
import static dev.defilakehouse.common.transform.stage.StageFixtures.DAY2;
import static dev.defilakehouse.common.transform.stage.StageFixtures.RAW_MARKET;
import static dev.defilakehouse.common.transform.stage.StageFixtures.RAW_POSITION;
import static dev.defilakehouse.common.transform.stage.StageFixtures.WALLET;
import static dev.defilakehouse.common.transform.stage.StageFixtures.aaveV2Markets;
import static dev.defilakehouse.common.transform.stage.StageFixtures.frame;
import static dev.defilakehouse.common.transform.stage.StageFixtures.position;
import static dev.defilakehouse.common.transform.stage.StageFixtures.rawMarket;
import static dev.defilakehouse.common.transform.stage.StageFixtures.rawPosition;
import static dev.defilakehouse.common.transform.stage.StageFixtures.with;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.defilakehouse.common.config.Interval;
import dev.defilakehouse.common.testing.SparkTestSession;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class AccountPositionsStageTest {
  private final SparkSession spark = SparkTestSession.get();
  private final Interval interval = Interval.of(DAY1, DAY2);

  private Dataset<Row> stageMarkets() {
    return MarketDataStage.transform(frame(spark, RAW_MARKET,
        aaveV2Markets().stream().map(m -> rawMarket("aave_v2", DAY2, m)).toList()), interval, "m").stageRows();
  }

  private static String id(String market, String side) {
    return WALLET + "-" + market + "-" + side + "-0";
  }

  @Test
  void bothSchemaVersionsBecomeSupplyOrBorrowWithExactBalances() {
    List<Row> raw = List.of(
        rawPosition("aave_v2", DAY2, position(id(A_USDC, "LENDER"), WALLET, A_USDC, "LENDER", true, "123456789012")),
        rawPosition("aave_v2", DAY2, position(id(A_WBTC, "COLLATERAL"), WALLET, A_WBTC, "COLLATERAL", null, "250000000")),
        rawPosition("aave_v2", DAY2, position(id(A_WETH, "BORROWER"), WALLET, A_WETH, "BORROWER", null,
            "98765432109876543210987")),
        rawPosition("aave_v2", DAY2, position(id(A_USDC, "LENDER") + "x", WALLET, A_USDC, "LENDER", false, "5")),
        rawPosition("aave_v2", DAY2, position("unknown-market", WALLET, "0x" + "ab".repeat(20), "LENDER", true, "7")));
    StageResult result = AccountPositionsStage.transform(frame(spark, RAW_POSITION, raw), stageMarkets(), interval, "stage-run");

    assertEquals("{\"protocol\":\"aave_v2\",\"snapshot_date\":\"2024-01-02\",\"snapshot_block\":18908895,"
        + "\"snapshot_timestamp\":\"2024-01-02T00:00:11.000Z\",\"position_id\":\"" + id(A_WETH, "BORROWER").toLowerCase()
        + "\",\"wallet_address\":\"0x7a16ff8270133f063aab6c9977183d9e72835428\","
        + "\"market_id\":\"0x030ba81f1c18d280636f32af80b9aad02cf0854e\","
        + "\"token_address\":\"0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2\",\"token_decimals\":18,\"side\":\"BORROW\","
        + "\"is_collateral\":false,\"balance_raw\":98765432109876543210987,\"balance\":98765.432109876543210987,"
        + "\"run_id\":\"stage-run\"}",
        result.stageRows().where("side = 'BORROW'").toJSON().first());
    assertEquals(List.of(
            "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48 6 SUPPLY false 5 0.000005000000000000",
            "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48 6 SUPPLY true 123456789012 123456.789012000000000000",
            // aave-forks leaves isCollateral null until the reserve is enabled as collateral: not collateral
            "0x2260fac5e5542a773aa44fbcfedf7c193bc2c599 8 SUPPLY false 250000000 2.500000000000000000",
            "null null SUPPLY true 7 null"),
        result.stageRows().where("side = 'SUPPLY'").orderBy(col("token_decimals").asc_nulls_last(), col("balance_raw"))
            .selectExpr("concat_ws(' ', coalesce(token_address, 'null'), coalesce(cast(token_decimals as string), 'null'), "
                + "side, cast(is_collateral as string), cast(balance_raw as string), coalesce(cast(balance as string), 'null'))")
            .as(Encoders.STRING()).collectAsList());
    StageCounts counts = StageAssertions.assertEveryRawRowAccountedFor(result, raw.size());
    assertEquals(0, counts.quarantinedRows());
    assertEquals(Map.of("unknown_market", 1L), counts.ruleCounts());
  }

  @Test
  void badPositionsLandInQuarantineWithTheirReasons() {
    Map<String, Object> good = position(id(A_USDC, "LENDER"), WALLET, A_USDC, "LENDER", true, "100");
    List<Row> raw = List.of(
        rawPosition("aave_v2", DAY2, good),
        rawPosition("aave_v2", DAY2, good),
        rawPosition("aave_v2", DAY2, "p-json", "[1, 2"),
        rawPosition("aave_v2", DAY2, with(position("p-side", WALLET, A_USDC, "SPECTATOR", null, "1"), "side", "SPECTATOR")),
        rawPosition("aave_v2", DAY2, with(position("p-account", WALLET, A_USDC, "LENDER", true, "1"), "account", null)),
        rawPosition("aave_v2", DAY2, position("p-wallet", "0x12", A_USDC, "LENDER", true, "1")),
        rawPosition("aave_v2", DAY2, position("p-nan", WALLET, A_USDC, "LENDER", true, "1.5e3")),
        rawPosition("aave_v2", DAY2, position("p-neg", WALLET, A_USDC, "LENDER", true, "-100")),
        rawPosition("aave_v2", DAY2, position("p-big", WALLET, A_USDC, "LENDER", true, "1" + "0".repeat(38))),
        rawPosition("aave_v2", DAY2, position("p-whole", WALLET, A_USDC, "LENDER", true, "9".repeat(38))),
        rawPosition("aave_v2", DAY1, position("p-old", WALLET, A_USDC, "LENDER", true, "1")),
        rawPosition("aave_v2", DAY2, position("p-dup", WALLET, A_USDC, "LENDER", true, "1")),
        rawPosition("aave_v2", DAY2, position("p-dup", WALLET, A_USDC, "LENDER", true, "2")));
    StageResult result = AccountPositionsStage.transform(frame(spark, RAW_POSITION, raw), stageMarkets(), interval, "stage-run");

    String k = "aave_v2|18908895|";
    assertEquals(StageAssertions.sorted(
        k + "p-json invalid_json",
        k + "p-side unknown_side",
        k + "p-account missing_wallet_address",
        k + "p-wallet malformed_wallet_address",
        k + "p-nan non_numeric_balance",
        k + "p-neg negative_balance",
        k + "p-big balance_out_of_range",
        k + "p-whole balance_whole_out_of_range",
        "aave_v2|18908895|p-old snapshot_outside_interval",
        k + "p-dup conflicting_duplicate",
        k + "p-dup conflicting_duplicate"), StageAssertions.quarantinedReasons(result));
    assertEquals(1, result.stageRows().count());
    StageCounts counts = StageAssertions.assertEveryRawRowAccountedFor(result, raw.size());
    assertEquals(1, counts.collapsedDuplicates());
    assertEquals(11, counts.quarantinedRows());
  }
}
