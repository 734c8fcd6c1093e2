package dev.defilakehouse.common.transform.features;

import static dev.defilakehouse.common.transform.features.FeatureFixtures.A;
import static dev.defilakehouse.common.transform.features.FeatureFixtures.B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.defilakehouse.common.testing.SparkTestSession;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;

class WalletFeatureStateTest {
  private static final Instant COMPUTED_AT = Instant.parse("2024-01-06T06:00:00Z");
  private static final LocalDate D2 = LocalDate.parse("2024-01-02");
  private static final LocalDate D3 = LocalDate.parse("2024-01-03");
  private static final LocalDate D4 = LocalDate.parse("2024-01-04");

  private final SparkSession spark = SparkTestSession.get();

  @Test
  void mergeAddsCountsAndExactSumsCombinesTimesAndSetsAndTakesCurrentValuesFromTheNewDay() {
    // A as of 01-03 (its history before) and A's day 01-03 -> 01-04, worked by hand.
    Row previous = stateRow(Map.of(
        "wallet_address", A, "borrow_events", 2L, "borrow_priced_events", 1L, "borrow_amount_eth_sum", dec("0.1"),
        "first_deposit_at", ts("2024-01-01T00:00:00Z"), "borrow_protocols", List.of("aave_v2"),
        "collateral_days", 2L, "collateral_eth_sum", dec("29"), "risk_factor_max", 0.9,
        "risk_factor_at_date", 0.9), D3);
    Row day = stateRow(Map.of(
        "wallet_address", A, "borrow_events", 1L, "borrow_priced_events", 1L, "borrow_amount_eth_sum", dec("0.2"),
        "first_deposit_at", ts("2024-01-03T05:00:00Z"), "borrow_protocols", List.of("compound_v2", "aave_v2"),
        "collateral_days", 1L, "collateral_eth_sum", dec("8"), "risk_factor_max", 0.75,
        "collateral_eth_at_date", dec("8")), D4);
    Row onlyOld = stateRow(Map.of("wallet_address", B, "repay_events", 4L, "risk_factor_at_date", 0.3), D3);

    Dataset<Row> merged = WalletFeatureState.merge(state(previous, onlyOld), state(day), D4);
    Map<String, Row> byWallet = byWallet(merged);
    Row a = byWallet.get(A);
    assertEquals(3L, a.<Long>getAs("borrow_events"));
    assertEquals(2L, a.<Long>getAs("borrow_priced_events"));
    assertEquals(dec("0.3"), a.getAs("borrow_amount_eth_sum")); // 0.1 + 0.2 exactly, not 0.30000000000000004
    assertEquals(ts("2024-01-01T00:00:00Z"), a.getAs("first_deposit_at"));
    assertEquals(List.of("aave_v2", "compound_v2"), a.getList(a.fieldIndex("borrow_protocols")));
    assertEquals(3L, a.<Long>getAs("collateral_days"));
    assertEquals(dec("37"), a.getAs("collateral_eth_sum"));
    assertEquals(0.9, a.<Double>getAs("risk_factor_max"));
    // Current values are the new day's: no risk factor on 01-04 in this increment, collateral 8.
    assertNull(a.getAs("risk_factor_at_date"));
    assertEquals(dec("8"), a.getAs("collateral_eth_at_date"));
    assertEquals(Date.valueOf(D4), a.getAs("as_of_date"));
    // B had nothing on the new day: its totals carry over, its current values do not.
    Row b = byWallet.get(B);
    assertEquals(4L, b.<Long>getAs("repay_events"));
    assertNull(b.getAs("risk_factor_at_date"));
    assertEquals(List.of(), b.getList(b.fieldIndex("deposit_protocols")));

    Map<String, Row> features = byWallet(StateFeatures.derive(merged, D4, COMPUTED_AT));
    assertEquals(0.3, features.get(A).<Double>getAs("borrow_amount_sum_eth"));
    assertEquals(0.15, features.get(A).<Double>getAs("borrow_amount_avg_eth"));
    assertEquals(37 / 3.0, features.get(A).<Double>getAs("total_collateral_avg_eth"));
    assertEquals(3 * 86400L, features.get(A).<Long>getAs("time_since_first_deposit"));
    assertEquals(2, features.get(A).<Integer>getAs("unique_borrow_protocol_count"));
    assertEquals(0.0, features.get(B).<Double>getAs("risk_factor"));
  }

  @Test
  void theFixtureStateOfWalletAIsItsHistoryBeforeT() {
    Row a = byWallet(WalletFeatureState.aggregate(FeatureFixtures.inputs(spark), Optional.empty(), D4)).get(A);
    // See WalletFeaturesTest: borrows e1 (delivered twice) 3.0, e2 2.0, e3 unpriced; e4 is at T.
    assertEquals(3L, a.<Long>getAs("borrow_events"));
    assertEquals(2L, a.<Long>getAs("borrow_priced_events"));
    assertEquals(dec("5"), a.getAs("borrow_amount_eth_sum"));
    assertEquals(List.of("aave_v2", "compound_v2"), a.getList(a.fieldIndex("borrow_protocols")));
    // Days 01-02 (15, rf 0.6, borrow 6), 01-03 (14, 0.9, 9), 01-04 (8, 0.95, 6).
    assertEquals(3L, a.<Long>getAs("collateral_days"));
    assertEquals(dec("37"), a.getAs("collateral_eth_sum"));
    assertEquals(dec("21"), a.getAs("borrow_eth_sum"));
    // 0.6*6 + 0.9*9 + 0.95*6, each product a double (3.5999999999999996, ...) rounded to 18 decimals
    assertEquals(17.4, a.<BigDecimal>getAs("risk_x_borrow_eth_sum").doubleValue(), 1e-14);
    assertEquals(dec("2.45"), a.getAs("risk_factor_sum"));
    assertEquals(2L, a.<Long>getAs("risk_factor_above_threshold_days"));
    assertEquals(0.95, a.<Double>getAs("risk_factor_at_date"));
    assertEquals(dec("8"), a.getAs("collateral_eth_at_date"));
    assertEquals(ts("2024-01-03T20:00:00Z"), a.getAs("last_liquidated_at"));
  }

