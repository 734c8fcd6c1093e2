package dev.defilakehouse.common.transform.analytics;

import static dev.defilakehouse.common.transform.analytics.StageFixtures.EVENTS;
import static dev.defilakehouse.common.transform.analytics.StageFixtures.LIQUIDATIONS;
import static dev.defilakehouse.common.transform.analytics.StageFixtures.MARKETS;
import static dev.defilakehouse.common.transform.analytics.StageFixtures.USDC;
import static dev.defilakehouse.common.transform.analytics.StageFixtures.WETH;
import static dev.defilakehouse.common.transform.analytics.StageFixtures.event;
import static dev.defilakehouse.common.transform.analytics.StageFixtures.liquidation;
import static dev.defilakehouse.common.transform.analytics.StageFixtures.market;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.defilakehouse.common.testing.SparkTestSession;
import java.math.BigDecimal;
import java.sql.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** As-of pricing of events: exact snapshot, between snapshots, too old, and the join's plan. */
class EventValuationTest {
  private static final double EPS = 1e-15;
  private final SparkSession spark = SparkTestSession.get();

  /** USDC on aave_v2 at 1/2000 ETH on Jan 1 and 1/2500 ETH on Jan 3 (snapshots at 00:00:11). */
  private Dataset<Row> prices() {
    return TokenPrices.transform(spark.createDataFrame(List.of(
        market("aave_v2", "2024-01-01", 100, "m-weth", WETH, "WETH", 18, 0.8, 0.75, "2000"),
        market("aave_v2", "2024-01-01", 100, "m-usdc", USDC, "USDC", 6, 0.85, 0.8, "1"),
        market("aave_v2", "2024-01-03", 300, "m-weth", WETH, "WETH", 18, 0.8, 0.75, "2500"),
        market("aave_v2", "2024-01-03", 300, "m-usdc", USDC, "USDC", 6, 0.85, 0.8, "1"),
        // same token on another protocol, much dearer: must never be used for aave_v2
        market("aave_v3", "2024-01-02", 200, "v3-weth", WETH, "WETH", 18, 0.8, 0.75, "1"),
        market("aave_v3", "2024-01-02", 200, "v3-usdc", USDC, "USDC", 6, 0.85, 0.8, "1")), MARKETS));
  }

  private Map<String, Row> value(Dataset<Row> events, int maxAgeDays) {
    Map<String, Row> byId = new HashMap<>();
    EventValuation.transform(events, prices(), maxAgeDays).collectAsList().forEach(r -> byId.put(r.getAs("event_id"), r));
    return byId;
  }

  private Dataset<Row> deposits() {
    return spark.createDataFrame(List.of(
        event("0xat:1", "aave_v2", "2024-01-03T00:00:11Z", USDC, "1000"),
        event("0xjustbefore:1", "aave_v2", "2024-01-03T00:00:10Z", USDC, "1000"),
        event("0xbetween:1", "aave_v2", "2024-01-02T12:00:00Z", USDC, "1000"),
        event("0xweekold:1", "aave_v2", "2024-01-10T23:59:59Z", USDC, "1000"),
        event("0xtooold:1", "aave_v2", "2024-01-11T00:30:00Z", USDC, "1000"),
        event("0xbeforeany:1", "aave_v2", "2023-12-31T23:00:00Z", USDC, "1000"),
        event("0xunknown:1", "aave_v2", "2024-01-03T12:00:00Z", "0xnotlisted", "5"),
        event("0xnoqty:1", "aave_v2", "2024-01-03T12:00:00Z", USDC, null)), EVENTS);
  }

  @Test
  void usesTheNewestPriceAtOrBeforeTheEventAtMostSevenDaysOld() {
    Map<String, Row> v = value(deposits(), EventValuation.DEFAULT_MAX_AGE_DAYS);
    assertEquals(8, v.size(), "every event is kept");

    Row at = v.get("0xat:1");
    assertEquals(1 / 2500.0, at.<Double>getAs("price_eth"), EPS, "an event at the snapshot block uses that snapshot");
    assertEquals(Date.valueOf("2024-01-03"), at.getAs("price_date"));
    assertEquals(0.4, at.<Double>getAs("amount_eth"), 1e-12);
    assertEquals(0, new BigDecimal("1000").compareTo(at.getAs("amount")));

    Row justBefore = v.get("0xjustbefore:1");
    assertEquals(Date.valueOf("2024-01-01"), justBefore.getAs("price_date"), "the day's snapshot is not yet taken");
    assertEquals(0.5, justBefore.<Double>getAs("amount_eth"), 1e-12);

    Row between = v.get("0xbetween:1");
    assertEquals(Date.valueOf("2024-01-01"), between.getAs("price_date"));
    assertEquals(0.5, between.<Double>getAs("amount_eth"), 1e-12);

    Row weekOld = v.get("0xweekold:1");
    assertEquals(Date.valueOf("2024-01-03"), weekOld.getAs("price_date"), "7 days old is still accepted");
    assertEquals(0.4, weekOld.<Double>getAs("amount_eth"), 1e-12);

    for (String id : List.of("0xtooold:1", "0xbeforeany:1", "0xunknown:1")) {
      assertNull(v.get(id).getAs("amount_eth"), id + " has no price within 7 days before it");
      assertNull(v.get(id).getAs("price_eth"), id);
    }
    assertNull(v.get("0xnoqty:1").getAs("amount_eth"), "unknown quantity, unknown ETH amount");
    assertEquals(1 / 2500.0, v.get("0xnoqty:1").<Double>getAs("price_eth"), EPS);
  }

