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
 * aggregates with a map of one day's wallets at a time, and only those partials (a row per wallet
 * and task) are shuffled. Without it, every daily health row is shuffled and 24M (wallet, day)
 * keys are hashed at L's size, more time than DuckDB's whole feature query.
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

  private DayLocalHealth(LocalDate asOf) {
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
    Map<UTF8String, Wallet> wallets = new HashMap<>();
    Map<UTF8String, Day> days = new HashMap<>();
    int date = 0;
    while (rows.hasNext()) {
      InternalRow row = rows.next();
      int rowDate = row.getInt(DATE);
      if (rowDate != date && !days.isEmpty()) {
        fold(days, date, wallets);
      }
      date = rowDate;
      UTF8String wallet = row.getUTF8String(WALLET);
      Day day = days.get(wallet);
      if (day == null) {
        day = new Day();
        days.put(wallet.clone(), day); // the row's bytes are reused for the next row
      }
      day.add(row);
    }
    if (!days.isEmpty()) {
      fold(days, date, wallets);
    }
    List<Row> out = new ArrayList<>(wallets.size());
    wallets.forEach((wallet, w) -> out.add(w.row(wallet.toString())));
    return out.iterator();
  }

  private void fold(Map<UTF8String, Day> days, int date, Map<UTF8String, Wallet> wallets) {
    boolean atT = date == asOfDay;
    days.forEach((wallet, day) -> wallets.computeIfAbsent(wallet, w -> new Wallet()).add(day, atT));
    days.clear();
  }

  /** Spark's {@code a > b} and {@code max} on doubles: NaN above everything, -0.0 equal to 0.0. */
  static boolean greater(double a, double b) {
    return SQLOrderingUtil.compareDoubles(a, b) > 0;
  }

  /** One wallet's rows of one day: the maximum risk factor and exact sums over its protocols. */
  private static final class Day {
    boolean hasRf;
    double rf;
    final ExactSum.Total[] sums = {new ExactSum.Total(), new ExactSum.Total(), new ExactSum.Total()};

    void add(InternalRow row) {
      if (!row.isNullAt(RF)) {
        double value = row.getDouble(RF);
        if (!hasRf || greater(value, rf)) {
          rf = value;
          hasRf = true;
        }
      }
      for (int i = 0; i < sums.length; i++) {
        sums[i].add(row, PARTS + 3 * i);
      }
    }
  }

  /** One wallet's days in this task. */
  private static final class Wallet {
    long collateralDays;
    long availableDays;
    long riskDays;
    long riskAboveDays;
    Double riskMax;
    Double riskAt;
    final ExactSum.Total collateral = new ExactSum.Total();
    final ExactSum.Total available = new ExactSum.Total();
    final ExactSum.Total borrow = new ExactSum.Total();
    final ExactSum.Total riskXBorrow = new ExactSum.Total();
    final ExactSum.Total risk = new ExactSum.Total();
    final ExactSum.Total collateralAt = new ExactSum.Total();
    final ExactSum.Total availableAt = new ExactSum.Total();

    void add(Day day, boolean atT) {
      long[] dayCollateral = day.sums[0].parts();
      long[] dayAvailable = day.sums[1].parts();
      long[] dayBorrow = day.sums[2].parts();
      collateralDays += dayCollateral == null ? 0 : 1;
      availableDays += dayAvailable == null ? 0 : 1;
      collateral.add(dayCollateral);
      available.add(dayAvailable);
      borrow.add(dayBorrow);
      if (day.hasRf) {
        riskDays++;
        if (riskMax == null || greater(day.rf, riskMax)) {
          riskMax = day.rf;
        }
        if (greater(day.rf, WalletFeatures.RISK_FACTOR_THRESHOLD)) {
          riskAboveDays++;
        }
        risk.add(ExactSum.partsOf(day.rf, "rf"));
        if (dayBorrow != null) {
          riskXBorrow.add(ExactSum.partsOf(day.rf * ExactSum.toDouble(dayBorrow), "rf_x_borrow"));
        }
      }
      if (atT) {
        riskAt = day.hasRf ? day.rf : null;
        collateralAt.add(dayCollateral);
        availableAt.add(dayAvailable);
      }
    }

    Row row(String wallet) {
      List<Object> values = new ArrayList<>(List.of(wallet, collateralDays, availableDays, riskDays, riskAboveDays));
      values.add(riskMax);
      values.add(riskAt);
      for (ExactSum.Total total : List.of(collateral, available, borrow, riskXBorrow, risk, collateralAt, availableAt)) {
        values.addAll(java.util.Arrays.asList(total.boxed()));
      }
      return RowFactory.create(values.toArray());
    }
  }
}
