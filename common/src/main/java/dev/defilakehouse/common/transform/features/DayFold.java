package dev.defilakehouse.common.transform.features;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.SQLOrderingUtil;

/**
 * What one key (a wallet; a wallet, kind and protocol) adds up to over the days a task reads
 * {@link WholeDayScan whole day by whole day}: the task reads each of its dates in one run, so the
 * key's day is complete when the key next shows up on another date, or at the end of the task.
 */
abstract class DayFold {
  private boolean inDay;
  private int date;

  /** Adds a row of {@code rowDate}, finishing the key's previous day first when it was another. */
  final void add(InternalRow row, int rowDate) {
    if (inDay && rowDate != date) {
      endDay(date);
    }
    inDay = true;
    date = rowDate;
    addToDay(row);
  }

  /** Adds a row to the day being read. */
  abstract void addToDay(InternalRow row);

  /** Folds the day being read (of {@code date}) into the totals and starts afresh. */
  abstract void endDay(int date);

  /** Finishes the day being read, if any: the totals are then complete. */
  final void finish() {
    if (inDay) {
      endDay(date);
      inDay = false;
    }
  }

  /**
   * One row per key of a task's rows, from the fold of each key's rows. {@code key} may return a
   * view of the row (its bytes are reused for the next row); {@code copy} makes the key kept.
   */
  static <K, F extends DayFold> Iterator<Row> perKey(Iterator<InternalRow> rows, int dateOrdinal,
      Function<InternalRow, K> key, UnaryOperator<K> copy, Supplier<F> fold, BiFunction<K, F, Row> toRow) {
    Map<K, F> folds = new HashMap<>();
    while (rows.hasNext()) {
      InternalRow row = rows.next();
      K viewed = key.apply(row);
      F folded = folds.get(viewed);
      if (folded == null) {
        folded = fold.get();
        folds.put(copy.apply(viewed), folded);
      }
      folded.add(row, row.getInt(dateOrdinal));
    }
    List<Row> out = new ArrayList<>(folds.size());
    folds.forEach((k, folded) -> {
      folded.finish();
      out.add(toRow.apply(k, folded));
    });
    return out.iterator();
  }

  /** Spark's {@code a > b} and {@code max} on doubles: NaN above everything, -0.0 equal to 0.0. */
  static boolean greater(double a, double b) {
    return SQLOrderingUtil.compareDoubles(a, b) > 0;
  }
}
