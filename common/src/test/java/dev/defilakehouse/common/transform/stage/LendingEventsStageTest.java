package dev.defilakehouse.common.transform.stage;

import static dev.defilakehouse.common.transform.stage.StageFixtures.DAY1;
import static dev.defilakehouse.common.transform.stage.StageFixtures.DAY2;
import static dev.defilakehouse.common.transform.stage.StageFixtures.LIQUIDATOR;
import static dev.defilakehouse.common.transform.stage.StageFixtures.RAW_EVENT;
import static dev.defilakehouse.common.transform.stage.StageFixtures.RAW_MARKET;
import static dev.defilakehouse.common.transform.stage.StageFixtures.USDC;
import static dev.defilakehouse.common.transform.stage.StageFixtures.WBTC;
import static dev.defilakehouse.common.transform.stage.StageFixtures.WETH;
import static dev.defilakehouse.common.transform.stage.StageFixtures.aaveV2Markets;
import static dev.defilakehouse.common.transform.stage.StageFixtures.event;
import static dev.defilakehouse.common.transform.stage.StageFixtures.frame;
import static dev.defilakehouse.common.transform.stage.StageFixtures.rawEvent;
import static dev.defilakehouse.common.transform.stage.StageFixtures.rawEventWithPayload;
import static dev.defilakehouse.common.transform.stage.StageFixtures.rawMarket;
import static dev.defilakehouse.common.transform.stage.StageFixtures.tx;
import static dev.defilakehouse.common.transform.stage.StageFixtures.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.defilakehouse.common.config.Interval;
import dev.defilakehouse.common.testing.SparkTestSession;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class LendingEventsStageTest {
  private final SparkSession spark = SparkTestSession.get();
  private final Interval interval = Interval.of(DAY1, DAY2);
  private static final String T = "2024-01-01T00:00:11Z";

  private Dataset<Row> stageMarkets() {
    return MarketDataStage.transform(frame(spark, RAW_MARKET,
        aaveV2Markets().stream().map(m -> rawMarket("aave_v2", DAY2, m)).toList()), interval, "m").stageRows();
  }

  @Test
  void depositsGetEventIdsExactWholeTokenAmountsAndKeepUnknownTokens() {
    String upperTx = tx(1).toUpperCase().replace("0X", "0x");
    List<Row> raw = List.of(
        rawEvent(DAY1, event("deposit", upperTx, 7, T, USDC, 123456789)),                       // JSON number
        rawEvent(DAY1, event("Deposit", tx(2), 0, "2024-01-01T23:59:59Z", WETH, "18446744073709551616000")),
        rawEvent(DAY1, event("deposit", tx(3), 1, T, WBTC, new BigInteger("36893488147419103232"))), // 2^65 as a number
        rawEvent(DAY1, event("deposit", tx(4), 2, T, "0x" + "11".repeat(20), "42")));           // token not in markets
    StageResult result = LendingEventsStage.of("deposit").transform(frame(spark, RAW_EVENT, raw), stageMarkets(), interval,
        "stage-run");

    String hash = tx(1);
    assertEquals("{\"event_id\":\"" + hash + ":7\",\"protocol\":\"aave_v2\",\"block_date\":\"2024-01-01\","
        + "\"block_number\":18905000,\"block_timestamp\":\"2024-01-01T00:00:11.000Z\",\"log_index\":7,"
        + "\"transaction_hash\":\"" + hash + "\",\"market_address\":\"0x7d2768de32b0b80b7a3454c06bdac94a69ddc7a9\","
        + "\"token_address\":\"0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48\",\"token_symbol\":\"USDC\",\"token_decimals\":6,"
        + "\"category\":\"deposit\",\"account_address\":\"0x7a16ff8270133f063aab6c9977183d9e72835428\","
        + "\"sender_address\":\"0x7a16ff8270133f063aab6c9977183d9e72835428\",\"quantity_raw\":123456789,"
        + "\"quantity\":123.456789000000000000,\"run_id\":\"stage-run\"}",
        result.stageRows().where("log_index = 7").toJSON().first());
    assertEquals(List.of(
            "0:WETH:deposit:18446744073709551616000:18446.744073709551616000",
            "1:WBTC:deposit:36893488147419103232:368934881474.191032320000000000",
            "2:null:deposit:42:null",
            "7:USDC:deposit:123456789:123.456789000000000000"),
        result.stageRows().orderBy("log_index").selectExpr("concat_ws(':', cast(log_index as string), "
            + "coalesce(token_symbol, 'null'), category, cast(quantity_raw as string), coalesce(cast(quantity as string), 'null'))")
            .as(Encoders.STRING()).collectAsList());
    StageCounts counts = StageAssertions.assertEveryRawRowAccountedFor(result, raw.size());
    assertEquals(Map.of("unknown_token_decimals", 1L), counts.ruleCounts());
    assertEquals(0, counts.quarantinedRows());
  }

  @Test
  void liquidationsCarryTheCollateralSeizedAndTheDebtRepaid() {
    Map<String, Object> liquidation = event("liquidate", tx(9), 3, T, WBTC, "150000000");
    liquidation.put("liquidator_address", LIQUIDATOR);
    liquidation.put("liquidated_token_address", USDC);
    liquidation.put("quantity_liquidated", new BigInteger("40000000000"));
    StageResult result = LendingEventsStage.of("liquidation").transform(frame(spark, RAW_EVENT, List.of(rawEvent(DAY1, liquidation))),
        stageMarkets(), interval, "stage-run");

    assertEquals("{\"event_id\":\"" + tx(9) + ":3\",\"protocol\":\"aave_v2\",\"block_date\":\"2024-01-01\","
        + "\"block_number\":18905000,\"block_timestamp\":\"2024-01-01T00:00:11.000Z\",\"log_index\":3,"
        + "\"transaction_hash\":\"" + tx(9) + "\",\"market_address\":\"0x7d2768de32b0b80b7a3454c06bdac94a69ddc7a9\","
        + "\"token_address\":\"0x2260fac5e5542a773aa44fbcfedf7c193bc2c599\",\"token_symbol\":\"WBTC\",\"token_decimals\":8,"
        + "\"category\":\"liquidation\",\"account_address\":\"0x7a16ff8270133f063aab6c9977183d9e72835428\","
        + "\"sender_address\":\"0x7a16ff8270133f063aab6c9977183d9e72835428\",\"quantity_raw\":150000000,"
        + "\"quantity\":1.500000000000000000,\"liquidator_address\":\"0x00000000000000000000000000000000deadbeef\","
        + "\"liquidated_token_address\":\"0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48\",\"liquidated_token_decimals\":6,"
        + "\"quantity_liquidated_raw\":40000000000,\"quantity_liquidated\":40000.000000000000000000,\"run_id\":\"stage-run\"}",
        result.stageRows().toJSON().first());
  }

  @Test
  void theBadInputMatrixLandsInQuarantineWithTheRightReasonsAndNothingIsLost() {
    Map<String, Object> good = event("deposit", tx(1), 1, T, USDC, "1000000");
    List<Row> raw = List.of(
        rawEvent(DAY1, good),
        rawEvent(DAY1, good),                                                                    // fetched twice
        rawEvent(DAY1, with(event("deposit", tx(2), 1, T, USDC, "1"), "transaction_hash", null)),
        rawEventWithPayload(DAY1, tx(3), 1, "{\"timestamp\": \"2024-01-01T00:00:11Z\", \"quantity\": "),
        rawEvent(DAY1, event("deposit", tx(4), 1, T, USDC, "12abc")),
        rawEvent(DAY1, event("deposit", tx(5), 1, T, USDC, "-5")),
        rawEvent(DAY1, event("deposit", tx(6), 1, T, USDC, "1" + "0".repeat(38))),
        rawEvent(DAY1, event("deposit", tx(7), 1, T, USDC, "9".repeat(38))),
        rawEvent(DAY1, with(event("deposit", tx(8), 1, T, USDC, "1"), "account_address", "0xabc")),
        rawEvent(DAY1, event("flashloan", tx(10), 1, T, USDC, "1")),
        rawEvent(DAY1, event("deposit", tx(11), 1, "2024-01-02T00:00:00Z", USDC, "1")),
        rawEvent(DAY1, event("deposit", tx(12), 1, T, USDC, "1")),
        rawEvent(DAY1, event("deposit", tx(12), 1, T, USDC, "2")),
        rawEvent(DAY1, with(event("deposit", tx(13), 1, T, USDC, "1"), "contract_version", "v9")));
    StageResult result = LendingEventsStage.of("deposit").transform(frame(spark, RAW_EVENT, raw), stageMarkets(), interval,
        "stage-run");

    String p = "aave|v2|";
    assertEquals(StageAssertions.sorted(
        "aave|v2|null|1 missing_transaction_hash",
        p + tx(3) + "|1 invalid_json",
        p + tx(4) + "|1 non_numeric_quantity",
        p + tx(5) + "|1 negative_quantity",
        p + tx(6) + "|1 quantity_out_of_range",
        p + tx(7) + "|1 quantity_whole_out_of_range",
        p + tx(8) + "|1 malformed_account_address",
        p + tx(10) + "|1 unknown_category",
        p + tx(11) + "|1 timestamp_outside_interval",
        p + tx(12) + "|1 conflicting_duplicate",
        p + tx(12) + "|1 conflicting_duplicate",
        "aave|v9|" + tx(13) + "|1 unknown_protocol,unknown_token_decimals"), StageAssertions.quarantinedReasons(result));
    assertEquals(List.of(tx(1) + ":1"), result.stageRows().select("event_id").as(Encoders.STRING()).collectAsList());
    StageCounts counts = StageAssertions.assertEveryRawRowAccountedFor(result, raw.size());
    assertEquals(1, counts.collapsedDuplicates());
    assertEquals(2L, counts.quarantineRuleCounts().get("conflicting_duplicate"));
  }

  @Test
  void wholeTokenAmountsArePlacedExactlyForAnyDecimals() {
    Dataset<Row> amounts = spark.sql("SELECT * FROM VALUES "
        + "(CAST('0' AS DECIMAL(38,0)), 6), (CAST('1' AS DECIMAL(38,0)), 18), (CAST('123456789' AS DECIMAL(38,0)), 0), "
        + "(CAST('99999999999999999999999999999999999999' AS DECIMAL(38,0)), 18), "
        + "(CAST('99999999999999999999999999999999999999' AS DECIMAL(38,0)), 17) AS t(raw, decimals)");
    assertEquals(List.of("0.000000000000000000", "0.000000000000000001", "123456789.000000000000000000",
            "99999999999999999999.999999999999999999", "null"),
        amounts.select(StageColumns.wholeTokens(amounts.col("raw"), amounts.col("decimals")).cast("string"))
            .as(Encoders.STRING()).collectAsList().stream().map(String::valueOf).toList());
    assertThrows(IllegalArgumentException.class, () -> LendingEventsStage.of("flashloan"));
  }
}
