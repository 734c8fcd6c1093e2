package dev.defilakehouse.common.transform.stage;

import static dev.defilakehouse.common.transform.stage.StageFixtures.RAW_EVENT;
import static dev.defilakehouse.common.transform.stage.StageFixtures.RAW_MARKET;
import static dev.defilakehouse.common.transform.stage.StageFixtures.frame;
import static dev.defilakehouse.common.transform.stage.StageFixtures.rawEventWithPayload;
import static dev.defilakehouse.common.transform.stage.StageFixtures.rawMarket;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.defilakehouse.common.config.Interval;
import dev.defilakehouse.common.testing.PublicPayloads;
import dev.defilakehouse.common.testing.SparkTestSession;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** Stage typing on payloads the real services gave or that follow their published conventions (resources/contract). */
class PublicPayloadsStageTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final SparkSession spark = SparkTestSession.get();

  /** Real Messari Compound v2 markets (Spectral's notebook, block 7,812,702): BigDecimal strings, percent thresholds. */
  @Test
  void realMessariMarketsTypeExactlyAndANarrowerQueryIsCaught() throws Exception {
    LocalDate day = LocalDate.parse("2019-05-23");
    List<Row> raw = new ArrayList<>();
    for (JsonNode market : JSON.readTree(PublicPayloads.read("messari-compound-v2-markets-block-7812702.json"))) {
      raw.add(rawMarket("compound_v2", day, 7_812_702L, market.get("id").asText(), market.toString()));
    }
    StageResult result = MarketDataStage.transform(frame(spark, RAW_MARKET, raw),
        Interval.of(day.minusDays(1), day), "contract");
    Map<String, Row> byId = new HashMap<>();
    result.checked().collectAsList().forEach(r -> byId.put(r.getAs("market_id"), r));
    Row eth = byId.get("0x4ddc2d193948926d02f9b1fe9e1daa0718270ed5");
    assertEquals(0.75, eth.<Double>getAs("liquidation_threshold"), 1e-12);
    assertEquals(0, new BigDecimal("245.637909908433420226").compareTo(eth.getAs("input_token_price_usd")),
        "every digit of a BigDecimal string");
    assertEquals(18, (int) eth.getAs("token_decimals"));
    Row usdc = byId.get("0x39aa39c021dfbae8fac545936693ac917d5e7563");
    assertEquals(6, (int) usdc.getAs("token_decimals"));
    assertEquals(0, BigDecimal.ONE.compareTo(usdc.getAs("input_token_price_usd")));
    assertEquals(0.5, byId.get("0x158079ee67fce2f58472a96584a73c7ab9ac95c1").<Double>getAs("liquidation_threshold"), 1e-12);
    // Spectral's query did not select inputToken.id: such a payload cannot be joined, and says why
    assertEquals(5, result.quarantineRows("stage.the_graph_historical_market_data", "contract")
        .where("array_contains(reasons, 'missing_token_address')").count());
  }

  /** A Compound ETH deposit as Transpose spells it (0x000, EIP-55) meets cETH's Messari market (0xeee). */
  @Test
  void compoundEtherInEitherSpellingJoinsAsWeth() throws Exception {
    JsonNode sample = JSON.readTree(PublicPayloads.read("constructed-compound-ether.json"));
    LocalDate day = LocalDate.parse("2024-01-02");
    StageResult markets = MarketDataStage.transform(frame(spark, RAW_MARKET, List.of(rawMarket("compound_v2", day,
        18_908_895L, sample.at("/market/id").asText(), sample.get("market").toString()))), Interval.of(day.minusDays(1), day),
        "contract");
    Row market = markets.stageRows().head();
    assertEquals(NativeEth.WETH, market.getAs("token_address"));

    JsonNode event = sample.get("event");
    StageResult events = LendingEventsStage.of("deposit").transform(frame(spark, RAW_EVENT, List.of(rawEventWithPayload(
        day, event.get("transaction_hash").asText(), event.get("log_index").asInt(), event.toString()))),
        markets.stageRows(), Interval.of(day, day.plusDays(1)), "contract");
    Row row = events.stageRows().head();
    assertEquals(NativeEth.WETH, row.getAs("token_address"));
    assertEquals(18, (int) row.getAs("token_decimals"));
    assertEquals(0, new BigDecimal("2.5").compareTo(row.getAs("quantity")), "decimals joined: 2.5 ETH, not null");
    assertEquals("0x7a16ff8270133f063aab6c9977183d9e72835428", row.getAs("account_address"));
    assertEquals("0x4ddc2d193948926d02f9b1fe9e1daa0718270ed5", row.getAs("market_address"));
    assertTrue(events.stageRows().count() == 1 && events.quarantineRows("stage.transpose_deposit_events", "contract")
        .isEmpty());
  }
}