  @Test
  void theMaximumAgeIsConfigurable() {
    Map<String, Row> v = value(deposits(), 0);
    assertNull(v.get("0xbetween:1").getAs("amount_eth"), "a one-day-old price is too old with max age 0");
    assertEquals(0.4, v.get("0xat:1").<Double>getAs("amount_eth"), 1e-12);
    assertEquals(0.4, value(deposits(), 9).get("0xtooold:1").<Double>getAs("amount_eth"), 1e-12,
        "with 9 days allowed the Jan 3 price (8 days before the event) is used");
  }

  @Test
  void liquidationsValueTheSeizedCollateralAndTheRepaidDebt() {
    Dataset<Row> events = spark.createDataFrame(List.of(
        liquidation("0xliq:7", "aave_v2", "2024-01-03T15:00:00Z", WETH, "1.5", USDC, "2000"),
        liquidation("0xliq:8", "aave_v2", "2024-01-03T15:00:00Z", WETH, "1.5", "0xnotlisted", "2000")), LIQUIDATIONS);
    Map<String, Row> v = value(events, 7);
    Row liq = v.get("0xliq:7");
    assertEquals(1.5, liq.<Double>getAs("amount_eth"), 1e-12, "collateral seized");
    assertEquals(0.8, liq.<Double>getAs("amount_liquidated_eth"), 1e-12, "debt repaid");
    assertEquals(1 / 2500.0, liq.<Double>getAs("liquidated_price_eth"), EPS);
    assertEquals(0, new BigDecimal("2000").compareTo(liq.getAs("amount_liquidated")));
    assertEquals("0xliquidator", liq.getAs("liquidator_address"));
    assertNull(v.get("0xliq:8").getAs("amount_liquidated_eth"));
    assertEquals(1.5, v.get("0xliq:8").<Double>getAs("amount_eth"), 1e-12);
  }

  @Test
  void keepsEveryStageColumnAndAddsTheValuation() {
    List<String> columns = List.of(EventValuation.transform(
        spark.createDataFrame(List.of(), LIQUIDATIONS), prices(), 7).columns());
    assertEquals(List.of(LIQUIDATIONS.fieldNames()), columns.subList(0, LIQUIDATIONS.size()));
    assertEquals(List.of("amount", "price_eth", "price_date", "amount_eth", "amount_liquidated",
        "liquidated_price_eth", "amount_liquidated_eth"), columns.subList(LIQUIDATIONS.size(), columns.size()));
  }

  @Test
  void theAsOfJoinIsAnEquiJoinNotACrossJoin() {
    String threshold = "spark.sql.autoBroadcastJoinThreshold";
    String before = spark.conf().get(threshold);
    for (String setting : List.of(before, "-1")) {  // broadcast allowed, then forced to a shuffle join
      spark.conf().set(threshold, setting);
      try {
        Dataset<Row> valued = EventValuation.transform(spark.createDataFrame(List.of(
            liquidation("0xliq:7", "aave_v2", "2024-01-03T15:00:00Z", WETH, "1.5", USDC, "2000")), LIQUIDATIONS), prices(), 7);
        valued.collectAsList();
        String plan = valued.queryExecution().executedPlan().toString();
        assertFalse(plan.contains("CartesianProduct"), plan);
        assertFalse(plan.contains("BroadcastNestedLoopJoin"), plan);
        assertTrue(plan.contains("SortMergeJoin") || plan.contains("BroadcastHashJoin")
            || plan.contains("ShuffledHashJoin"), plan);
      } finally {
        spark.conf().set(threshold, before);
      }
    }
  }
}
