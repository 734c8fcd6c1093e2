package dev.defilakehouse.common.transform.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The per-wallet health aggregates of {@link WalletFeatureState} when the daily health is read
 * {@link WholeDayScan whole day by whole day}: each task folds its days into per-wallet partial
 * aggregates as it reads them, and only those partials (a row per wallet and task) are shuffled.
 * Without it, every daily health row is shuffled and 24M (wallet, day) keys are hashed at L's
 * size, more time than DuckDB's whole feature query.
 *
 * <p>Same values, bit for bit, as the shuffling plan in {@link WalletFeatureState}: the exact parts
 * come from {@link ExactSum#partsOf}, Spark's expressions in Java (a row narrower by 9 columns),
 * and maxima and comparisons follow Spark's ordering of doubles.
 */
final class DayLocalHealth implements FlatMapFunction<Iterator<InternalRow>, Row> {
  private static final String[] SUMMED = {"collateral", "available", "borrow"};
  private static final String[] SUMMED_COLUMNS = {"collateral_eth", "available_borrows_eth", "borrow_eth"};
  private static final int WALLET = 0;
  private static final int DATE = 1;
  private static final int RF = 2;
  private static final int VALUES = 3; // then the values of SUMMED

  /** Sums kept per wallet, in row order: each as 3 parts. */
  private static final List<String> WALLET_SUMS = List.of(WalletFeatureState.COLLATERAL_SUM,
      WalletFeatureState.AVAILABLE_SUM, WalletFeatureState.BORROW_SUM, WalletFeatureState.RISK_X_BORROW_SUM,
      WalletFeatureState.RISK_SUM, WalletFeatureState.COLLATERAL_AT, WalletFeatureState.AVAILABLE_AT);
  private static final StructType PARTIAL = partialSchema();

  private final int asOfDay;

  private DayLocalHealth(LocalDate asOf) {
    this.asOfDay = (int) asOf.toEpochDay();
  }

  /**
   * The health aggregates per wallet (as {@code WalletFeatureState.healthAggregates}) of health
   * rows ({@code WalletFeatureState.healthRows}: wallet_address, snapshot_date, rf as a double and
   * the table's columns), or empty when they are not read whole day by day.
   */
  static Optional<Dataset<Row>> perWallet(Dataset<Row> healthRows, LocalDate asOf) {
    Dataset<Row> rows = healthRows.select(inputColumns());
    return WholeDayScan.of(rows, "snapshot_date").map(scan -> {
      Dataset<Row> partials = rows.sparkSession().createDataFrame(
          scan.toJavaRDD().mapPartitions(new DayLocalHealth(asOf)), PARTIAL);
      List<Column> aggregates = new ArrayList<>();
      for (String count : List.of(WalletFeatureState.COLLATERAL_DAYS, WalletFeatureState.AVAILABLE_DAYS,
          WalletFeatureState.RISK_DAYS, WalletFeatureState.RISK_ABOVE_DAYS)) {
        aggregates.add(sum(count).as(count));
      }
      aggregates.add(max(WalletFeatureState.RISK_MAX).as(WalletFeatureState.RISK_MAX));
      aggregates.add(max(WalletFeatureState.RISK_AT).as(WalletFeatureState.RISK_AT));
      Map<String, Column> decimals = new LinkedHashMap<>();
      for (String target : WALLET_SUMS) {
        aggregates.addAll(ExactSum.sums(target, target));
        decimals.put(target, ExactSum.toDecimal(target));
      }
      return partials.groupBy(FeatureColumns.WALLET_ADDRESS)
          .agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new))
          .withColumns(decimals);
    });
  }

  /** The columns the fold reads, in its ordinals' order. */
  private static Column[] inputColumns() {
    List<Column> columns = new ArrayList<>(List.of(col(FeatureColumns.WALLET_ADDRESS), col("snapshot_date"), col("rf")));
    for (String summed : SUMMED_COLUMNS) {
      columns.add(col(summed).cast("double")); // as WalletFeatureState.healthRows sums them
    }
    return columns.toArray(Column[]::new);
  }

  private static StructType partialSchema() {
    StructType s = new StructType().add(FeatureColumns.WALLET_ADDRESS, DataTypes.StringType, false)
        .add(WalletFeatureState.COLLATERAL_DAYS, DataTypes.LongType, false)
        .add(WalletFeatureState.AVAILABLE_DAYS, DataTypes.LongType, false)
        .add(WalletFeatureState.RISK_DAYS, DataTypes.LongType, false)
        .add(WalletFeatureState.RISK_ABOVE_DAYS, DataTypes.LongType, false)
        .add(WalletFeatureState.RISK_MAX, DataTypes.DoubleType)
        .add(WalletFeatureState.RISK_AT, DataTypes.DoubleType);
    for (String sum : WALLET_SUMS) {
      for (String part : ExactSum.partNames(sum)) {
        s = s.add(part, DataTypes.LongType);
      }
    }
    return s;
  }

  @Override
  public Iterator<Row> call(Iterator<InternalRow> rows) {
    return DayFold.perKey(rows, DATE, new WalletKeys(), () -> new Wallet(asOfDay),
        (address, wallet) -> wallet.row(address.toString()));
  }

  /** The wallet address of a row. */
  private static final class WalletKeys implements DayFold.Keys<UTF8String> {
    @Override
    public int hash(InternalRow row) {
      return PackedKeyTable.hashOf(row.getUTF8String(WALLET));
    }

    @Override
    public boolean pack(InternalRow row, long[] key) {
      return PackedKeyTable.pack(row.getUTF8String(WALLET), 0, 0, key);
    }

    @Override
    public UTF8String unpack(long[] key) {
      return PackedKeyTable.string(key);
    }

    @Override
    public UTF8String copyOf(InternalRow row) {
      return row.getUTF8String(WALLET).clone();
    }
  }

  /** One wallet's days in this task: the day being read, and what its finished days add up to. */
  private static final class Wallet extends DayFold {
    // exact sums: the day being read (over its protocols), then the finished days' WALLET_SUMS
    private static final int DAY = 0;
    private static final int TOTALS = SUMMED.length;
    private static final int COLLATERAL = TOTALS;
    private static final int AVAILABLE = TOTALS + 1;
    private static final int BORROW = TOTALS + 2;
    private static final int RISK_X_BORROW = TOTALS + 3;
    private static final int RISK = TOTALS + 4;
    private static final int COLLATERAL_AT = TOTALS + 5;
    private static final int AVAILABLE_AT = TOTALS + 6;

    private final int asOfDay;
    private final ExactSum.Slots sums = new ExactSum.Slots(TOTALS + WALLET_SUMS.size());
    private boolean hasRf;
    private double rf;
    private long collateralDays;
    private long availableDays;
    private long riskDays;
    private long riskAboveDays;
    private boolean hasRiskMax;
    private double riskMax;
    private boolean hasRiskAt;
    private double riskAt;

    Wallet(int asOfDay) {
      this.asOfDay = asOfDay;
    }

    @Override
    void addToDay(InternalRow row) {
      if (!row.isNullAt(RF)) {
        double value = row.getDouble(RF);
        if (!hasRf || DayFold.greater(value, rf)) {
          rf = value;
          hasRf = true;
        }
      }
      for (int i = 0; i < SUMMED.length; i++) {
        if (!row.isNullAt(VALUES + i)) {
          sums.addPartsOf(DAY + i, row.getDouble(VALUES + i), SUMMED[i]);
        }
      }
    }

    @Override
    void endDay(int date) {
      boolean hasCollateral = sums.has(DAY);
      boolean hasAvailable = sums.has(DAY + 1);
      boolean hasBorrow = sums.has(DAY + 2);
      collateralDays += hasCollateral ? 1 : 0;
      availableDays += hasAvailable ? 1 : 0;
      sums.add(COLLATERAL, sums, DAY);
      sums.add(AVAILABLE, sums, DAY + 1);
      sums.add(BORROW, sums, DAY + 2);
      if (hasRf) {
        riskDays++;
        if (!hasRiskMax || DayFold.greater(rf, riskMax)) {
          riskMax = rf;
          hasRiskMax = true;
        }
        if (DayFold.greater(rf, WalletFeatures.RISK_FACTOR_THRESHOLD)) {
          riskAboveDays++;
        }
        sums.addPartsOf(RISK, rf, "rf");
        if (hasBorrow) {
          sums.addPartsOf(RISK_X_BORROW, rf * sums.toDouble(DAY + 2), "rf_x_borrow");
        }
      }
      if (date == asOfDay) {
        hasRiskAt = hasRf;
        riskAt = rf;
        sums.add(COLLATERAL_AT, sums, DAY);
        sums.add(AVAILABLE_AT, sums, DAY + 1);
      }
      hasRf = false;
      for (int i = 0; i < SUMMED.length; i++) {
        sums.clear(DAY + i);
      }
    }

    /** The partial row of a {@link #finish}ed wallet. */
    Row row(String wallet) {
      List<Object> values = new ArrayList<>(List.of(wallet, collateralDays, availableDays, riskDays, riskAboveDays));
      values.add(hasRiskMax ? riskMax : null);
      values.add(hasRiskAt ? riskAt : null);
      for (int slot = TOTALS; slot < TOTALS + WALLET_SUMS.size(); slot++) {
        values.addAll(sums.boxed(slot));
      }
      return RowFactory.create(values.toArray());
    }
  }
}
