package dev.defilakehouse.jobs.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import dev.defilakehouse.common.transform.features.FeatureColumns;
import dev.defilakehouse.common.transform.features.FeatureFixtures;
import dev.defilakehouse.common.transform.features.WalletFeatures;
import dev.defilakehouse.jobs.JobRegistry;
import dev.defilakehouse.jobs.JobRunner;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The feature job run day by day (incremental), after a correction of a middle day (the backfill
 * procedure of docs/features.md: re-run the analytics of that day, then the feature job for that
 * day only), and with {@code --full-refresh}, over a generated history of 40 wallets and 6 days
 * (as-of dates 2024-01-03..05; the first run builds its state from the two days before):
 * every as-of date equals {@link WalletFeatures#compute} over the same analytics, and the
 * incremental and full-refresh partitions are bit-identical.
 */
class IncrementalFeaturesTest {
  private static final LocalDate FIRST = LocalDate.parse("2024-01-03");
  private static final LocalDate LAST = LocalDate.parse("2024-01-05");
  private static final LocalDate CORRECTED_DAY = LocalDate.parse("2024-01-03");
  private static final String NEW_WALLET = "0x00000000000000000000000000000000000000ab";
  private static final List<String> KINDS = List.of("deposit", "withdraw", "borrow", "repay", "liquidation");

  private final SparkSession spark = SparkTestSession.get();
  private final TableCatalog catalog = TableCatalog.get();

  @Test
  void dayByDayACorrectedMiddleDayAndAFullRefreshEqualAFullRecomputeForEveryAsOfDate(@TempDir Path root)
      throws Exception {
    LakehouseTables tables = lakehouse(root);
    for (LocalDate t = FIRST; !t.isAfter(LAST); t = t.plusDays(1)) {
      JobReport report = run(root, t, false);
      assertEquals(t.equals(FIRST) ? "rebuilt from all history" : "merged into " + t.minusDays(1),
          report.metrics().get("state"));
    }
    assertMatchesTheFullRecompute(tables, FIRST);

    // The day 2024-01-03 is corrected upstream: an event's amount changes, a new wallet appears, a
    // snapshot of 2024-01-04 changes (the analytics of the DAG run [01-03, 01-04) are re-run).
    Map<LocalDate, List<String>> before = featureRows(tables, true);
    correctDay(tables);
    JobReport backfill = run(root, CORRECTED_DAY.plusDays(1), false);
    assertEquals(1, backfill.metrics().get("recomputed_later_dates")); // 01-05
    Map<LocalDate, List<String>> after = featureRows(tables, true);
    // As-of dates up to the corrected day are untouched, computed_at included; the others follow the fix.
    assertEquals(before.get(CORRECTED_DAY), after.get(CORRECTED_DAY));
    assertTrue(!before.get(LAST).equals(after.get(LAST)), "the fix reaches the later as-of dates");
    assertMatchesTheFullRecompute(tables, FIRST);
    Row newWallet = tables.read(catalog.table(WalletFeaturesJob.NAME))
        .where(col("wallet_address").equalTo(NEW_WALLET).and(col("as_of_date").equalTo(lit(java.sql.Date.valueOf(LAST)))))
        .head();
    assertEquals(1, newWallet.<Integer>getAs("borrow_count"));

    // --full-refresh of the last date: the state from all history, the same features bit for bit.
    Map<LocalDate, List<String>> incremental = featureRows(tables, false);
    JobReport full = run(root, LAST, true);
    assertEquals("rebuilt from all history", full.metrics().get("state"));
    assertEquals(incremental, featureRows(tables, false));
    assertEquals(41L, tables.read(catalog.table(WalletFeaturesJob.STATE))
        .where(col("as_of_date").equalTo(lit(java.sql.Date.valueOf(LAST)))).count()); // 40 + the new wallet
  }

  /** Every as-of date from {@code from} on equals WalletFeatures.compute over the current analytics. */
  private void assertMatchesTheFullRecompute(LakehouseTables tables, LocalDate from) {
    WalletFeatures.Inputs inputs = new WalletFeatures.Inputs(events(tables, "deposit"), events(tables, "withdraw"),
        events(tables, "borrow"), events(tables, "repay"), events(tables, "liquidation"),
        tables.read(catalog.table("analytics.the_graph_daily_wallet_health")));
    Dataset<Row> reference = null;
    for (LocalDate t = from; !t.isAfter(LAST); t = t.plusDays(1)) {
      Dataset<Row> one = WalletFeatures.compute(inputs, t, Instant.EPOCH);
      reference = reference == null ? one : reference.unionAll(one);
    }
    Map<String, Row> expected = byKey(reference);
    Map<String, Row> actual = byKey(tables.read(catalog.table(WalletFeaturesJob.NAME))
        .where(col("as_of_date").geq(lit(java.sql.Date.valueOf(from)))));
    assertEquals(expected.keySet(), actual.keySet(), "wallets and as-of dates");
    for (String key : expected.keySet()) {
      for (String column : FeatureColumns.names()) {
        Object e = expected.get(key).getAs(column);
        Object a = actual.get(key).getAs(column);
        if (e instanceof Double x && a instanceof Double y) {
          // Sums are exact in the state and rounded once; the reference adds doubles in any order.
          assertTrue(Math.abs(x - y) <= 1e-12 * Math.max(1, Math.abs(x)), column + " of " + key + ": " + x + " vs " + y);
        } else {
          assertEquals(e, a, column + " of " + key);
        }
      }
    }
  }

  private static Map<String, Row> byKey(Dataset<Row> features) {
    Map<String, Row> out = new TreeMap<>();
    for (Row r : features.collectAsList()) {
      String key = r.getAs("as_of_date") + " " + r.getAs("wallet_address");
      if (out.put(key, r) != null) {
        throw new AssertionError(key + " appears twice");
      }
    }
    return out;
  }

  /** Rows per as-of date, as text, with or without computed_at. */
  private Map<LocalDate, List<String>> featureRows(LakehouseTables tables, boolean withComputedAt) {
    Map<LocalDate, List<String>> out = new TreeMap<>();
    for (Row r : tables.read(catalog.table(WalletFeaturesJob.NAME)).orderBy("as_of_date", "wallet_address").collectAsList()) {
      List<Object> values = new ArrayList<>();
      for (String column : r.schema().fieldNames()) {
        if (withComputedAt || !column.equals(FeatureColumns.COMPUTED_AT)) {
          values.add(r.getAs(column));
        }
      }
      out.computeIfAbsent(((java.sql.Date) r.getAs("as_of_date")).toLocalDate(), d -> new ArrayList<>()).add(values.toString());
    }
    return out;
  }

  private JobReport run(Path root, LocalDate asOf, boolean fullRefresh) throws Exception {
    RunConfig config = new RunConfig(Env.LOCAL, root.toString(), Interval.of(asOf.minusDays(1), asOf), Map.of(),
        "features-" + asOf, fullRefresh);
    return new JobRunner(JobRegistry.standard()).run(WalletFeaturesJob.NAME, config, spark, new Secrets(Map.of()));
  }

  private Dataset<Row> events(LakehouseTables tables, String kind) {
    return tables.read(catalog.table("analytics.transpose_" + kind + "_events"));
  }

  /**
   * 40 wallets over event days 2024-01-01..06 and snapshots 01-01..07 on three protocols: every
   * kind, unpriced events, an event delivered twice, days at and just above the threshold.
   */
  private LakehouseTables lakehouse(Path root) {
    for (TableSpec table : catalog.tables()) {
      if (table.layer().equals("analytics")) {
        spark.sql("DROP TABLE IF EXISTS " + table.qualifiedName(Env.LOCAL));
      }
    }
    LakehouseTables tables = new LakehouseTables(spark, Env.LOCAL, root.toString(), "fixtures", catalog);
    for (int k = 0; k < KINDS.size(); k++) {
      String kind = KINDS.get(k);
      String wallet = "concat('0x', lpad(hex((id * " + (k + 3) + ") % 40), 40, '0'))";
      Dataset<Row> events = spark.range(120).selectExpr(
          "concat('0x" + kind.charAt(0) + "', id, ':', id % 3) AS event_id",
          "element_at(array('aave_v2', 'aave_v3', 'compound_v2'), CAST((id + " + k + ") % 3 AS INT) + 1) AS protocol",
          "timestamp'2024-01-01 00:00:00' + make_interval(0, 0, 0, CAST(id % 6 AS INT), 0, 0, (id * 7919) % 86400) AS block_timestamp",
          "'" + kind + "' AS category",
          (kind.equals("liquidation") ? "'0x000000000000000000000000000000000000001f'" : wallet) + " AS sender_address",
          wallet + " AS account_address",
          "CASE WHEN id % 11 = 0 THEN NULL ELSE (id % 97) / 7.0D + 0.1D END AS amount_eth",
          "CAST(NULL AS DOUBLE) AS amount_liquidated_eth")
          .withColumn("block_date", col("block_timestamp").cast("date"));
      // One event delivered twice.
      events = events.unionAll(events.where(col("event_id").equalTo("0x" + kind.charAt(0) + "7:1")));
      tables.overwrite(catalog.table("analytics.transpose_" + kind + "_events"),
          events.selectExpr(FeatureFixtures.EVENT_SCHEMA.fieldNames()));
    }
    Dataset<Row> health = spark.range(40 * 7 * 3).selectExpr(
            "concat('0x', lpad(hex(id % 40), 40, '0')) AS wallet_address",
            "element_at(array('aave_v2', 'aave_v3', 'compound_v2'), CAST(id div 280 AS INT) + 1) AS protocol",
            "date_add(DATE'2024-01-01', CAST((id div 40) % 7 AS INT)) AS snapshot_date",
            "19000000L AS snapshot_block",
            "(id % 13) / 3.0D AS collateral_eth", "(id % 13) / 4.0D AS collateral_x_lt_eth",
            "(id % 13) / 5.0D AS collateral_x_ltv_eth", "(id % 7) / 9.0D AS borrow_eth",
            "greatest(0D, (id % 13) / 5.0D - (id % 7) / 9.0D) AS available_borrows_eth",
            "CAST(NULL AS DOUBLE) AS health_factor",
            "CASE WHEN id % 17 = 0 THEN 1.0D / 1.2D WHEN id % 13 = 0 THEN 1e6 ELSE (id % 7) / 9.0D / ((id % 13) / 4.0D) END AS risk_factor",
            "0 AS unpriced_positions")
        .where("(id * 31) % 5 <> 0"); // wallets without a position some days
    tables.overwrite(catalog.table("analytics.the_graph_daily_wallet_health"), health);
    return tables;
  }

  /** Day 2024-01-03 corrected: one borrow amount changed, a new wallet's borrow, a 2024-01-04 snapshot changed. */
  private void correctDay(LakehouseTables tables) {
    TableSpec borrows = catalog.table("analytics.transpose_borrow_events");
    String day = "block_date = '" + CORRECTED_DAY + "'";
    Dataset<Row> old = tables.read(borrows).where(day);
    List<Row> rows = new ArrayList<>(old.withColumn("amount_eth",
        when(col("event_id").equalTo("0xb2:2"), lit(1234.5)).otherwise(col("amount_eth"))).collectAsList());
    assertTrue(rows.stream().anyMatch(r -> "0xb2:2".equals(r.getAs("event_id"))), "the corrected event is on " + CORRECTED_DAY);
    Dataset<Row> corrected = spark.createDataFrame(rows, old.schema()).unionAll(
        FeatureFixtures.events(spark, "borrow", FeatureFixtures.ev("0xnew:0", "aave_v3", CORRECTED_DAY + "T12:00:00Z",
            NEW_WALLET, NEW_WALLET, 3.0)).selectExpr(old.columns()));
    tables.replaceWhere(borrows, corrected, day);

    TableSpec health = catalog.table("analytics.the_graph_daily_wallet_health");
    String snapshot = "snapshot_date = '" + CORRECTED_DAY.plusDays(1) + "'";
    Dataset<Row> oldHealth = tables.read(health).where(snapshot);
    List<Row> changed = oldHealth.withColumn("risk_factor", col("risk_factor").plus(lit(0.5)))
        .withColumn("collateral_eth", col("collateral_eth").multiply(lit(2.0))).collectAsList();
    tables.replaceWhere(health, spark.createDataFrame(changed, oldHealth.schema()), snapshot);
  }
}
