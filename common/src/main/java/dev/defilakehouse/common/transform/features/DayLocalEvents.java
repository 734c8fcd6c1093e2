package dev.defilakehouse.common.transform.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.timestamp_micros;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
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
 * The per (wallet, kind, protocol) event aggregates of {@link WalletFeatureState} when the events
 * are read {@link WholeDayScan whole day by whole day}: copies of an event share its block date, so
 * each task tells them apart among the events of the day it is reading, per wallet, kind and
 * protocol, and folds the distinct events into partial aggregates; only those are shuffled,
 * instead of every event twice (distinct, then grouping). Same values, bit for bit, as the
 * shuffling plan: the amount's exact parts come from {@link ExactSum#partsOf}, Spark's expressions
 * in Java, and the maximum amount follows Spark's ordering of doubles.
 */
final class DayLocalEvents implements FlatMapFunction<Iterator<InternalRow>, Row> {
  private static final int WALLET = 0;
  private static final int KIND = 1;
  private static final int EVENT_ID = 2;
  private static final int PROTOCOL = 3;
  private static final int TIMESTAMP = 4;
  private static final int AMOUNT = 5;
  private static final int DATE = 6;
  private static final StructType PARTIAL = partialSchema();

  /**
   * The aggregates per wallet, kind and protocol (n, priced, first_at, last_at and the parts of
   * amount, as the shuffling plan's) of wallet events ({@code WalletFeatures.walletEvents}), or
   * empty when they are not read whole day by day.
   */
  static Optional<Dataset<Row>> perProtocol(Dataset<Row> walletEvents) {
    Dataset<Row> events = walletEvents.select(inputColumns());
    return WholeDayScan.of(events, "block_date").map(scan -> {
      Dataset<Row> partials = events.sparkSession().createDataFrame(
          scan.toJavaRDD().mapPartitions(new DayLocalEvents()), PARTIAL);
      List<Column> aggregates = new ArrayList<>(List.of(
          sum("n").as("n"),
          sum("priced").as("priced"),
          timestamp_micros(min("first_micros")).as("first_at"),
          timestamp_micros(max("last_micros")).as("last_at")));
      aggregates.addAll(ExactSum.sums("amount", "amount"));
      return partials.groupBy(FeatureColumns.WALLET_ADDRESS, "kind", "protocol")
          .agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new));
    });
  }

  /** The columns the fold reads, in its ordinals' order, from wallet events. */
  private static Column[] inputColumns() {
    return new Column[] {col(FeatureColumns.WALLET_ADDRESS), col("kind"), col("event_id"), col("protocol"),
        col("block_timestamp"), col("amount_eth"), col("block_date")};
  }

  private static StructType partialSchema() {
    StructType s = new StructType().add(FeatureColumns.WALLET_ADDRESS, DataTypes.StringType, false)
        .add("kind", DataTypes.StringType, false)
        .add("protocol", DataTypes.StringType)
        .add("n", DataTypes.LongType, false)
        .add("priced", DataTypes.LongType, false)
        .add("first_micros", DataTypes.LongType, false)
        .add("last_micros", DataTypes.LongType, false);
    for (String part : ExactSum.partNames("amount")) {
      s = s.add(part, DataTypes.LongType);
    }
    return s;
  }

  @Override
  public Iterator<Row> call(Iterator<InternalRow> rows) {
    return DayFold.perKey(rows, DATE, new GroupKeys(), Totals::new, (group, totals) -> totals.row(group));
  }

  /**
   * A row's (wallet, kind, protocol), packed as the wallet with a code for the kind and one for
   * the protocol: both are a handful of names, coded in the order this task meets them.
   */
  private static final class GroupKeys implements DayFold.Keys<Group> {
    private static final int CODES = 255; // a tag byte; protocol code 0 is a null protocol
    private final List<UTF8String> kinds = new ArrayList<>();
    private final List<UTF8String> protocols = new ArrayList<>();

    @Override
    public int hash(InternalRow row) {
      return PackedKeyTable.hashOf(row.getUTF8String(WALLET)); // a wallet's kinds and protocols together
    }

    @Override
    public boolean pack(InternalRow row, long[] key) {
      int kind = code(kinds, row.getUTF8String(KIND));
      int protocol = row.isNullAt(PROTOCOL) ? 0 : code(protocols, row.getUTF8String(PROTOCOL));
      return kind > 0 && protocol >= 0 && PackedKeyTable.pack(row.getUTF8String(WALLET), kind, protocol, key);
    }

    /** 1 + the name's index in {@code names}, added when new; -1 once all codes are taken by others. */
    private static int code(List<UTF8String> names, UTF8String name) {
      for (int i = 0; i < names.size(); i++) {
        if (names.get(i).equals(name)) {
          return i + 1;
        }
      }
      if (names.size() == CODES) {
        return -1;
      }
      names.add(name.clone());
      return names.size();
    }

    @Override
    public Group unpack(long[] key) {
      int protocol = PackedKeyTable.tag1(key);
      return new Group(PackedKeyTable.string(key), kinds.get(PackedKeyTable.tag0(key) - 1),
          protocol == 0 ? null : protocols.get(protocol - 1));
    }

    @Override
    public Group copyOf(InternalRow row) {
      return Group.of(row).copy();
    }
  }

  /** A view of the row's (wallet, kind, protocol): its strings point into the row's bytes until copied. */
  private record Group(UTF8String wallet, UTF8String kind, UTF8String protocol) {
    static Group of(InternalRow row) {
      // wallet and kind are never null here (walletEvents keeps events with a wallet; kind is a literal)
      return new Group(row.getUTF8String(WALLET), row.getUTF8String(KIND),
          row.isNullAt(PROTOCOL) ? null : row.getUTF8String(PROTOCOL));
    }

    Group copy() {
      return new Group(wallet.clone(), kind.clone(), copyOf(protocol));
    }
  }

  private static UTF8String copyOf(UTF8String s) {
    return s == null ? null : s.clone();
  }

  /** One distinct event: its earliest time and largest amount, with that amount's parts. */
  private static final class Event {
    final UTF8String id;
    long micros;
    boolean hasAmount;
    double amount;
    long[] parts; // of amount, once there is one

    Event(UTF8String id, InternalRow row) {
      this.id = id;
      micros = row.getLong(TIMESTAMP);
      add(row);
    }

    void add(InternalRow row) {
      micros = Math.min(micros, row.getLong(TIMESTAMP));
      if (!row.isNullAt(AMOUNT)) {
        double value = row.getDouble(AMOUNT);
        long[] valueParts = ExactSum.partsOf(value, "amount"); // refuses a value too large, as Spark's parts do
        if (!hasAmount || DayFold.greater(value, amount)) {
          hasAmount = true;
          amount = value;
          parts = valueParts;
        }
      }
    }
  }

  /** The distinct events of one wallet, kind and protocol in this task: those of the day being read, and the totals. */
  private static final class Totals extends DayFold {
    private static final int INDEXED_FROM = 16;
    private final List<Event> day = new ArrayList<>(1);
    private Map<UTF8String, Event> dayIndex; // only for a busy day, where a linear search would not do
    long n;
    long priced;
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    final ExactSum.Slots amount = new ExactSum.Slots(1);

    @Override
    void addToDay(InternalRow row) {
      UTF8String id = row.isNullAt(EVENT_ID) ? null : row.getUTF8String(EVENT_ID);
      Event copy = find(id);
      if (copy != null) {
        copy.add(row);
        return;
      }
      Event event = new Event(copyOf(id), row);
      day.add(event);
      if (dayIndex != null) {
        dayIndex.put(event.id, event);
      } else if (day.size() >= INDEXED_FROM) {
        dayIndex = new HashMap<>();
        day.forEach(e -> dayIndex.put(e.id, e));
      }
    }

    private Event find(UTF8String id) {
      if (dayIndex != null) {
        return dayIndex.get(id);
      }
      for (Event e : day) {
        if (java.util.Objects.equals(e.id, id)) {
          return e;
        }
      }
      return null;
    }

    @Override
    void endDay(int date) {
      for (Event event : day) {
        n++;
        priced += event.hasAmount ? 1 : 0;
        first = Math.min(first, event.micros);
        last = Math.max(last, event.micros);
        if (event.hasAmount) {
          amount.add(0, event.parts[0], event.parts[1], event.parts[2]);
        }
      }
      day.clear();
      dayIndex = null;
    }

    /** The partial row of {@link #finish}ed totals. */
    Row row(Group group) {
      List<Object> values = new ArrayList<>(Arrays.asList(group.wallet().toString(), group.kind().toString(),
          group.protocol() == null ? null : group.protocol().toString(), n, priced, first, last));
      values.addAll(amount.boxed(0));
      return RowFactory.create(values.toArray());
    }
  }
}
