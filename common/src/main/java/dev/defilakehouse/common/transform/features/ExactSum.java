package dev.defilakehouse.common.transform.features;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.raise_error;
import static org.apache.spark.sql.functions.rint;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;

/**
 * Exact, order-independent sums of doubles in three {@code long} columns instead of a
 * {@code decimal(38,18)} buffer, which Spark adds with {@link BigDecimal} row by row (about a third
 * of the feature job's time at size M).
 *
 * <p>Each value x becomes the integers (whole, nano, atto) with x ≈ whole + nano·10⁻⁹ + atto·10⁻¹⁸:
 * whole = ⌊x⌋, then the fraction split into two base-10⁹ digits, the last one rounded; the mapping
 * is off from x by about 10⁻¹⁶ of x. Integer sums of the parts are exact in any order or grouping,
 * and {@link #toDecimal} turns them into the one {@code decimal(38,18)} they stand for, exactly — so
 * summing parts and then converting equals converting per group and adding the decimals, which is
 * what makes the state's merge bit-identical to a full aggregation. Values of 10¹⁸ or more fail
 * the run, and so do sums the longs cannot hold (ANSI arithmetic overflow).
 */
final class ExactSum {
  /** |x| from which a value is refused: its whole part would not fit a long. */
  static final double LIMIT = 1e18;
  private static final long BILLION = 1_000_000_000L;
  private static final List<String> PARTS = List.of("_whole", "_nano", "_atto");

  private ExactSum() {}

  /** The parts of {@code value} (a double; null gives null parts) as columns {@code name_whole, name_nano, name_atto}. */
  static List<Column> parts(Column value, String name) {
    Column x = when(abs(value).geq(lit(LIMIT)), raise_error(lit(tooLarge(name)))).otherwise(value);
    Column whole = floor(x);
    Column nanos = x.minus(whole).multiply(lit((double) BILLION));
    Column nano = floor(nanos);
    Column atto = rint(nanos.minus(nano).multiply(lit((double) BILLION))).cast("long");
    return List.of(whole.as(name + PARTS.get(0)), nano.as(name + PARTS.get(1)), atto.as(name + PARTS.get(2)));
  }

  /** Sums of the parts of {@code source} (as made by {@link #parts}) where {@code condition} holds, as the parts of {@code target}. */
  static List<Column> sums(String source, String target, Column condition) {
    return PARTS.stream().map(p -> sum(when(condition, col(source + p))).as(target + p)).toList();
  }

  /** Sums of the parts of {@code source} over all rows, as the parts of {@code target}. */
  static List<Column> sums(String source, String target) {
    return PARTS.stream().map(p -> sum(col(source + p)).as(target + p)).toList();
  }

  /** Whether any value contributed to the parts of {@code name}: the count of a column's non-null values. */
  static Column any(String name) {
    return col(name + PARTS.get(0));
  }

  /**
   * The exact decimal(38,18) the parts of {@code name} stand for (null when nothing was summed):
   * carries are moved up first so the fraction fits one long of 10⁻¹⁸ units, then whole part and
   * fraction are added as decimals whose scales keep every digit.
   */
  static Column toDecimal(String name) {
    Column atto = col(name + PARTS.get(2));
    Column nano = col(name + PARTS.get(1)).plus(floorDiv(atto));
    Column whole = col(name + PARTS.get(0)).plus(floorDiv(nano));
    Column fraction = pmod(nano, lit(BILLION)).multiply(lit(BILLION)).plus(pmod(atto, lit(BILLION)));
    // decimal(37,18) + decimal(18,0)·1e-18 = decimal(38,18): no scale is lost to precision rules
    return whole.cast("decimal(37,18)")
        .plus(fraction.cast("decimal(18,0)").multiply(lit(new BigDecimal("1E-18"))))
        .cast(WalletFeatureState.EXACT);
  }

  /** The same sum as a double, for a per-day value that is multiplied further. */
  static Column toDouble(String name) {
    return col(name + PARTS.get(0)).cast("double")
        .plus(col(name + PARTS.get(1)).cast("double").multiply(lit(1e-9)))
        .plus(col(name + PARTS.get(2)).cast("double").multiply(lit(1e-18)));
  }

