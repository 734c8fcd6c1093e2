package dev.defilakehouse.common.transform.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
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
import org.apache.spark.sql.catalyst.util.SQLOrderingUtil;
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
 * <p>Same values, bit for bit, as the shuffling plan in {@link WalletFeatureState}: the rows' exact
 * parts come from the same Spark expressions, the per-day ones from {@link ExactSum#partsOf}, and
 * maxima and comparisons follow Spark's ordering of doubles.
 */
final class DayLocalHealth implements FlatMapFunction<Iterator<InternalRow>, Row> {
  private static final String[] SUMMED = {"collateral", "available", "borrow"};
  private static final int WALLET = 0;
  private static final int DATE = 1;
  private static final int RF = 2;
  private static final int PARTS = 3; // then 3 parts for each of SUMMED

  /** Sums kept per wallet, in row order: each as 3 parts. */
  private static final List<String> WALLET_SUMS = List.of(WalletFeatureState.COLLATERAL_SUM,
      WalletFeatureState.AVAILABLE_SUM, WalletFeatureState.BORROW_SUM, WalletFeatureState.RISK_X_BORROW_SUM,
      WalletFeatureState.RISK_SUM, WalletFeatureState.COLLATERAL_AT, WalletFeatureState.AVAILABLE_AT);
  private static final StructType PARTIAL = partialSchema();

  private final int asOfDay;

  DayLocalHealth(LocalDate asOf) {
    this.asOfDay = (int) asOf.toEpochDay();
  }

  /**
   * The health aggregates per wallet (as {@code WalletFeatureState.healthAggregates}) of
   * {@code rows} — wallet_address, snapshot_date, rf (double), then the {@link ExactSum} parts of
   * collateral, available and borrow — or empty when they are not read whole day by day.
   */
  static Optional<Dataset<Row>> perWallet(Dataset<Row> rows, LocalDate asOf) {
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

  /** The columns {@link #perWallet} needs, from health rows with the parts of each of SUMMED added. */
  static Column[] inputColumns() {
    List<Column> columns = new ArrayList<>(List.of(col(FeatureColumns.WALLET_ADDRESS), col("snapshot_date"), col("rf")));
    for (String summed : SUMMED) {
      ExactSum.partNames(summed).forEach(name -> columns.add(col(name)));
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
    // One map for the task: a wallet's day is finished when the wallet next shows up on another
    // date, or at the end, because the task reads each of its dates in one run.
    Map<UTF8String, Wallet> wallets = new HashMap<>();
    while (rows.hasNext()) {
      InternalRow row = rows.next();
      UTF8String address = row.getUTF8String(WALLET);
      Wallet wallet = wallets.get(address);
      if (wallet == null) {
        wallet = new Wallet(asOfDay);
        wallets.put(address.clone(), wallet); // the row's bytes are reused for the next row
      }
      wallet.add(row);
    }
    List<Row> out = new ArrayList<>(wallets.size());
    wallets.forEach((address, wallet) -> out.add(wallet.row(address.toString())));
    return out.iterator();
  }

  /** Spark's {@code a > b} and {@code max} on doubles: NaN above everything, -0.0 equal to 0.0. */
  static boolean greater(double a, double b) {
    return SQLOrderingUtil.compareDoubles(a, b) > 0;
  }

  /** One wallet's days in this task: the day being read, and what its finished days add up to. */
  private static final class Wallet {
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
    private boolean inDay;
    private int date;
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

    void add(InternalRow row) {
      int rowDate = row.getInt(DATE);
      if (inDay && rowDate != date) {
        endDay();
      }
      inDay = true;
      date = rowDate;
      if (!row.isNullAt(RF)) {
        double value = row.getDouble(RF);
        if (!hasRf || greater(value, rf)) {
          rf = value;
          hasRf = true;
        }
      }
      for (int i = 0; i < SUMMED.length; i++) {
        sums.add(DAY + i, row, PARTS + 3 * i);
      }
    }

    private void endDay() {
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
        if (!hasRiskMax || greater(rf, riskMax)) {
          riskMax = rf;
          hasRiskMax = true;
        }
        if (greater(rf, WalletFeatures.RISK_FACTOR_THRESHOLD)) {
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
      inDay = false;
      hasRf = false;
      for (int i = 0; i < SUMMED.length; i++) {
        sums.clear(DAY + i);
      }
    }

    Row row(String wallet) {
      if (inDay) {
        endDay();
      }
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
