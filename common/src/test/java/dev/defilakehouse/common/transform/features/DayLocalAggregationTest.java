package dev.defilakehouse.common.transform.features;

import static dev.defilakehouse.common.transform.features.FeatureFixtures.A;
import static dev.defilakehouse.common.transform.features.FeatureFixtures.B;
import static dev.defilakehouse.common.transform.features.FeatureFixtures.ev;
import static dev.defilakehouse.common.transform.features.FeatureFixtures.hr;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.defilakehouse.common.testing.SparkTestSession;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state aggregated inside each task from tables read whole day by whole day equals, bit for
 * bit, the shuffling plan's (which the in-memory fixtures take), and a layout that splits a day
 * across tasks is not mistaken for one that does not.
 */
class DayLocalAggregationTest {
  private static final String H = "0x00000000000000000000000000000000000000ab";
  /** Keys too long to be packed into the task's table, and one far shorter than an address. */
  private static final String LONG = "0x" + "cd".repeat(30);
  private static final String SHORT = "w\u00e9";
  private static final LocalDate FIRST = LocalDate.parse("2024-01-01");
  private static final LocalDate LAST = LocalDate.parse("2024-01-05");

  private final SparkSession spark = SparkTestSession.get();

  @TempDir
  Path dir;

  @Test
  void stateFromTablesReadWholeDayByDayEqualsTheShufflingPlanForEveryDateAndIncrement() {
    WalletFeatures.Inputs inMemory = inputs();
    WalletFeatures.Inputs onDisk = written(inMemory, false);
    assertTrue(WholeDayScan.of(onDisk.dailyHealth(), "snapshot_date").isPresent(), "one file per date is whole days");
    assertTrue(WholeDayScan.of(WalletFeatures.walletEvents(onDisk, LAST), "block_date").isPresent(),
        "the union of the five event tables, one file per date each");
    assertFalse(WholeDayScan.of(inMemory.dailyHealth(), "snapshot_date").isPresent(), "a local relation has no files");

    for (LocalDate t = FIRST; !t.isAfter(LAST); t = t.plusDays(1)) {
      assertEquals(rows(WalletFeatureState.aggregate(inMemory, Optional.empty(), t)),
          rows(WalletFeatureState.aggregate(onDisk, Optional.empty(), t)), "state as of " + t);
      if (t.isAfter(FIRST)) {
        Optional<LocalDate> after = Optional.of(t.minusDays(1));
        assertEquals(rows(WalletFeatureState.aggregate(inMemory, after, t)),
            rows(WalletFeatureState.aggregate(onDisk, after, t)), "increment to " + t);
      }
    }
  }

  @Test
  void aDayWrittenInFilesReadByDifferentTasksTakesTheShufflingPlanWithTheSameResult() {
    WalletFeatures.Inputs inMemory = inputs();
    String key = "spark.sql.files.openCostInBytes";
    String before = spark.conf().get(key);
    spark.conf().set(key, String.valueOf(128L << 20)); // every file becomes a task of its own
    try {
      WalletFeatures.Inputs onDisk = written(inMemory, true);
      assertFalse(WholeDayScan.of(onDisk.dailyHealth(), "snapshot_date").isPresent());
      assertFalse(WholeDayScan.of(WalletFeatures.walletEvents(onDisk, LAST), "block_date").isPresent());
      assertEquals(rows(WalletFeatureState.aggregate(inMemory, Optional.empty(), LAST)),
          rows(WalletFeatureState.aggregate(onDisk, Optional.empty(), LAST)));
    } finally {
      spark.conf().set(key, before);
    }
  }

