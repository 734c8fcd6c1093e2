package dev.defilakehouse.common.transform.features;

import static dev.defilakehouse.common.transform.features.FeatureFixtures.A;
import static dev.defilakehouse.common.transform.features.FeatureFixtures.AT_THRESHOLD;
import static dev.defilakehouse.common.transform.features.FeatureFixtures.B;
import static dev.defilakehouse.common.transform.features.FeatureFixtures.C;
import static dev.defilakehouse.common.transform.features.FeatureFixtures.D;
import static dev.defilakehouse.common.transform.features.FeatureFixtures.E;
import static dev.defilakehouse.common.transform.features.FeatureFixtures.JUST_ABOVE;
import static dev.defilakehouse.common.transform.features.FeatureFixtures.T;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.defilakehouse.common.testing.SparkTestSession;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;

class WalletFeaturesTest {
  private static final double TOLERANCE = 1e-9;
  private static final Instant COMPUTED_AT = Instant.parse("2024-01-04T06:30:00Z");
  private static final long HOUR = 3600;
  private static final long DAY = 24 * HOUR;

  private final SparkSession spark = SparkTestSession.get();

  private Map<String, Row> featuresAsOf(LocalDate asOf) {
    Dataset<Row> features = WalletFeatures.compute(FeatureFixtures.inputs(spark), asOf, COMPUTED_AT);
    return features.collectAsList().stream().collect(Collectors.toMap(r -> r.getAs("wallet_address"), r -> r,
        (x, y) -> {
          throw new AssertionError("wallet " + x.getAs("wallet_address") + " appears twice");
        }, TreeMap::new));
  }

  @Test
  void everyWalletWithAnEventOrAPositionBeforeTAppearsOnceAndNoOther() {
    // The liquidator only sends liquidations (they belong to the borrower); F's only event is at
    // T 00:00 and G's only position is on T+1: none of them is known as of T.
    assertEquals(List.of(A, B, C, D, E), List.copyOf(featuresAsOf(T).keySet()));
  }

  @Test
  void columnsAndTypesFollowTheDictionary() {
    Dataset<Row> features = WalletFeatures.compute(FeatureFixtures.inputs(spark), T, COMPUTED_AT);
    assertEquals(FeatureColumns.tableColumns(), List.of(features.columns()));
    Map<String, String> types = new LinkedHashMap<>();
    for (StructField f : features.schema().fields()) {
      types.put(f.name(), f.dataType().simpleString());
    }
    assertEquals("string", types.get("wallet_address"));
    assertEquals("date", types.get("as_of_date"));
    assertEquals("timestamp", types.get("computed_at"));
    for (String count : List.of("borrow_count", "repay_count", "deposit_count", "liquidation_count",
        "risk_factor_above_threshold_daily_count", "unique_borrow_protocol_count", "unique_lending_protocol_count")) {
      assertEquals("int", types.get(count), count);
    }
    assertEquals("bigint", types.get("time_since_first_deposit"));
    assertEquals("bigint", types.get("time_since_last_liquidated"));
    assertEquals("double", types.get("avg_weighted_risk_factor"));
    assertEquals(29, types.size());
  }

  @Test
  void walletABorrowerOnTwoProtocolsWithEveryEventKind() {
    Row a = featuresAsOf(T).get(A);
    new Expected()
        // Days up to T (2024-01-05 is after T):
        //   01-02 rf = max(0.5, 0.6) = 0.6,  collateral 10+5 = 15, available 4+1 = 5, borrow 4+2 = 6
        //   01-03 rf = max(0.75, 0.9) = 0.9, collateral 10+4 = 14, available 2+0 = 2, borrow 6+3 = 9
        //   01-04 rf = 0.95,                 collateral 8,          available 0,       borrow 6
        .d("risk_factor", 0.95)
        .d("total_collateral_eth", 8.0)
        .d("total_collateral_avg_eth", (15 + 14 + 8) / 3.0) // 12.333...
        .d("total_available_borrows_eth", 0.0)
        .d("total_available_borrows_avg_eth", (5 + 2 + 0) / 3.0)
        // (0.6*6 + 0.9*9 + 0.95*6) / (6+9+6) = (3.6 + 8.1 + 5.7) / 21 = 17.4 / 21
        .d("avg_weighted_risk_factor", 17.4 / 21)
        .i("risk_factor_above_threshold_daily_count", 2) // 0.9 and 0.95 > 0.8333
        .d("avg_risk_factor", (0.6 + 0.9 + 0.95) / 3) // 0.81666...
        .d("max_risk_factor", 0.95)
        // borrows: e1 (twice in the input, one event) 3.0, e2 2.0, e3 unpriced; e4 is at T
        .d("borrow_amount_sum_eth", 5.0)
        .d("borrow_amount_avg_eth", 2.5) // (3 + 2) / 2 priced events
        .i("borrow_count", 3)
        .d("repay_amount_sum_eth", 1.0)
        .d("repay_amount_avg_eth", 1.0)
        .i("repay_count", 1)
        .d("borrow_repay_diff_eth", 4.0) // 5 - 1
        .i("deposit_count", 2)
        .d("deposit_amount_sum_eth", 15.0) // 10 + 5
        .l("time_since_first_deposit", 3 * DAY) // 2024-01-01 00:00 -> 2024-01-04 00:00
        .d("withdraw_amount_sum_eth", 2.0)
        .d("withdraw_deposit_diff_eth", 0.0) // max(0, 2 - 15)
        .i("liquidation_count", 2) // l1, l2; l4 is after T
        .l("time_since_last_liquidated", 4 * HOUR) // l1 at 2024-01-03 20:00
        .d("liquidation_amount_sum_eth", 2.0) // collateral seized 1.2 + 0.8, not the debt 1.0 + 0.7
        .i("unique_borrow_protocol_count", 2) // aave_v2, compound_v2
        .i("unique_lending_protocol_count", 2)
        .verify(a);
  }

