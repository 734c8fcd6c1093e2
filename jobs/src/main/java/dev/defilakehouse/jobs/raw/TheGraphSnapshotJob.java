package dev.defilakehouse.jobs.raw;

import dev.defilakehouse.common.catalog.TableSpec;
import dev.defilakehouse.common.config.RunConfig;
import dev.defilakehouse.common.job.JobContext;
import dev.defilakehouse.common.job.LakehouseJob;
import dev.defilakehouse.common.source.FetchAhead;
import dev.defilakehouse.common.source.FetchProgress;
import dev.defilakehouse.common.source.ProtocolVersion;
import dev.defilakehouse.common.source.SourceClients;
import dev.defilakehouse.common.source.SourceHttp;
import dev.defilakehouse.common.source.SubgraphClient;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code raw.the_graph_historical_market_data} / {@code _account_positions}: for each snapshot date
 * d ({@code start < d <= end}) every protocol's entities at d's first block (from
 * {@code raw.transpose_ethereum_daily_blocks}), each deployment's schema checked once per run
 * ({@link SubgraphClient#checkSchema}: the fields read are served, the sides known; its deployment
 * hash and schema version go to the summary) and its {@code _meta} head per date, then ONE commit
 * replacing that {@code snapshot_date}.
 */
public final class TheGraphSnapshotJob implements LakehouseJob {
  private static final Logger LOG = LoggerFactory.getLogger(TheGraphSnapshotJob.class);
  /** Per-day lines, on their own logger so a terminal can leave them out (the SUMMARY adds them up). */
  private static final Logger DAY_LOG = LoggerFactory.getLogger(TheGraphSnapshotJob.class.getName() + ".day");

  private final String name;
  private final SubgraphClient.Entity entity;
  private final String idColumn;

  public TheGraphSnapshotJob(String name, SubgraphClient.Entity entity, String idColumn) {
    this.name = name;
    this.entity = entity;
    this.idColumn = idColumn;
  }

  public static TheGraphSnapshotJob markets() {
    return new TheGraphSnapshotJob("raw.the_graph_historical_market_data", SubgraphClient.Entity.MARKETS, "market_id");
  }

  public static TheGraphSnapshotJob positions() {
    return new TheGraphSnapshotJob("raw.the_graph_historical_account_positions", SubgraphClient.Entity.POSITIONS,
        "position_id");
  }

  public String name() {
    return name;
  }

  /** One id range of one protocol's snapshot on one date: fetched alone, committed with the whole date. */
  private record Unit(LocalDate date, SubgraphClient client, SubgraphClient.IdSlice slice, boolean lastOfDate) {}

  /** The first block of a snapshot date, as the daily blocks job recorded it. */
  record SnapshotBlock(long number, Timestamp timestamp) {}

  @Override
  public void run(JobContext ctx) {
    RunConfig config = ctx.config();
    TableSpec table = ctx.table(name);
    List<LocalDate> dates = config.interval().snapshotDates();
    if (dates.isEmpty()) {
      LOG.warn("{}: interval {} holds no snapshot date (a day d with start < d <= end); nothing to do", name,
          config.interval());
      return;
    }
    Map<LocalDate, SnapshotBlock> blocks = snapshotBlocks(ctx, dates);
    List<ProtocolVersion> protocols = SourceClients.protocols(config);
    try (SourceHttp http = SourceClients.subgraphHttp(config, ctx.secrets())) {
      Map<String, SubgraphClient> clients = new LinkedHashMap<>();
      for (ProtocolVersion p : protocols) {
        SubgraphClient client = SourceClients.subgraph(config, ctx.secrets(), http, p.id());
        // an upgraded deployment fails here, naming what it no longer serves, before any page is read
        SubgraphClient.SchemaInfo schema = client.checkSchema(List.of(entity));
        LOG.info("{}: subgraph {} serves deployment {} (schema {}, subgraph {}), indexed up to block {}{}", name,
            p.id(), schema.deployment(), schema.schemaVersion(), schema.subgraphVersion(), schema.headBlock(),
            schema.hasIndexingErrors() ? " WITH INDEXING ERRORS" : "");
        ctx.report().metric("subgraph_" + p.id() + "_deployment", schema.deployment());
        ctx.report().metric("subgraph_" + p.id() + "_schema", String.valueOf(schema.schemaVersion()));
        clients.put(p.id(), client);
      }
      // one unit per (date, protocol, id range): its pages are sequential (each cursor is the previous page's
      // last id), the units overlap on http.max_concurrency threads
      List<SubgraphClient.IdSlice> slices = SourceClients.subgraphIdSlices(config);
      List<Unit> units = new ArrayList<>();
      int perDate = clients.size() * slices.size();
      for (LocalDate date : dates) {
        for (SubgraphClient client : clients.values()) {
          for (SubgraphClient.IdSlice slice : slices) {
            units.add(new Unit(date, client, slice, units.size() % perDate == perDate - 1));
          }
        }
      }
      AtomicLong pages = new AtomicLong();
      List<Row> rows = new ArrayList<>();
      FetchProgress progress = FetchProgress.ofUnits(name, units.size());
      int threads = http.settings().maxConcurrency();
      // look ahead 2 x threads whole protocol snapshots however finely they are sliced (memory stays as unsliced)
      FetchAhead.forEachInOrder(name, units, threads, 2 * threads * slices.size(), unit -> {
        SnapshotBlock block = blocks.get(unit.date());
        SubgraphClient client = unit.client();
        if (unit.slice().equals(slices.get(0))) {
          client.requireIndexed(block.number(), unit.date().toString());
        }
        FetchProgress fetch = progress.unit(client.protocol() + " " + entity.field() + " of " + unit.date()
            + " at block " + block.number() + (slices.size() == 1 ? "" : " in " + unit.slice()));
        Timestamp ingestedAt = Timestamp.from(Instant.now());
        List<Row> fetched = new ArrayList<>();
        for (SubgraphClient.Record r : client.fetchSlice(entity, block.number(), unit.slice(), fetch::page)) {
          fetched.add(RowFactory.create(client.protocol(), Date.valueOf(unit.date()), block.number(), block.timestamp(),
              r.id(), r.payload(), r.request(), ingestedAt, config.runId()));
        }
        fetch.done();
        pages.addAndGet(fetch.pages());
        return fetched;
      }, (unit, fetched) -> {
        rows.addAll(fetched);
        if (!unit.lastOfDate()) {
          return; // the date's other protocols or id ranges are still to come
        }
        LocalDate date = unit.date();
        long version = ctx.tables().replaceWhere(table, RawRows.frame(ctx.spark(), rows, RawRows.snapshot(idColumn)),
            "snapshot_date = DATE'" + date + "'");
        DAY_LOG.info("{}: committed {} rows of snapshot {} (block {}) as version {}", name, rows.size(), date,
            blocks.get(date).number(), version);
        ctx.report().addRead(rows.size());
        ctx.report().addWritten(rows.size());
        ctx.report().committed(table.id(), version);
        rows.clear();
      });
      progress.done();
      ctx.report().metric("pages", pages.get());
      http.stats().publish(ctx.report());
    }
  }

  /** Every snapshot date's block, or a message saying which job to run first. */
  private static Map<LocalDate, SnapshotBlock> snapshotBlocks(JobContext ctx, List<LocalDate> dates) {
    TableSpec blocksTable = ctx.table(TransposeDailyBlocksJob.NAME);
    String runFirst = ": run " + TransposeDailyBlocksJob.NAME + " for an interval covering " + dates.get(0) + ".."
        + dates.get(dates.size() - 1) + " first";
    if (!ctx.tables().exists(blocksTable)) {
      throw new IllegalStateException("table " + blocksTable.id() + " does not exist yet" + runFirst);
    }
    String in = dates.stream().map(d -> "DATE'" + d + "'").collect(Collectors.joining(", "));
    Map<LocalDate, SnapshotBlock> blocks = new LinkedHashMap<>();
    for (Row row : ctx.tables().read(blocksTable).where("block_date IN (" + in + ")")
        .select("block_date", "block_number", "block_timestamp").collectAsList()) {
      if (!row.isNullAt(1)) {
        blocks.put(row.getDate(0).toLocalDate(), new SnapshotBlock(row.getLong(1), row.getTimestamp(2)));
      }
    }
    List<LocalDate> missing = dates.stream().filter(d -> !blocks.containsKey(d)).toList();
    if (!missing.isEmpty()) {
      throw new IllegalStateException(blocksTable.id() + " has no first block for " + missing + runFirst);
    }
    return blocks;
  }
}
