package dev.defilakehouse.common.transform.analytics;

import static dev.defilakehouse.common.transform.analytics.StageFixtures.DAI;
import static dev.defilakehouse.common.transform.analytics.StageFixtures.MARKETS;
import static dev.defilakehouse.common.transform.analytics.StageFixtures.POSITIONS;
import static dev.defilakehouse.common.transform.analytics.StageFixtures.USDC;
import static dev.defilakehouse.common.transform.analytics.StageFixtures.WBTC;
import static dev.defilakehouse.common.transform.analytics.StageFixtures.WETH;
import static dev.defilakehouse.common.transform.analytics.StageFixtures.market;
import static dev.defilakehouse.common.transform.analytics.StageFixtures.position;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.defilakehouse.common.testing.SparkTestSession;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** Stage-shaped markets and positions through prices, valuation, health and current positions. */
class ValuedPositionsTest {
  private static final double EPS = 1e-12;
  private static final String DAY = "2024-03-02";
  private final SparkSession spark = SparkTestSession.get();

  private Dataset<Row> markets() {
    return spark.createDataFrame(List.of(
        market("aave_v2", DAY, 500, "m-weth", WETH, "WETH", 18, 0.825, 0.80, "2000"),
        market("aave_v2", DAY, 500, "m-usdc", USDC, "USDC", 6, 0.875, 0.80, "1.0"),
        market("aave_v2", DAY, 500, "m-wbtc", WBTC, "WBTC", 8, 0.75, 0.70, "40000"),
        market("aave_v2", DAY, 500, "m-dai", DAI, "DAI", 18, 0.77, 0.75, "1.0"),
        // the previous day, different prices: must not leak into DAY
        market("aave_v2", "2024-03-01", 400, "m-weth", WETH, "WETH", 18, 0.825, 0.80, "1000"),
        market("aave_v2", "2024-03-01", 400, "m-usdc", USDC, "USDC", 6, 0.875, 0.80, "1.0")), MARKETS);
  }

  private Dataset<Row> positions() {
    return spark.createDataFrame(List.of(
        position("aave_v2", DAY, 500, "p1", "0xw", "m-usdc", USDC, 6, "SUPPLY", true, "2500000000"),
        position("aave_v2", DAY, 500, "p2", "0xw", "m-wbtc", WBTC, 8, "SUPPLY", true, "50000000"),
        position("aave_v2", DAY, 500, "p3", "0xw", "m-dai", DAI, 18, "BORROW", false, "5000000000000000000000"),
        position("aave_v2", "2024-03-01", 400, "p1", "0xw", "m-usdc", USDC, 6, "SUPPLY", true, "2500000000"),
        // a market with no stage row: no price, no thresholds
        position("aave_v2", DAY, 500, "p4", "0xw", "m-gone", "0xgone", 18, "SUPPLY", true, "1000000000000000000")),
        POSITIONS);
  }

  @Test
  void sixAndEightDecimalTokensAreValuedInWholeTokens() {
    Dataset<Row> prices = TokenPrices.transform(markets());
    Dataset<Row> valued = ValuedPositions.transform(positions(), markets(), prices);
    Map<String, Row> byPosition = new HashMap<>();
    valued.where("snapshot_date = DATE'" + DAY + "'").collectAsList()
        .forEach(r -> byPosition.put(r.getAs("position_id"), r));

    Row usdc = byPosition.get("p1");
    assertEquals(2500.0, usdc.<Double>getAs("amount"), EPS);
    assertEquals(0.0005, usdc.<Double>getAs("price_eth"), EPS);
    assertEquals(0.875, usdc.<Double>getAs("liquidation_threshold"), EPS);
    assertEquals("USDC", usdc.getAs("token_symbol"));
    Row wbtc = byPosition.get("p2");
    assertEquals(0.5, wbtc.<Double>getAs("amount"), EPS);
    assertEquals(20.0, wbtc.<Double>getAs("price_eth"), EPS);
    Row gone = byPosition.get("p4");
    assertNull(gone.getAs("price_eth"));
    assertNull(gone.getAs("liquidation_threshold"));

    Row health = HealthFactor.transform(valued).where("snapshot_date = DATE'" + DAY + "'").head();
    // USDC 2500 * 0.0005 = 1.25 ETH, WBTC 0.5 * 20 = 10 ETH, DAI debt 5000 * 0.0005 = 2.5 ETH
    assertEquals(11.25, health.<Double>getAs("collateral_eth"), EPS);
    assertEquals(1.25 * 0.875 + 10 * 0.75, health.<Double>getAs("collateral_x_lt_eth"), EPS);
    assertEquals(1.25 * 0.80 + 10 * 0.70, health.<Double>getAs("collateral_x_ltv_eth"), EPS);
    assertEquals(2.5, health.<Double>getAs("borrow_eth"), EPS);
    assertEquals((1.25 * 0.875 + 10 * 0.75) / 2.5, health.<Double>getAs("health_factor"), EPS);
    assertEquals(1, health.<Integer>getAs("unpriced_positions"));

    Row before = HealthFactor.transform(valued).where("snapshot_date = DATE'2024-03-01'").head();
    assertEquals(2500 * 0.001, before.<Double>getAs("collateral_eth"), EPS, "the day's own WETH price (1000 USD)");
  }

