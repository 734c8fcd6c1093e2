package dev.defilakehouse.common.transform.stage;

import static dev.defilakehouse.common.transform.stage.StageFixtures.A_USDC;
import static dev.defilakehouse.common.transform.stage.StageFixtures.DAY1;
import static dev.defilakehouse.common.transform.stage.StageFixtures.DAY2;
import static dev.defilakehouse.common.transform.stage.StageFixtures.RAW_MARKET;
import static dev.defilakehouse.common.transform.stage.StageFixtures.USDC;
import static dev.defilakehouse.common.transform.stage.StageFixtures.aaveV2Markets;
import static dev.defilakehouse.common.transform.stage.StageFixtures.frame;
import static dev.defilakehouse.common.transform.stage.StageFixtures.market;
import static dev.defilakehouse.common.transform.stage.StageFixtures.rawMarket;
import static dev.defilakehouse.common.transform.stage.StageFixtures.with;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.defilakehouse.common.config.Interval;
import dev.defilakehouse.common.testing.SparkTestSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class MarketDataStageTest {
  private final SparkSession spark = SparkTestSession.get();
  private final Interval interval = Interval.of(DAY1, DAY2);

  @Test
  void realShapedMarketsBecomeTypedRowsWithThresholdsAsFractions() {
    List<Row> raw = new ArrayList<>();
    aaveV2Markets().forEach(m -> raw.add(rawMarket("aave_v2", DAY2, m)));
    StageResult result = MarketDataStage.transform(frame(spark, RAW_MARKET, raw), interval, "stage-run");

    List<String> rows = result.stageRows().orderBy("token_symbol").toJSON().collectAsList();
    assertEquals(3, rows.size());
    assertEquals("{\"protocol\":\"aave_v2\",\"snapshot_date\":\"2024-01-02\",\"snapshot_block\":18908895,"
        + "\"snapshot_timestamp\":\"2024-01-02T00:00:11.000Z\",\"market_id\":\"0xbcca60bb61934080951369a648fb03df4f96263c\","
        + "\"market_name\":\"Aave interest bearing USDC\",\"token_address\":\"0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48\","
        + "\"token_symbol\":\"USDC\",\"token_decimals\":6,\"liquidation_threshold\":0.875,\"max_ltv\":0.8,"
        + "\"input_token_price_usd\":1.000123450000000000,\"run_id\":\"stage-run\"}", rows.get(0));
    assertEquals("{\"symbol\":\"WBTC\",\"decimals\":8,\"price\":44187.123456789012345678,\"lt\":0.75}",
        result.stageRows().where("token_symbol = 'WBTC'")
            .selectExpr("to_json(named_struct('symbol', token_symbol, 'decimals', token_decimals, "
                + "'price', input_token_price_usd, 'lt', liquidation_threshold))").as(Encoders.STRING()).first());
    assertEquals(0.825, result.stageRows().where("token_symbol = 'WETH'").select("max_ltv").as(Encoders.DOUBLE()).first());
    assertEquals(List.of("protocol", "snapshot_date", "snapshot_block", "snapshot_timestamp", "market_id", "market_name",
        "token_address", "token_symbol", "token_decimals", "liquidation_threshold", "max_ltv", "input_token_price_usd",
        "run_id"), List.of(result.stageRows().columns()));
    assertEquals("decimal(38,18)", result.stageRows().schema().apply("input_token_price_usd").dataType().simpleString());
    assertEquals(0, result.quarantineRows("t", "r").count());
  }

  @Test
  void badMarketsLandInQuarantineWithEveryReasonAndNothingIsLost() {
    Map<String, Object> usdc = aaveV2Markets().get(0);
    Map<String, Object> good = aaveV2Markets().get(1);
    List<Row> raw = List.of(
        rawMarket("aave_v2", DAY2, good),
        rawMarket("aave_v2", DAY2, good),                                                   // exact duplicate: collapses
        rawMarket("aave_v2", DAY2, 1L, "0xm1", "{not json"),                                // invalid JSON
        rawMarket("aave_v2", DAY2, with(market("0xm2", "x", USDC, "USDC", 6, "80", "75", "1"), "id", null)), // missing key
        rawMarket("aave_v2", DAY2, market("0xm3", "x", "0xnot-an-address", "X", 6, "80", "75", "1")),
        rawMarket("maker", DAY2, market("0xm4", "x", USDC, "USDC", 6, "80", "75", "1")),    // unknown protocol
        rawMarket("aave_v2", DAY1, market("0xm5", "x", USDC, "USDC", 6, "80", "75", "1")),  // outside (start, end]
        rawMarket("aave_v2", DAY2, market("0xm6", "x", USDC, "USDC", -1, "180", "abc", "-2")),
        rawMarket("aave_v2", DAY2, usdc),
        rawMarket("aave_v2", DAY2, with(usdc, "name", "Aave USDC (renamed)")));           // same key, other content
    StageResult result = MarketDataStage.transform(frame(spark, RAW_MARKET, raw), interval, "stage-run");

    List<String> reasons = StageAssertions.quarantinedReasons(result);
    String usdcKey = "aave_v2|18908895|" + A_USDC;
    assertEquals(StageAssertions.sorted(
        "aave_v2|1|0xm1 invalid_json",
        "aave_v2|18908895|0xm3 malformed_token_address",
        "aave_v2|18908895|0xm5 snapshot_outside_interval",
        "aave_v2|18908895|0xm6 invalid_liquidation_threshold,invalid_max_ltv,invalid_price,invalid_token_decimals",
        usdcKey + " conflicting_duplicate",
        usdcKey + " conflicting_duplicate",
        "aave_v2|18908895|null missing_market_id",
        "maker|18908895|0xm4 unknown_protocol"), reasons);
    assertEquals(List.of("WBTC"), result.stageRows().select("token_symbol").as(Encoders.STRING()).collectAsList());
    StageCounts counts = StageAssertions.assertEveryRawRowAccountedFor(result, raw.size());
    assertEquals(1, counts.collapsedDuplicates());
    assertEquals(2L, counts.ruleCounts().get("conflicting_duplicate"));
  }
}
