package dev.defilakehouse.jobs.features;

import static dev.defilakehouse.common.transform.features.FeatureFixtures.A;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.defilakehouse.common.catalog.TableCatalog;
import dev.defilakehouse.common.catalog.TableSpec;
import dev.defilakehouse.common.config.Env;
import dev.defilakehouse.common.config.Interval;
import dev.defilakehouse.common.config.RunConfig;
import dev.defilakehouse.common.config.Secrets;
import dev.defilakehouse.common.delta.LakehouseTables;
import dev.defilakehouse.common.job.JobReport;
import dev.defilakehouse.common.quality.DataQualityGateFailed;
import dev.defilakehouse.common.testing.SparkTestSession;
import dev.defilakehouse.common.transform.features.FeatureFixtures;
import dev.defilakehouse.jobs.JobRegistry;
import dev.defilakehouse.jobs.JobRunner;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalletFeaturesJobsTest {
  private static final LocalDate T1 = LocalDate.parse("2024-01-03");
  private static final LocalDate T2 = LocalDate.parse("2024-01-04");

  private final SparkSession spark = SparkTestSession.get();
  private final TableCatalog catalog = TableCatalog.get();
  private final TableSpec features = catalog.table("analytics.wallet_features");
  private final TableSpec results = catalog.table("analytics.data_quality_results");

  /** The analytics tables the feature job reads, written as the analytics jobs would. */
  private LakehouseTables lakehouseWithAnalytics(Path root) {
    // The test JVM shares one catalog: forget names an earlier lakehouse (another @TempDir) registered,
    // so ensureTable creates and registers this lakehouse's tables.
    for (TableSpec table : catalog.tables()) {
      if (table.layer().equals("analytics")) {
        spark.sql("DROP TABLE IF EXISTS " + table.qualifiedName(Env.LOCAL));
      }
    }
    LakehouseTables tables = new LakehouseTables(spark, Env.LOCAL, root.toString(), "fixtures", catalog);
    tables.overwrite(catalog.table("analytics.transpose_deposit_events"), FeatureFixtures.deposits(spark));
    tables.overwrite(catalog.table("analytics.transpose_withdraw_events"), FeatureFixtures.withdraws(spark));
    tables.overwrite(catalog.table("analytics.transpose_borrow_events"), FeatureFixtures.borrows(spark));
    tables.overwrite(catalog.table("analytics.transpose_repay_events"), FeatureFixtures.repays(spark));
    tables.overwrite(catalog.table("analytics.transpose_liquidation_events"), FeatureFixtures.liquidations(spark));
    tables.overwrite(catalog.table("analytics.the_graph_daily_wallet_health"), FeatureFixtures.health(spark));
    return tables;
  }

  private JobReport run(String job, Path root, LocalDate end, String runId) throws Exception {
    RunConfig config = new RunConfig(Env.LOCAL, root.toString(), Interval.of(end.minusDays(1), end), Map.of(), runId);
    return new JobRunner(JobRegistry.standard()).run(job, config, spark, new Secrets(Map.of()));
  }

  private static List<String> rowsOf(Dataset<Row> rows) {
    return rows.orderBy("wallet_address").collectAsList().stream().map(Row::toString).toList();
  }

  private Dataset<Row> partition(LakehouseTables tables, TableSpec table, LocalDate asOf) {
    return tables.read(table).where(col("as_of_date").equalTo(lit(java.sql.Date.valueOf(asOf))));
  }

  @Test
  void eachAsOfDateIsItsOwnPartitionAndLaterRunsLeaveEarlierOnesUnchanged(@TempDir Path root) throws Exception {
    LakehouseTables tables = lakehouseWithAnalytics(root);

    JobReport first = run(WalletFeaturesJob.NAME, root, T1, "run-t1");
    assertEquals(5, first.rowsWritten()); // A, B, C, D, E (see WalletFeaturesTest)
    assertEquals(3L, first.metrics().get("unpriced_events")); // b6, r4 and l3 are before 2024-01-03
    List<String> t1Rows = rowsOf(partition(tables, features, T1));
    assertEquals(5, t1Rows.size());

    JobReport second = run(WalletFeaturesJob.NAME, root, T2, "run-t2");
    assertEquals(5, second.rowsWritten());
    assertEquals(5L, second.metrics().get("unpriced_events")); // + e3 and w3 before 2024-01-04
    assertTrue(second.versions().containsKey(WalletFeaturesJob.NAME));
    run(WalletFeaturesJob.NAME, root, T2, "run-t2-again");

    // T1 exactly as first computed (computed_at included), T2 once despite the re-run.
    assertEquals(t1Rows, rowsOf(partition(tables, features, T1)));
    assertEquals(5, partition(tables, features, T2).count());
    assertEquals(10, tables.read(features).count());
    Row aAtT1 = partition(tables, features, T1).where(col("wallet_address").equalTo(A)).head();
    Row aAtT2 = partition(tables, features, T2).where(col("wallet_address").equalTo(A)).head();
    assertEquals(1, aAtT1.<Integer>getAs("borrow_count"));
    assertEquals(3, aAtT2.<Integer>getAs("borrow_count"));
    assertTrue(spark.catalog().tableExists("db_analytics_local.wallet_features"));
  }

  @Test
  void theJobsReadSettingsAreItsOwnAndASessionsChoiceIsKept(@TempDir Path root) throws Exception {
    lakehouseWithAnalytics(root);
    run(WalletFeaturesJob.NAME, root, T1, "own-settings");
    for (String key : WalletFeaturesJob.READ_SETTINGS.keySet()) {
      assertFalse(spark.conf().contains(key), key + ": the session is left as the job found it");
    }

    spark.conf().set(WalletFeaturesJob.OPEN_COST, "1234567");
    try {
      run(WalletFeaturesJob.NAME, root, T2, "session-cost");
      assertEquals("1234567", spark.conf().get(WalletFeaturesJob.OPEN_COST));
      assertFalse(spark.conf().contains(WalletFeaturesJob.MAX_PARTITION), "the job's own setting is still undone");
    } finally {
      spark.conf().unset(WalletFeaturesJob.OPEN_COST);
    }
  }

  @Test
  void theGatePassesOnGoodFeaturesAndFailsOnACorruptedPartitionRecordingBoth(@TempDir Path root) throws Exception {
    LakehouseTables tables = lakehouseWithAnalytics(root);
    run(WalletFeaturesJob.NAME, root, T1, "features-t1");
    run(WalletFeaturesJob.NAME, root, T2, "features-t2");

    JobReport passed = run(WalletFeaturesQualityJob.NAME, root, T1, "gate-t1");
    assertEquals(0L, passed.metrics().get("checks_failed"));
    assertEquals(5, passed.rowsRead());
    Dataset<Row> t1Results = partition(tables, results, T1);
    assertEquals(7, t1Results.count());
    assertEquals(7, t1Results.where(col("passed")).count());
    assertEquals(List.of("gate-t1"), t1Results.select("run_id").distinct().as(org.apache.spark.sql.Encoders.STRING()).collectAsList());

    // Corrupt the T2 partition: every risk factor 0 and one wallet twice.
    Dataset<Row> good = partition(tables, features, T2);
    Dataset<Row> corrupted = good.withColumn("risk_factor", lit(0.0))
        .unionAll(good.withColumn("risk_factor", lit(0.0)).where(col("wallet_address").equalTo(A)));
    tables.replaceWhere(features, spark.createDataFrame(corrupted.collectAsList(), good.schema()), "as_of_date = '" + T2 + "'");

    DataQualityGateFailed failure = assertThrows(DataQualityGateFailed.class,
        () -> run(WalletFeaturesQualityJob.NAME, root, T2, "gate-t2"));
    assertTrue(failure.getMessage().contains("as_of_date=2024-01-04: 2 of 7 checks failed"), failure.getMessage());
    assertTrue(failure.getMessage().contains("risk_factor_not_all_zero"), failure.getMessage());
    assertTrue(failure.getMessage().contains("one_row_per_wallet"), failure.getMessage());

    // The failed checks are recorded before the run fails; T1's results are untouched.
    Map<String, Boolean> t2 = partition(tables, results, T2).collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getAs("check_name"), r -> r.getAs("passed")));
    assertEquals(7, t2.size());
    assertFalse(t2.get("risk_factor_not_all_zero"));
    assertFalse(t2.get("one_row_per_wallet"));
    assertTrue(t2.get("has_rows"));
    assertEquals(7, partition(tables, results, T1).where(col("passed")).count());
  }

  @Test
  void anEndThatIsNotAMidnightIsRejected(@TempDir Path root) {
    RunConfig config = new RunConfig(Env.LOCAL, root.toString(),
        new Interval(Instant.parse("2024-01-03T00:00:00Z"), Instant.parse("2024-01-03T06:00:00Z")), Map.of(), "r");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new JobRunner(JobRegistry.standard()).run(WalletFeaturesJob.NAME, config, spark, new Secrets(Map.of())));
    assertTrue(e.getMessage().contains("not a UTC midnight"), e.getMessage());
  }
}
