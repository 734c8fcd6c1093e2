package dev.defilakehouse.common.transform.features;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Supplier;
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

  /** How a fold's key is read from a row: packed into longs when it fits, else as an object. */
  interface Keys<K> {
    /** A hash of the row's key, or of a part of it that all the key's rows share. */
    int hash(InternalRow row);

    /** Packs the row's key into {@code key} ({@link PackedKeyTable#WORDS} longs); false when it does not fit. */
    boolean pack(InternalRow row, long[] key);

    /** The key a packed one stands for. */
    K unpack(long[] key);

    /** The row's key as an object of its own (the row's bytes are reused for the next row), for one that does not pack. */
    K copyOf(InternalRow row);
  }

  /**
   * Bytes of rows a partition holds before they are folded: ~30 days of a partition's rows at L. A
   * busy task holds up to 128 MiB this way, on the heap but outside Spark's memory manager.
   */
  static final int PARTITION_BYTES = 1 << 20;

  /**
   * One row per key of a task's rows, from the fold of each key's rows. The rows are folded
   * partition by partition of their keys ({@link KeyPartitionedRows}), each partition's keys in a
   * table of their own.
   */
  static <K, F extends DayFold> Iterator<Row> perKey(Iterator<InternalRow> rows, int dateOrdinal, Keys<K> keys,
      Supplier<F> fold, BiFunction<K, F, Row> toRow) {
    List<PackedKeyTable<F>> packed = new ArrayList<>(KeyPartitionedRows.PARTITIONS);
    for (int p = 0; p < KeyPartitionedRows.PARTITIONS; p++) {
      packed.add(new PackedKeyTable<>(64));
    }
    Map<K, F> unpacked = new HashMap<>(); // keys too long to pack: none among wallet addresses
    long[] key = new long[PackedKeyTable.WORDS];
    KeyPartitionedRows partitioned = new KeyPartitionedRows((p, row) -> {
      F folded;
      if (keys.pack(row, key)) {
        PackedKeyTable<F> table = packed.get(p);
        folded = table.get(key);
        if (folded == null) {
          folded = fold.get();
          table.put(key, folded);
        }
      } else {
        folded = unpacked.computeIfAbsent(keys.copyOf(row), k -> fold.get());
      }
      folded.add(row, row.getInt(dateOrdinal));
    }, PARTITION_BYTES);
    while (rows.hasNext()) {
      InternalRow row = rows.next();
      partitioned.add(row, keys.hash(row));
    }
    partitioned.flushAll();
    List<Row> out = new ArrayList<>(packed.stream().mapToInt(PackedKeyTable::size).sum() + unpacked.size());
    for (PackedKeyTable<F> table : packed) {
      table.forEach((k, folded) -> {
        folded.finish();
        out.add(toRow.apply(keys.unpack(k), folded));
      });
    }
    unpacked.forEach((k, folded) -> {
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