  /**
   * The shared fixtures plus a day with a null risk factor and a null collateral, copies of an event
   * with two amounts, and wallets too long and far shorter than an address.
   */
  private WalletFeatures.Inputs inputs() {
    WalletFeatures.Inputs fixtures = FeatureFixtures.inputs(spark);
    List<Row> health = new ArrayList<>(fixtures.dailyHealth().collectAsList());
    health.add(hr(H, "aave_v2", "2024-01-03", 3, 1, 1, 0.25));
    health.add(withNull(hr(H, "compound_v2", "2024-01-03", 2, 1, 0.5, 0.3), "risk_factor"));
    health.add(withNull(hr(H, "aave_v2", "2024-01-04", 3, 2, 0, 0.7), "collateral_eth"));
    health.add(hr(H, "aave_v2", "2024-01-05", 0.1, 0.2, 0, 1.0 / 3));
    health.add(hr(LONG, "aave_v2", "2024-01-02", 5, 1, 2, 0.4));
    health.add(hr(LONG, "compound_v2", "2024-01-02", 1, 1, 0, 0.9));
    health.add(hr(LONG, "aave_v2", "2024-01-04", 4, 1, 1, 0.5));
    health.add(hr(SHORT, "compound_v2", "2024-01-03", 2, 0, 1, 0));
    // A busy day (more events than a linear search is used for, some twice), then days of fewer
    // events with ids of other lengths: the group's events are reused from day to day.
    List<Object[]> busy = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      busy.add(ev("0xb" + i + ":0", "aave_v2", "2024-01-02T0" + (i % 10) + ":00:00Z", SHORT, SHORT, 0.5 + i));
    }
    busy.add(ev("0xb7:0", "aave_v2", "2024-01-02T00:30:00Z", SHORT, SHORT, 99.0)); // a copy: earlier, larger
    busy.add(ev("0xb12:0", "aave_v2", "2024-01-02T09:30:00Z", SHORT, SHORT, null));
    busy.add(ev("0xlonger-id-of-the-next-day:0", "aave_v2", "2024-01-03T01:00:00Z", SHORT, SHORT, 0.75));
    busy.add(ev("0xc:0", "aave_v2", "2024-01-04T01:00:00Z", SHORT, SHORT, null)); // unpriced, in a reused event
    Dataset<Row> deposits = fixtures.deposits().unionByName(FeatureFixtures.events(spark, "deposit",
        busy.toArray(Object[][]::new))).unionByName(FeatureFixtures.events(spark, "deposit",
        ev("0xh1:0", "aave_v2", "2024-01-03T05:00:00Z", H, H, 1.0 / 3),
        ev("0xh1:0", "aave_v2", "2024-01-03T05:00:00Z", H, H, 0.7), // a copy with another amount
        ev("0xh2:0", "compound_v2", "2024-01-03T09:00:00Z", B, B, 0.1),
        ev("0xh3:0", "compound_v2", "2024-01-04T09:00:00Z", A, A, 0.2),
        ev("0xl1:0", "aave_v2", "2024-01-02T01:00:00Z", LONG, LONG, 0.5),
        ev("0xl1:0", "aave_v2", "2024-01-02T01:00:00Z", LONG, LONG, 0.5),
        ev("0xl2:0", "compound_v2", "2024-01-03T01:00:00Z", LONG, LONG, 0.25),
        ev("0xl3:0", "aave_v2", "2024-01-04T01:00:00Z", LONG, LONG, 1.5),
        ev("0xs1:0", "aave_v2", "2024-01-02T02:00:00Z", SHORT, SHORT, 2.0),
        ev("0xs2:0", "aave_v2", "2024-01-04T02:00:00Z", SHORT, SHORT, 0.125)));
    return new WalletFeatures.Inputs(deposits, fixtures.withdraws(), fixtures.borrows(), fixtures.repays(),
        fixtures.liquidations(), spark.createDataFrame(health, FeatureFixtures.HEALTH_SCHEMA));
  }

  private static Row withNull(Row row, String column) {
    Object[] values = new Object[row.length()];
    for (int i = 0; i < values.length; i++) {
      values[i] = i == FeatureFixtures.HEALTH_SCHEMA.fieldIndex(column) ? null : row.get(i);
    }
    return RowFactory.create(values);
  }

  /** The inputs as Parquet tables partitioned by date: one file per date, or each date in two files. */
  private WalletFeatures.Inputs written(WalletFeatures.Inputs in, boolean twoFilesPerDate) {
    String layout = twoFilesPerDate ? "spread" : "whole";
    return new WalletFeatures.Inputs(write(in.deposits(), layout + "/deposits", "block_date", twoFilesPerDate),
        write(in.withdraws(), layout + "/withdraws", "block_date", twoFilesPerDate),
        write(in.borrows(), layout + "/borrows", "block_date", twoFilesPerDate),
        write(in.repays(), layout + "/repays", "block_date", twoFilesPerDate),
        write(in.liquidations(), layout + "/liquidations", "block_date", twoFilesPerDate),
        write(in.dailyHealth(), layout + "/health", "snapshot_date", twoFilesPerDate));
  }

  private Dataset<Row> write(Dataset<Row> rows, String name, String dateColumn, boolean twoFilesPerDate) {
    String path = dir.resolve(name).toString();
    Dataset<Row> placed = twoFilesPerDate ? rows.repartition(2) : rows.repartition(col(dateColumn));
    placed.write().partitionBy(dateColumn).parquet(path);
    Dataset<Row> read = spark.read().parquet(path);
    assertEquals(Date.class, read.select(dateColumn).first().get(0).getClass(), "the date partition is read as a date");
    return read;
  }

  private static List<String> rows(Dataset<Row> rows) {
    return rows.orderBy("wallet_address").collectAsList().stream().map(Row::toString).toList();
  }
}