  @Test
  void walletBRepaidMoreThanItBorrowedAndWithdrewMoreThanItDeposited() {
    Row b = featuresAsOf(T).get(B);
    new Expected()
        // Days 01-03 and 01-04 on compound_v2: collateral 2, available 1.5, no borrow, rf 0
        .d("risk_factor", 0.0)
        .d("total_collateral_eth", 2.0)
        .d("total_collateral_avg_eth", 2.0)
        .d("total_available_borrows_eth", 1.5)
        .d("total_available_borrows_avg_eth", 1.5)
        .d("avg_weighted_risk_factor", 0.0) // never borrowed: Σ borrow = 0
        .i("risk_factor_above_threshold_daily_count", 0)
        .d("avg_risk_factor", 0.0)
        .d("max_risk_factor", 0.0)
        .d("borrow_amount_sum_eth", 1.0)
        .d("borrow_amount_avg_eth", 1.0)
        .i("borrow_count", 1)
        .d("repay_amount_sum_eth", 1.5) // r3 1.5, r4 unpriced
        .d("repay_amount_avg_eth", 1.5)
        .i("repay_count", 2)
        .d("borrow_repay_diff_eth", -0.5) // 1 - 1.5, not floored
        .i("deposit_count", 1)
        .d("deposit_amount_sum_eth", 2.0)
        .l("time_since_first_deposit", 2 * DAY) // 2024-01-02 00:00
        .d("withdraw_amount_sum_eth", 3.0) // w2 3.0, w3 unpriced
        .d("withdraw_deposit_diff_eth", 1.0) // max(0, 3 - 2)
        .i("liquidation_count", 0)
        .nul("time_since_last_liquidated") // never liquidated
        .d("liquidation_amount_sum_eth", 0.0)
        .i("unique_borrow_protocol_count", 1)
        .i("unique_lending_protocol_count", 1)
        .verify(b);
  }

  @Test
  void walletCHasOnlyUnpricedEventsAndNoPosition() {
    Row c = featuresAsOf(T).get(C);
    new Expected()
        // No position ever: current values and counts 0, averages over days undefined
        .d("risk_factor", 0.0)
        .d("total_collateral_eth", 0.0)
        .nul("total_collateral_avg_eth")
        .d("total_available_borrows_eth", 0.0)
        .nul("total_available_borrows_avg_eth")
        .d("avg_weighted_risk_factor", 0.0)
        .i("risk_factor_above_threshold_daily_count", 0)
        .nul("avg_risk_factor")
        .nul("max_risk_factor")
        // b6 is unpriced: counted, not summed; no priced borrow to average
        .d("borrow_amount_sum_eth", 0.0)
        .nul("borrow_amount_avg_eth")
        .i("borrow_count", 1)
        .d("repay_amount_sum_eth", 0.0)
        .nul("repay_amount_avg_eth")
        .i("repay_count", 0)
        .d("borrow_repay_diff_eth", 0.0)
        .i("deposit_count", 0)
        .d("deposit_amount_sum_eth", 0.0)
        .nul("time_since_first_deposit")
        .d("withdraw_amount_sum_eth", 0.0)
        .d("withdraw_deposit_diff_eth", 0.0)
        .i("liquidation_count", 1) // l3, unpriced
        .l("time_since_last_liquidated", 2 * DAY) // 2024-01-02 00:00
        .d("liquidation_amount_sum_eth", 0.0)
        .i("unique_borrow_protocol_count", 1)
        .i("unique_lending_protocol_count", 0)
        .verify(c);
  }