  @Test
  void dayByDayMergesAndMergesOverGapsEqualTheWholeHistoryBitForBitAndGiveTheReferenceFeatures() {
    WalletFeatures.Inputs inputs = FeatureFixtures.inputs(spark);
    LocalDate first = LocalDate.parse("2024-01-01");
    Dataset<Row> chained = WalletFeatureState.aggregate(inputs, Optional.empty(), first);
    // Through 01-05: the liquidation at 01-05 00:00 and G's only snapshot (01-05) are merged in.
    for (LocalDate t = first.plusDays(1); !t.isAfter(LocalDate.parse("2024-01-05")); t = t.plusDays(1)) {
      Dataset<Row> merged = WalletFeatureState.merge(chained, WalletFeatureState.aggregate(inputs, Optional.of(t.minusDays(1)), t), t);
      // Through a local relation, so the chain of merges does not grow one ever larger plan.
      List<Row> collected = merged.orderBy("wallet_address").collectAsList();
      chained = spark.createDataFrame(collected, merged.schema());
      assertEquals(rows(WalletFeatureState.aggregate(inputs, Optional.empty(), t)),
          collected.stream().map(Row::toString).toList(), "state as of " + t);
      if (t.equals(D4)) {
        assertFeaturesMatchTheReference(StateFeatures.derive(chained, t, COMPUTED_AT), inputs, t);
      }
    }
    // A gap: from the state of 01-02 straight to 01-05.
    Dataset<Row> jumped = WalletFeatureState.merge(WalletFeatureState.aggregate(inputs, Optional.empty(), D2),
        WalletFeatureState.aggregate(inputs, Optional.of(D2), LocalDate.parse("2024-01-05")), LocalDate.parse("2024-01-05"));
    assertEquals(rows(WalletFeatureState.aggregate(inputs, Optional.empty(), LocalDate.parse("2024-01-05"))), rows(jumped));
  }

  @Test
  void theStateHasTheCatalogTableColumns() {
    Dataset<Row> state = WalletFeatureState.aggregate(FeatureFixtures.inputs(spark), Optional.empty(), D4);
    assertEquals(List.of(WalletFeatureState.SCHEMA.fieldNames()), List.of(state.columns()));
    assertEquals("decimal(38,18)", state.schema().apply("borrow_amount_eth_sum").dataType().simpleString());
  }

  /** Features from state equal WalletFeatures.compute to 1e-12 relative (1e-12 absolute below 1). */
  private void assertFeaturesMatchTheReference(Dataset<Row> fromState, WalletFeatures.Inputs inputs, LocalDate t) {
    Map<String, Row> ours = byWallet(fromState);
    Map<String, Row> reference = byWallet(WalletFeatures.compute(inputs, t, COMPUTED_AT));
    assertEquals(reference.keySet(), ours.keySet(), "wallets as of " + t);
    for (String wallet : reference.keySet()) {
      for (String column : FeatureColumns.tableColumns()) {
        Object expected = reference.get(wallet).getAs(column);
        Object actual = ours.get(wallet).getAs(column);
        String where = column + " of " + wallet + " as of " + t;
        if (expected instanceof Double e && actual instanceof Double a) {
          assertTrue(Math.abs(e - a) <= 1e-12 * Math.max(1, Math.abs(e)), where + ": " + e + " vs " + a);
        } else {
          assertEquals(expected, actual, where);
        }
      }
    }
  }

  private static List<String> rows(Dataset<Row> rows) {
    return rows.orderBy("wallet_address").collectAsList().stream().map(Row::toString).toList();
  }

  private static Map<String, Row> byWallet(Dataset<Row> rows) {
    Map<String, Row> out = new TreeMap<>();
    for (Row r : rows.collectAsList()) {
      if (out.put(r.getAs("wallet_address"), r) != null) {
        throw new AssertionError("wallet " + r.getAs("wallet_address") + " appears twice");
      }
    }
    return out;
  }

  private Dataset<Row> state(Row... rows) {
    return spark.createDataFrame(List.of(rows), WalletFeatureState.SCHEMA);
  }

  /** A state row: the given values, 0 counts, empty sets and nulls elsewhere. */
  private static Row stateRow(Map<String, Object> given, LocalDate asOf) {
    Map<String, Object> values = new HashMap<>(given);
    values.put("as_of_date", Date.valueOf(asOf));
    Object[] row = new Object[WalletFeatureState.SCHEMA.size()];
    int i = 0;
    for (StructField f : WalletFeatureState.SCHEMA.fields()) {
      Object v = values.remove(f.name());
      if (v == null && f.dataType().equals(DataTypes.LongType)) {
        v = 0L;
      } else if (v == null && f.dataType() instanceof org.apache.spark.sql.types.ArrayType) {
        v = List.of();
      }
      row[i++] = v instanceof List<?> list ? scala.jdk.javaapi.CollectionConverters.asScala(list).toSeq() : v;
    }
    assertTrue(values.isEmpty(), "not state columns: " + values.keySet());
    return RowFactory.create(row);
  }

  private static BigDecimal dec(String value) {
    return new BigDecimal(value).setScale(18);
  }

  private static Timestamp ts(String instant) {
    return Timestamp.from(Instant.parse(instant));
  }
}
