package dev.defilakehouse.common.transform.analytics;

import static dev.defilakehouse.common.transform.analytics.StageFixtures.DAI;
import static dev.defilakehouse.common.transform.analytics.StageFixtures.USDC;
import static dev.defilakehouse.common.transform.analytics.StageFixtures.VALUED_POSITIONS;
import static dev.defilakehouse.common.transform.analytics.StageFixtures.WETH;
import static dev.defilakehouse.common.transform.analytics.StageFixtures.valued;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.defilakehouse.common.testing.SparkTestSession;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** The section 6 formulas on hand-computed wallets. */
class HealthFactorTest {
  private static final double EPS = 1e-12;
  private static final String DAY = "2024-01-02";
  private final SparkSession spark = SparkTestSession.get();

  private Map<String, Row> health(Row... rows) {
    List<Row> out = HealthFactor.transform(spark.createDataFrame(Arrays.asList(rows), VALUED_POSITIONS)).collectAsList();
    Map<String, Row> byWallet = new HashMap<>();
    for (Row r : out) {
      byWallet.put(r.getAs("wallet_address") + "/" + r.getAs("protocol"), r);
    }
    assertEquals(out.size(), byWallet.size(), "one row per wallet and protocol");
    return byWallet;
  }

  private static double d(Row r, String column) {
    return r.<Double>getAs(column);
  }

  @Test
  void outputHasTheContractColumnsInOrder() {
    assertEquals(List.of("wallet_address", "protocol", "snapshot_date", "snapshot_block", "collateral_eth",
            "collateral_x_lt_eth", "collateral_x_ltv_eth", "borrow_eth", "available_borrows_eth", "health_factor",
            "risk_factor", "unpriced_positions"),
        List.of(HealthFactor.transform(spark.createDataFrame(List.of(), VALUED_POSITIONS)).columns()));
  }

  @Test
  void collateralOnTwoProtocolsAndDebtOnOne() {
    Map<String, Row> h = health(
        valued("0xa", "aave_v2", DAY, WETH, "SUPPLY", true, 10.0, 1.0, 0.825, 0.80),
        valued("0xa", "aave_v2", DAY, DAI, "BORROW", false, 2000.0, 0.0005, 0.77, 0.75),
        valued("0xa", "compound_v2", DAY, USDC, "SUPPLY", true, 1000.0, 0.0005, 0.85, 0.75));
    Row aave = h.get("0xa/aave_v2");
    assertEquals(10.0, d(aave, "collateral_eth"), EPS);
    assertEquals(8.25, d(aave, "collateral_x_lt_eth"), EPS);
    assertEquals(8.0, d(aave, "collateral_x_ltv_eth"), EPS);
    assertEquals(1.0, d(aave, "borrow_eth"), EPS);
    assertEquals(7.0, d(aave, "available_borrows_eth"), EPS);
    assertEquals(8.25, d(aave, "health_factor"), EPS);
    assertEquals(1 / 8.25, d(aave, "risk_factor"), EPS);
    assertEquals(0, aave.<Integer>getAs("unpriced_positions"));

    Row compound = h.get("0xa/compound_v2");
    assertEquals(0.5, d(compound, "collateral_eth"), EPS);
    assertEquals(0.425, d(compound, "collateral_x_lt_eth"), EPS);
    assertEquals(0.375, d(compound, "available_borrows_eth"), EPS);
    assertEquals(0.0, d(compound, "borrow_eth"), EPS);
    assertNull(compound.getAs("health_factor"), "no debt: no health factor");
    assertEquals(0.0, d(compound, "risk_factor"), EPS);
  }

  @Test
  void debtWithoutCollateralHasTheMaximalRiskFactor() {
    Row r = health(valued("0xb", "aave_v3", DAY, DAI, "BORROW", false, 6000.0, 0.0005, 0.8, 0.75)).get("0xb/aave_v3");
    assertEquals(0.0, d(r, "collateral_eth"), EPS);
    assertEquals(3.0, d(r, "borrow_eth"), EPS);
    assertEquals(0.0, d(r, "health_factor"), EPS);
    assertEquals(1e6, d(r, "risk_factor"), EPS);
    assertEquals(0.0, d(r, "available_borrows_eth"), EPS);
  }

  @Test
  void riskFactorIsCappedAtAMillion() {
    Row r = health(
        valued("0xc", "aave_v2", DAY, WETH, "SUPPLY", true, 1e-9, 1.0, 0.5, 0.4),
        valued("0xc", "aave_v2", DAY, DAI, "BORROW", false, 2000.0, 0.0005, 0.8, 0.75)).get("0xc/aave_v2");
    assertEquals(1e6, d(r, "risk_factor"), EPS);
    assertEquals(5e-10, d(r, "health_factor"), 1e-22);
  }

  @Test
  void supplyNotEnabledAsCollateralCountsForNothing() {
    Map<String, Row> h = health(
        valued("0xd", "aave_v2", DAY, USDC, "SUPPLY", false, 100000.0, 0.0005, 0.875, 0.8),
        valued("0xd", "aave_v2", DAY, WETH, "SUPPLY", true, 2.0, 1.0, 0.825, 0.8),
        valued("0xd", "aave_v2", DAY, DAI, "BORROW", false, 2000.0, 0.0005, 0.77, 0.75),
        // only non-collateral supply: still a row, all zeros
        valued("0xe", "aave_v2", DAY, USDC, "SUPPLY", false, 500.0, 0.0005, 0.875, 0.8));
    Row mixed = h.get("0xd/aave_v2");
    assertEquals(2.0, d(mixed, "collateral_eth"), EPS);
    assertEquals(1.65, d(mixed, "collateral_x_lt_eth"), EPS);
    assertEquals(1.65, d(mixed, "health_factor"), EPS);
    assertEquals(0.6, d(mixed, "available_borrows_eth"), EPS);

    Row idle = h.get("0xe/aave_v2");
    for (String c : List.of("collateral_eth", "collateral_x_lt_eth", "collateral_x_ltv_eth", "borrow_eth",
        "available_borrows_eth", "risk_factor")) {
      assertEquals(0.0, d(idle, c), 0.0, c);
    }
    assertNull(idle.getAs("health_factor"));
  }

  @Test
  void unpricedPositionsAreCountedAndLeftOutOfTheSums() {
    Row r = health(
        valued("0xf", "aave_v2", DAY, WETH, "SUPPLY", true, 4.0, 1.0, 0.8, 0.7),
        valued("0xf", "aave_v2", DAY, "0xunknown", "SUPPLY", true, 50.0, null, 0.8, 0.7),
        valued("0xf", "aave_v2", DAY, DAI, "BORROW", false, null, 0.0005, null, null),
        valued("0xf", "aave_v2", DAY, DAI, "BORROW", false, 2000.0, 0.0005, null, null)).get("0xf/aave_v2");
    assertEquals(2, r.<Integer>getAs("unpriced_positions"));
    assertEquals(4.0, d(r, "collateral_eth"), EPS);
    assertEquals(1.0, d(r, "borrow_eth"), EPS);
    assertEquals(3.2, d(r, "health_factor"), EPS);
  }
}
