package dev.defilakehouse.local.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha1;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.timestamp_micros;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;

import dev.defilakehouse.common.catalog.TableSpec;
import dev.defilakehouse.common.delta.LakehouseTables;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The feature job's inputs at a bigger size, built from a smaller size's simulated analytics
 * tables instead of running raw and stage at that size (BENCHMARKS.md, "Incremental feature runs"):
 * every wallet copied {@code walletCopies} times under new addresses, and the whole history
 * repeated {@code historyCopies} times, each copy {@code periodDays} earlier than the one before,
 * so wallets keep their activity over the longer history. Row counts, wallets and days are what
 * the bigger size has; the activity per wallet and day is the smaller size's.
 *
 * <p>Only the tables the feature job reads are written: the five event tables and
 * {@code the_graph_daily_wallet_health}.
 */
final class ReplicatedHistory {
  static final List<String> TABLES = Stream.concat(PipelineBenchmark.eventJobs("analytics").stream(),
      Stream.of("analytics.the_graph_daily_wallet_health")).toList();
  private static final Set<String> WALLET_COLUMNS =
      Set.of("wallet_address", "sender_address", "account_address", "liquidator_address");
  private static final Set<String> DATE_COLUMNS = Set.of("block_date", "snapshot_date", "price_date");
  private static final Set<String> TIME_COLUMNS = Set.of("block_timestamp");
  private static final String ID_COLUMN = "event_id";
  private static final long MICROS_PER_DAY = 86_400_000_000L;

  private final int walletCopies;
  private final int historyCopies;
  private final int periodDays;

  ReplicatedHistory(int walletCopies, int historyCopies, int periodDays) {
    if (walletCopies < 1 || historyCopies < 1 || periodDays < 1) {
      throw new IllegalArgumentException("copies and period must be at least 1: wallets x" + walletCopies
          + ", history x" + historyCopies + ", period " + periodDays + " days");
    }
    this.walletCopies = walletCopies;
    this.historyCopies = historyCopies;
    this.periodDays = periodDays;
  }

  /**
   * The copies that take {@code source}'s wallets and days to {@code target}'s; each history copy
   * one day longer than the source's event days, since its snapshots run to its end date inclusive.
   */
  static ReplicatedHistory between(BenchScale source, BenchScale target) {
    if (target.wallets() % source.wallets() != 0 || target.days() % source.days() != 0) {
      throw new IllegalArgumentException("--replicate-from " + source.name() + ": " + target.name() + "'s "
          + target.wallets() + " wallets x " + target.days() + " days are not whole multiples of " + source.name()
          + "'s " + source.wallets() + " x " + source.days());
    }
    return new ReplicatedHistory(target.wallets() / source.wallets(), target.days() / source.days(), source.days() + 1);
  }

  /** What the copies are, for the benchmark's results. */
  Map<String, Object> describe() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("wallet_copies", walletCopies);
    out.put("history_copies", historyCopies);
    out.put("period_days", periodDays);
    return out;
  }

  /** Copies every table of {@link #TABLES} from {@code source} into {@code target}; rows written per table. */
  Map<String, Long> copy(LakehouseTables source, LakehouseTables target) {
    Map<String, Long> written = new LinkedHashMap<>();
    for (String name : TABLES) {
      TableSpec table = target.catalog().table(name);
      long started = System.nanoTime();
      target.overwrite(table, replicate(source.read(table)));
      long rows = target.read(table).count();
      written.put(name, rows);
      System.out.printf("replicated %s: %,d rows in %.1f s%n", name, rows, Rates.seconds(System.nanoTime() - started));
    }
    return written;
  }

  /**
   * Every row once per (wallet copy w, history copy h): wallet addresses of copy w &gt; 0 replaced by
   * a hash of address and w, dates and times moved h·period days back, event ids of any copy but
   * the original suffixed with w and h (they are keys).
   */
  Dataset<Row> replicate(Dataset<Row> rows) {
    // Copy i is wallet copy i / historyCopies and history copy i % historyCopies.
    Dataset<Row> copies = rows.sparkSession().range(walletCopies * historyCopies).select(
        col("id").divide(historyCopies).cast("int").as("copy_w"), col("id").mod(historyCopies).cast("int").as("copy_h"));
    Column w = col("copy_w");
    Column h = col("copy_h");
    Column days = h.multiply(lit(periodDays));
    List<Column> out = new ArrayList<>();
    for (String name : rows.columns()) {
      Column c = col(name);
      Column value;
      if (WALLET_COLUMNS.contains(name)) {
        value = when(w.equalTo(0).or(c.isNull()), c)
            .otherwise(concat(lit("0x"), substring(sha1(concat(c, lit(":"), w.cast("string"))), 1, 40)));
      } else if (DATE_COLUMNS.contains(name)) {
        value = date_sub(c, days);
      } else if (TIME_COLUMNS.contains(name)) {
        value = timestamp_micros(unix_micros(c).minus(days.cast("long").multiply(lit(MICROS_PER_DAY))));
      } else if (name.equals(ID_COLUMN)) {
        value = when(w.equalTo(0).and(h.equalTo(0)), c)
            .otherwise(concat(c, lit("~w"), w.cast("string"), lit("h"), h.cast("string")));
      } else {
        value = c;
      }
      out.add(value.cast(rows.schema().apply(name).dataType()).as(name));
    }
    return rows.crossJoin(org.apache.spark.sql.functions.broadcast(copies)).select(out.toArray(Column[]::new));
  }
}