  @Test
  void walletDHasAPositionBeforeTButNoneAtTAndNoEvent() {
    Row d = featuresAsOf(T).get(D);
    new Expected()
        // One day, 01-02: debt 1 without collateral, rf 1e6; nothing at T
        .d("risk_factor", 0.0)
        .d("total_collateral_eth", 0.0)
        .d("total_collateral_avg_eth", 0.0)
        .d("total_available_borrows_eth", 0.0)
        .d("total_available_borrows_avg_eth", 0.0)
        .d("avg_weighted_risk_factor", 1e6) // 1e6 * 1 / 1
        .i("risk_factor_above_threshold_daily_count", 1)
        .d("avg_risk_factor", 1e6)
        .d("max_risk_factor", 1e6)
        .d("borrow_amount_sum_eth", 0.0)
        .nul("borrow_amount_avg_eth")
        .i("borrow_count", 0)
        .d("repay_amount_sum_eth", 0.0)
        .nul("repay_amount_avg_eth")
        .i("repay_count", 0)
        .d("borrow_repay_diff_eth", 0.0)
        .i("deposit_count", 0)
        .d("deposit_amount_sum_eth", 0.0)
        .nul("time_since_first_deposit")
        .d("withdraw_amount_sum_eth", 0.0)
        .d("withdraw_deposit_diff_eth", 0.0)
        .i("liquidation_count", 0)
        .nul("time_since_last_liquidated")
        .d("liquidation_amount_sum_eth", 0.0)
        .i("unique_borrow_protocol_count", 0)
        .i("unique_lending_protocol_count", 0)
        .verify(d);
  }

  @Test
  void walletEThresholdCountsOnlyDaysStrictlyAbove1Over1point2() {
    Row e = featuresAsOf(T).get(E);
    double t = AT_THRESHOLD;
    double u = JUST_ABOVE; // the next double above 1/1.2
    new Expected()
        //   01-02 rf = t (not counted), collateral 12, available 0, borrow 10
        //   01-03 rf = u (counted),     collateral 12, available 0, borrow 10
        //   01-04 rf = max(0.5, t) = t (not counted), collateral 20+1 = 21, available 5+0 = 5, borrow 5+0.5 = 5.5
        .d("risk_factor", t)
        .d("total_collateral_eth", 21.0)
        .d("total_collateral_avg_eth", (12 + 12 + 21) / 3.0) // 15
        .d("total_available_borrows_eth", 5.0)
        .d("total_available_borrows_avg_eth", 5 / 3.0)
        .d("avg_weighted_risk_factor", (t * 10 + u * 10 + t * 5.5) / 25.5)
        .i("risk_factor_above_threshold_daily_count", 1)
        .d("avg_risk_factor", (t + u + t) / 3)
        .d("max_risk_factor", u)
        .d("borrow_amount_sum_eth", 0.0)
        .nul("borrow_amount_avg_eth")
        .i("borrow_count", 0)
        .d("repay_amount_sum_eth", 0.0)
        .nul("repay_amount_avg_eth")
        .i("repay_count", 0)
        .d("borrow_repay_diff_eth", 0.0)
        .i("deposit_count", 0)
        .d("deposit_amount_sum_eth", 0.0)
        .nul("time_since_first_deposit")
        .d("withdraw_amount_sum_eth", 0.0)
        .d("withdraw_deposit_diff_eth", 0.0)
        .i("liquidation_count", 0)
        .nul("time_since_last_liquidated")
        .d("liquidation_amount_sum_eth", 0.0)
        .i("unique_borrow_protocol_count", 0)
        .i("unique_lending_protocol_count", 0)
        .verify(e);
    // The threshold a health computation would produce for borrow 10 against 12 of adjusted collateral.
    assertEquals(t, 10.0 / 12.0);
    assertEquals(0.8333333333333334, t);
  }