  /**
   * The parts of {@code x}, as {@link #parts} computes them in Spark, bit for bit, for code that
   * aggregates inside a task ({@link DayLocalHealth}); refused as there.
   */
  static long[] partsOf(double x, String name) {
    if (!(Math.abs(x) < LIMIT)) {
      throw new ArithmeticException(tooLarge(name));
    }
    long whole = (long) Math.floor(x);
    double nanos = (x - (double) whole) * (double) BILLION;
    long nano = (long) Math.floor(nanos);
    long atto = (long) Math.rint((nanos - (double) nano) * (double) BILLION);
    return new long[] {whole, nano, atto};
  }

  /** {@link #toDouble(String)} of parts held in a task, the same double. */
  static double toDouble(long[] parts) {
    return toDouble(parts[0], parts[1], parts[2]);
  }

  private static double toDouble(long whole, long nano, long atto) {
    return (double) whole + (double) nano * 1e-9 + (double) atto * 1e-18;
  }

  /**
   * Running sums of parts inside a task, several in one array (a wallet's sums sit together in
   * memory): each slot is null (never added to) until a value comes.
   */
  static final class Slots {
    private final long[] parts;
    private long added; // bit i: slot i has a value

    Slots(int slots) {
      if (slots > Long.SIZE) {
        throw new IllegalArgumentException("at most " + Long.SIZE + " slots");
      }
      parts = new long[3 * slots];
    }

    /** Adds the parts at {@code ordinal}, {@code ordinal + 1}, {@code ordinal + 2} of a row (null: nothing). */
    void add(int slot, org.apache.spark.sql.catalyst.InternalRow row, int ordinal) {
      if (!row.isNullAt(ordinal)) {
        add(slot, row.getLong(ordinal), row.getLong(ordinal + 1), row.getLong(ordinal + 2));
      }
    }

    /** Adds slot {@code from} of {@code other} (null: nothing). */
    void add(int slot, Slots other, int from) {
      if (other.has(from)) {
        add(slot, other.parts[3 * from], other.parts[3 * from + 1], other.parts[3 * from + 2]);
      }
    }

    /** Adds the parts of {@code x} ({@link #partsOf}). */
    void addPartsOf(int slot, double x, String name) {
      long[] p = partsOf(x, name);
      add(slot, p[0], p[1], p[2]);
    }

    void add(int slot, long whole, long nano, long atto) {
      int i = 3 * slot;
      try {
        parts[i] = Math.addExact(parts[i], whole);
        parts[i + 1] = Math.addExact(parts[i + 1], nano);
        parts[i + 2] = Math.addExact(parts[i + 2], atto);
      } catch (ArithmeticException e) {
        throw new ArithmeticException("long overflow: a sum of ETH values beyond ~9.2e18 cannot be held exactly;"
            + " check the token prices and amounts");
      }
      added |= 1L << slot;
    }

    boolean has(int slot) {
      return (added & (1L << slot)) != 0;
    }

    /** {@link ExactSum#toDouble(long[])} of a slot that has a value. */
    double toDouble(int slot) {
      int i = 3 * slot;
      return ExactSum.toDouble(parts[i], parts[i + 1], parts[i + 2]);
    }

    /** Back to nothing added. */
    void clear(int slot) {
      Arrays.fill(parts, 3 * slot, 3 * slot + 3, 0L);
      added &= ~(1L << slot);
    }

    /** The parts of a slot as three boxed values for a row: nulls when nothing was added. */
    List<Long> boxed(int slot) {
      int i = 3 * slot;
      return has(slot) ? List.of(parts[i], parts[i + 1], parts[i + 2]) : Arrays.asList(null, null, null);
    }
  }

  /** Column names of the parts of {@code name}, in order. */
  static List<String> partNames(String name) {
    return PARTS.stream().map(p -> name + p).toList();
  }

  private static String tooLarge(String name) {
    return "an ETH value of 1e18 or more cannot be summed exactly (" + name + "); check the token prices and amounts";
  }

  /** ⌊v / 10⁹⌋ for negative v too. */
  private static Column floorDiv(Column v) {
    return call_function("div", v.minus(pmod(v, lit(BILLION))), lit(BILLION));
  }
}
