package dev.defilakehouse.local.bench;

import dev.defilakehouse.common.catalog.TableSpec;
import dev.defilakehouse.common.delta.LakehouseTables;
import dev.defilakehouse.jobs.raw.RawRows;
import dev.defilakehouse.sandbox.LendingEvent;
import dev.defilakehouse.sandbox.Market;
import dev.defilakehouse.sandbox.Position;
import dev.defilakehouse.sandbox.Simulation;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Writes a simulation straight into the raw tables, without HTTP: the same schemas
 * ({@link RawRows}) and the same verbatim payloads ({@code Simulation.*Json}) the raw jobs write,
 * for the same interval a raw run of {@code [start, end]} covers (events on {@code [start, end)},
 * snapshots on {@code (start, end]}, first blocks on {@code [start, end]}). Rows are built in Java
 * and committed in batches of whole days, so the heap holds one batch at a time.
 */
public final class RawTableLoader {
  /** Rows per commit: large enough for few commits, small enough for a 2-core laptop's heap. */
  static final int BATCH_ROWS = 400_000;

  private final SparkSession spark;
  private final LakehouseTables tables;
  private final Simulation simulation;
  private final String runId;
  private final Timestamp ingestedAt = Timestamp.from(Instant.now());

  public RawTableLoader(SparkSession spark, LakehouseTables tables, Simulation simulation, String runId) {
    this.spark = spark;
    this.tables = tables;
    this.simulation = simulation;
    this.runId = runId;
  }

  /** Loads every raw table; returns rows written per table id. */
  public Map<String, Long> loadAll(LocalDate start, LocalDate end) {
    Map<String, Long> written = new LinkedHashMap<>();
    written.put("raw.transpose_ethereum_daily_blocks", dailyBlocks(start, end));
    written.put("raw.the_graph_historical_market_data", snapshots(start, end, true));
    written.put("raw.the_graph_historical_account_positions", snapshots(start, end, false));
    written.putAll(events(start, end));
    return written;
  }

  private long dailyBlocks(LocalDate start, LocalDate end) {
    String request = request("transpose", "sql", "first block of each day");
    List<Row> rows = new ArrayList<>();
    for (LocalDate d = start; !d.isAfter(end); d = d.plusDays(1)) {
      long block = simulation.firstBlockOfDay(d);
      rows.add(RowFactory.create(Date.valueOf(d), block, Timestamp.from(simulation.blockTimestamp(block)),
          simulation.blockJson(block), request, ingestedAt, runId));
    }
    write("raw.transpose_ethereum_daily_blocks", rows, RawRows.DAILY_BLOCKS, null, null, null);
    return rows.size();
  }

  private long snapshots(LocalDate start, LocalDate end, boolean markets) {
    String table = markets ? "raw.the_graph_historical_market_data" : "raw.the_graph_historical_account_positions";
    StructType schema = RawRows.snapshot(markets ? "market_id" : "position_id");
    long total = 0;
    List<Row> batch = new ArrayList<>();
    LocalDate batchStart = null;
    for (LocalDate d = start.plusDays(1); !d.isAfter(end); d = d.plusDays(1)) {
      batchStart = batchStart == null ? d : batchStart;
      long block = simulation.firstBlockOfDay(d);
      Date date = Date.valueOf(d);
      Timestamp at = Timestamp.from(simulation.blockTimestamp(block));
      for (String protocol : simulation.protocols()) {
        String request = request("the_graph", protocol, markets ? "markets" : "positions");
        if (markets) {
          for (Market m : simulation.marketsAt(protocol, block)) {
            batch.add(RowFactory.create(protocol, date, block, at, m.id(), simulation.marketJson(m, block), request,
                ingestedAt, runId));
          }
        } else {
          for (Position p : simulation.positionsAt(protocol, block)) {
            if (p.balance().signum() == 0) {
              continue; // closed: the raw job fetches with balance_not: "0", so neither does this loader
            }
            batch.add(RowFactory.create(protocol, date, block, at, p.id(), simulation.positionJson(p), request,
                ingestedAt, runId));
          }
        }
      }
      if (batch.size() >= BATCH_ROWS || d.equals(end)) {
        write(table, batch, schema, "snapshot_date", batchStart, d);
        total += batch.size();
        batch = new ArrayList<>();
        batchStart = null;
      }
    }
    return total;
  }