  @Test
  void asOfAnEarlierDateUsesNoEventAtOrAfterItAndNoLaterSnapshot() {
    LocalDate t2 = LocalDate.parse("2024-01-03");
    Map<String, Row> features = featuresAsOf(t2);
    // D and E have days by 01-03; B's first position is on 01-03 and its events are before it.
    assertEquals(List.of(A, B, C, D, E), List.copyOf(features.keySet()));
    Row a = features.get(A);
    new Expected()
        // Days 01-02 (rf 0.6, collateral 15, available 5, borrow 6) and 01-03 (rf 0.9, 14, 2, 9)
        .d("risk_factor", 0.9)
        .d("total_collateral_eth", 14.0)
        .d("total_collateral_avg_eth", 14.5)
        .d("total_available_borrows_eth", 2.0)
        .d("total_available_borrows_avg_eth", 3.5)
        .d("avg_weighted_risk_factor", (0.6 * 6 + 0.9 * 9) / 15) // 11.7 / 15 = 0.78
        .i("risk_factor_above_threshold_daily_count", 1)
        .d("avg_risk_factor", 0.75)
        .d("max_risk_factor", 0.9)
        // Before 01-03 00:00 only e1 (3.0); d1, d2; l2; no repay or withdraw yet
        .d("borrow_amount_sum_eth", 3.0)
        .d("borrow_amount_avg_eth", 3.0)
        .i("borrow_count", 1)
        .d("repay_amount_sum_eth", 0.0)
        .nul("repay_amount_avg_eth")
        .i("repay_count", 0)
        .d("borrow_repay_diff_eth", 3.0)
        .i("deposit_count", 2)
        .d("deposit_amount_sum_eth", 15.0)
        .l("time_since_first_deposit", 2 * DAY)
        .d("withdraw_amount_sum_eth", 0.0)
        .d("withdraw_deposit_diff_eth", 0.0)
        .i("liquidation_count", 1)
        .l("time_since_last_liquidated", 4 * HOUR) // l2 at 2024-01-02 20:00
        .d("liquidation_amount_sum_eth", 0.8)
        .i("unique_borrow_protocol_count", 1)
        .i("unique_lending_protocol_count", 2)
        .verify(a);
    // w2 is exactly at 2024-01-03 00:00: not yet known
    Row b = features.get(B);
    assertEquals(0.0, b.<Double>getAs("withdraw_amount_sum_eth"));
    assertEquals(2.0, b.<Double>getAs("total_collateral_eth"));
    assertEquals(java.sql.Date.valueOf(t2), a.getAs("as_of_date"));
    assertEquals(Timestamp.from(COMPUTED_AT), a.getAs("computed_at"));
  }

  @Test
  void eventCountsReportTheUnpricedEventsTheSumsSkipped() {
    Map<String, long[]> counts = new TreeMap<>();
    for (Row r : WalletFeatures.eventCounts(FeatureFixtures.inputs(spark), T).collectAsList()) {
      counts.put(r.getString(0), new long[] {r.getLong(1), r.getLong(2)});
    }
    // rows before T (the duplicated e1 counts twice here) and those with a null amount_eth
    assertEquals(List.of(6L, 2L), List.of(counts.get("borrow")[0], counts.get("borrow")[1]));
    assertEquals(List.of(3L, 0L), List.of(counts.get("deposit")[0], counts.get("deposit")[1]));
    assertEquals(List.of(3L, 1L), List.of(counts.get("withdraw")[0], counts.get("withdraw")[1]));
    assertEquals(List.of(3L, 1L), List.of(counts.get("repay")[0], counts.get("repay")[1]));
    assertEquals(List.of(3L, 1L), List.of(counts.get("liquidation")[0], counts.get("liquidation")[1]));
  }

  /** The expected value of every feature of one wallet; verify fails if any feature is left out. */
  private static final class Expected {
    private final Map<String, Object> values = new LinkedHashMap<>();

    Expected d(String name, double value) {
      return put(name, value);
    }

    Expected i(String name, int value) {
      return put(name, value);
    }

    Expected l(String name, long value) {
      return put(name, value);
    }

    Expected nul(String name) {
      return put(name, null);
    }

    private Expected put(String name, Object value) {
      if (values.containsKey(name)) {
        throw new IllegalArgumentException(name + " given twice");
      }
      values.put(name, value);
      return this;
    }

    void verify(Row row) {
      assertEquals(FeatureColumns.names(), List.copyOf(values.keySet()), "every feature, in dictionary order");
      for (Map.Entry<String, Object> e : values.entrySet()) {
        Object actual = row.getAs(e.getKey());
        String what = e.getKey() + " of " + row.getAs("wallet_address");
        if (e.getValue() == null) {
          assertNull(actual, what);
        } else if (e.getValue() instanceof Double expected) {
          assertEquals(expected, (Double) actual, TOLERANCE * Math.max(1, Math.abs(expected)), what);
        } else {
          assertEquals(e.getValue(), actual, what);
        }
      }
    }
  }
}