  @Test
  void currentPositionsAreTheNewestSnapshotWithEthValues() {
    Dataset<Row> valued = ValuedPositions.transform(positions(), markets(), TokenPrices.transform(markets()));
    Dataset<Row> current = CurrentPositions.transform(valued);
    assertEquals(List.of("wallet_address", "protocol", "snapshot_date", "snapshot_block", "position_id", "market_id",
        "token_address", "token_symbol", "side", "is_collateral", "amount", "price_eth", "amount_eth"),
        List.of(current.columns()));
    Map<String, Row> byPosition = new HashMap<>();
    current.collectAsList().forEach(r -> byPosition.put(r.getAs("position_id"), r));
    assertEquals(4, byPosition.size(), "only the " + DAY + " snapshot: " + byPosition.keySet());
    assertEquals(0, new BigDecimal("2500").compareTo(byPosition.get("p1").getAs("amount")));
    assertEquals(1.25, byPosition.get("p1").<Double>getAs("amount_eth"), EPS);
    assertEquals(10.0, byPosition.get("p2").<Double>getAs("amount_eth"), EPS);
    assertEquals(2.5, byPosition.get("p3").<Double>getAs("amount_eth"), EPS);
    assertNull(byPosition.get("p4").getAs("amount_eth"));
  }

  @Test
  void tokenPricesDivideByTheWethMarketOfTheSameProtocolAndBlock() {
    Dataset<Row> withCompound = markets().union(spark.createDataFrame(List.of(
        // compound has no WETH market on this block: its prices have no ETH value
        market("compound_v2", DAY, 500, "c-usdc", USDC, "USDC", 6, 0.85, 0.85, "1.0")), MARKETS));
    Map<String, Row> prices = new HashMap<>();
    TokenPrices.transform(withCompound).where("snapshot_date = DATE'" + DAY + "'").collectAsList()
        .forEach(r -> prices.put(r.getAs("protocol") + "/" + r.getAs("token_symbol"), r));
    assertEquals(1.0, prices.get("aave_v2/WETH").<Double>getAs("price_eth"), EPS);
    assertEquals(20.0, prices.get("aave_v2/WBTC").<Double>getAs("price_eth"), EPS);
    assertEquals(40000.0, prices.get("aave_v2/WBTC").<Double>getAs("price_usd"), EPS);
    assertNull(prices.get("compound_v2/USDC").getAs("price_eth"));
    assertEquals(1.0, prices.get("compound_v2/USDC").<Double>getAs("price_usd"), EPS);

    // Compound's cETH market: stage gives its native-ETH input token WETH's address, so it is the
    // reference without any option
    Dataset<Row> withEthMarket = withCompound.union(spark.createDataFrame(List.of(
        market("compound_v2", DAY, 500, "c-eth", WETH, "ETH", 18, 0.75, 0.75, "2500")), MARKETS));
    Row usdc = TokenPrices.transform(withEthMarket).where("protocol = 'compound_v2' AND token_symbol = 'USDC'").head();
    assertEquals(1.0 / 2500, usdc.<Double>getAs("price_eth"), EPS);
    // a reference given in a native spelling means the same identity
    assertEquals(usdc, TokenPrices.transform(withEthMarket, List.of("0xEeeeeEeeeEeEeeEeEeEeeEEEeeeeEeeeeeeeEEeE"))
        .where("protocol = 'compound_v2' AND token_symbol = 'USDC'").head());
  }

  @Test
  void aReportedPriceOfZeroIsNoPriceNotAWorthlessToken() {
    // Messari's inputTokenPriceUSD is non-null: a market without an oracle price says "0"
    Dataset<Row> unpriced = markets().union(spark.createDataFrame(List.of(
        market("aave_v3", DAY, 500, "v3-weth", WETH, "WETH", 18, 0.83, 0.80, "2000"),
        market("aave_v3", DAY, 500, "v3-usdc", USDC, "USDC", 6, 0.87, 0.80, "0")), MARKETS));
    Row usdc = TokenPrices.transform(unpriced).where("protocol = 'aave_v3' AND token_symbol = 'USDC'").head();
    assertNull(usdc.getAs("price_usd"));
    assertNull(usdc.getAs("price_eth"), "no price that day, so positions and events in it stay unpriced and counted");
  }

  @Test
  void aTokenListedByTwoMarketsGetsOnePrice() {
    Dataset<Row> twoUsdcMarkets = markets().union(spark.createDataFrame(List.of(
        market("aave_v2", DAY, 500, "m-usdc-0-unpriced", USDC, "USDC", 6, 0.875, 0.80, null)), MARKETS));
    List<Row> usdc = TokenPrices.transform(twoUsdcMarkets)
        .where("snapshot_date = DATE'" + DAY + "' AND token_address = '" + USDC + "'").collectAsList();
    assertEquals(1, usdc.size(), "one row per protocol, snapshot date and token (the table's key)");
    assertEquals(0.0005, usdc.get(0).<Double>getAs("price_eth"), EPS, "the priced market wins");
  }
}
