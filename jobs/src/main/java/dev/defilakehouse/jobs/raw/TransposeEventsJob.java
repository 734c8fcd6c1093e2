package dev.defilakehouse.jobs.raw;

import dev.defilakehouse.common.catalog.TableSpec;
import dev.defilakehouse.common.config.Interval;
import dev.defilakehouse.common.config.RunConfig;
import dev.defilakehouse.common.job.JobContext;
import dev.defilakehouse.common.job.LakehouseJob;
import dev.defilakehouse.common.source.FetchAhead;
import dev.defilakehouse.common.source.FetchProgress;
import dev.defilakehouse.common.source.JsonText;
import dev.defilakehouse.common.source.ProtocolVersion;
import dev.defilakehouse.common.source.SourceClients;
import dev.defilakehouse.common.source.SourceHttp;
import dev.defilakehouse.common.source.TransposeClient;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code raw.transpose_<kind>_events}: for each UTC day of the interval, every page of that day's
 * events of the kind's category literals ({@link SourceClients#categories}) for the configured
 * protocols, then ONE commit replacing exactly that {@code block_date}. A failure mid-day therefore
 * leaves the day as it was, and a re-run replaces the same days. Each day's events are also counted
 * per category ({@link CategoryCensus}), so an unknown literal is reported, never read as zero.
 */
public final class TransposeEventsJob implements LakehouseJob {
  public static final List<String> KINDS = SourceClients.EVENT_KINDS;
  private static final Logger LOG = LoggerFactory.getLogger(TransposeEventsJob.class);
  /** Per-day lines, on their own logger so a terminal can leave them out (the SUMMARY adds them up). */
  private static final Logger DAY_LOG = LoggerFactory.getLogger(TransposeEventsJob.class.getName() + ".day");

  private final String kind;

  public TransposeEventsJob(String kind) {
    if (!KINDS.contains(kind)) {
      throw new IllegalArgumentException("unknown event kind '" + kind + "': expected one of " + KINDS);
    }
    this.kind = kind;
  }

  public String name() {
    return "raw.transpose_" + kind + "_events";
  }

  @Override
  public void run(JobContext ctx) {
    RunConfig config = ctx.config();
    TableSpec table = ctx.table(name());
    Interval interval = config.interval();
    if (!interval.start().equals(Interval.startOfDay(interval.startDate()))
        || !interval.end().equals(Interval.startOfDay(Interval.dateOf(interval.end())))) {
      // block_date is the unit of replacement, so partial days are fetched and replaced whole
      LOG.warn("interval {} is not whole UTC days: fetching and replacing the whole days {}", interval,
          interval.eventDates());
    }
    List<ProtocolVersion> protocols = SourceClients.protocols(config);
    List<String> categories = SourceClients.categories(config, kind);
    Set<String> known = SourceClients.knownCategories(config);
    CategoryCensus census = new CategoryCensus(kind, categories, known);
    try (SourceHttp http = SourceClients.transposeHttp(config, ctx.secrets())) {
      TransposeClient client = SourceClients.transpose(config, ctx.secrets(), http);
      AtomicLong pages = new AtomicLong();
      // units are (day, time slice): each pages on its own, they overlap on http.max_concurrency threads,
      // and each day is still committed alone, in order, once its last slice is in
      int slices = SourceClients.transposeDaySlices(config);
      List<Slice> units = new ArrayList<>();
      for (LocalDate day : interval.eventDates()) {
        for (int i = 0; i < slices; i++) {
          units.add(new Slice(day, i, slices));
        }
      }
      List<TransposeClient.Row> dayRows = new ArrayList<>();
      FetchProgress progress = FetchProgress.ofUnits(name(), units.size());
      int threads = http.settings().maxConcurrency();
      // look ahead 2 x threads whole days however finely they are sliced
      FetchAhead.forEachInOrder(name(), units, threads, 2 * threads * slices, slice -> {
        FetchProgress unit = progress.unit(kind + " events of " + slice.day()
            + (slices == 1 ? "" : " from " + slice.start() + " to " + slice.end()));
        // the first slice of a day also counts the day's events per category: one request that
        // shows a category this job does not read instead of reading zero rows unawares
        Map<String, Long> counts = slice.index() == 0 ? client.categoryCounts(protocols,
            Interval.startOfDay(slice.day()), Interval.startOfDay(slice.day().plusDays(1))) : null;
        List<TransposeClient.Row> fetched = client.lendingEvents(categories, known, kind.equals("liquidation"),
            protocols, slice.start(), slice.end(), unit::page);
        unit.done();
        pages.addAndGet(unit.pages());
        return new Fetched(fetched, counts);
      }, (slice, fetched) -> {
        dayRows.addAll(fetched.rows());
        if (fetched.categoryCounts() != null) {
          census.day(slice.day(), fetched.categoryCounts());
        }
        if (!slice.lastOfDay()) {
          return;
        }
        LocalDate day = slice.day();
        census.fetched(day, dayRows.size());
        long version = ctx.tables().replaceWhere(table, RawRows.frame(ctx.spark(), rows(day, dayRows, config),
            RawRows.EVENTS), "block_date = DATE'" + day + "'");
        DAY_LOG.info("{}: committed {} rows of {} as version {}", name(), dayRows.size(), day, version);
        ctx.report().addRead(dayRows.size());
        ctx.report().addWritten(dayRows.size());
        ctx.report().committed(table.id(), version);
        dayRows.clear();
      });
      progress.done();
      ctx.report().metric("pages", pages.get());
      census.publish(ctx.report());
      http.stats().publish(ctx.report());
    }
  }

  /** A slice's rows, and for a day's first slice the day's event count per category. */
  private record Fetched(List<TransposeClient.Row> rows, Map<String, Long> categoryCounts) {}

  /** Hours {@code [index, index + 1) × 24 / count} of a UTC day. */
  private record Slice(LocalDate day, int index, int count) {
    Instant start() {
      return Interval.startOfDay(day).plusSeconds(index * 86_400L / count);
    }

    Instant end() {
      return index + 1 == count ? Interval.startOfDay(day.plusDays(1))
          : Interval.startOfDay(day).plusSeconds((index + 1) * 86_400L / count);
    }

    boolean lastOfDay() {
      return index + 1 == count;
    }
  }

  private static List<Row> rows(LocalDate day, List<TransposeClient.Row> fetched, RunConfig config) {
    Timestamp ingestedAt = Timestamp.from(Instant.now());
    Date blockDate = Date.valueOf(day);
    List<Row> rows = new ArrayList<>(fetched.size());
    for (TransposeClient.Row r : fetched) {
      rows.add(RowFactory.create(blockDate, JsonText.longValue(r.fields(), "block_number"),
          RawRows.intOrNull(JsonText.longValue(r.fields(), "log_index")), JsonText.text(r.fields(), "transaction_hash"),
          JsonText.text(r.fields(), "protocol_name"), JsonText.text(r.fields(), "contract_version"),
          r.payload(), r.request(), ingestedAt, config.runId()));
    }
    return rows;
  }
}