  /** The events of {@code [start, end)} by kind, each kind's days batched. Events come ordered by block. */
  private Map<String, Long> events(LocalDate start, LocalDate end) {
    Map<String, List<Row>> batches = new LinkedHashMap<>();
    Map<String, LocalDate> batchStarts = new LinkedHashMap<>();
    Map<String, Long> totals = new LinkedHashMap<>();
    for (String kind : List.of("deposit", "withdraw", "borrow", "repay", "liquidation")) {
      batches.put(kind, new ArrayList<>());
      batchStarts.put(kind, start);
      totals.put(table(kind), 0L);
    }
    String request = request("transpose", "sql", "lending events of one day");
    LocalDate current = null;
    for (LendingEvent e : simulation.events()) {
      LocalDate day = e.timestamp().atZone(ZoneOffset.UTC).toLocalDate();
      if (day.isBefore(start) || !day.isBefore(end)) {
        continue;
      }
      if (current != null && !day.equals(current)) {
        flushFull(batches, batchStarts, totals, current);
      }
      current = day;
      String kind = e.kind().name().toLowerCase(Locale.ROOT);
      batches.get(kind).add(RowFactory.create(Date.valueOf(day), e.blockNumber(), e.logIndex(), e.transactionHash(),
          e.protocolName(), e.contractVersion(), simulation.eventJson(e), request, ingestedAt, runId));
    }
    // the last batch of each kind covers up to the last event day, and empty kinds still get a table
    for (String kind : batches.keySet()) {
      List<Row> rows = batches.get(kind);
      if (!rows.isEmpty() || totals.get(table(kind)) == 0) {
        write(table(kind), rows, RawRows.EVENTS, "block_date", batchStarts.get(kind), end.minusDays(1));
        totals.merge(table(kind), (long) rows.size(), Long::sum);
      }
    }
    return totals;
  }

  /** At a day boundary, commits every kind whose batch is full (replacing the days it covers). */
  private void flushFull(Map<String, List<Row>> batches, Map<String, LocalDate> batchStarts, Map<String, Long> totals,
                         LocalDate lastDay) {
    for (Map.Entry<String, List<Row>> b : batches.entrySet()) {
      if (b.getValue().size() >= BATCH_ROWS) {
        write(table(b.getKey()), b.getValue(), RawRows.EVENTS, "block_date", batchStarts.get(b.getKey()), lastDay);
        totals.merge(table(b.getKey()), (long) b.getValue().size(), Long::sum);
        batchStarts.put(b.getKey(), lastDay.plusDays(1));
        b.setValue(new ArrayList<>());
      }
    }
  }

  private static String table(String kind) {
    return "raw.transpose_" + kind + "_events";
  }

  /** One commit; a partitioned table replaces the day range, the daily blocks table is overwritten. */
  private void write(String tableId, List<Row> rows, StructType schema, String dateColumn, LocalDate from,
                     LocalDate to) {
    TableSpec table = tables.catalog().table(tableId);
    var frame = spark.createDataFrame(rows, schema);
    if (dateColumn == null) {
      tables.overwrite(table, frame);
    } else {
      tables.replaceWhere(table, frame,
          dateColumn + " >= DATE'" + from + "' AND " + dateColumn + " <= DATE'" + to + "'");
    }
  }

  /** The raw {@code request} column: which source and what, never a key; marks the rows as generated. */
  private static String request(String source, String endpoint, String what) {
    return "{\"source\":\"" + source + "\",\"endpoint\":\"" + endpoint + "\",\"generated_by\":\"bench\",\"what\":\""
        + what + "\"}";
  }
}
