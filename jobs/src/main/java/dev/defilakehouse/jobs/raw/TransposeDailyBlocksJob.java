package dev.defilakehouse.jobs.raw;

import dev.defilakehouse.common.catalog.TableSpec;
import dev.defilakehouse.common.config.Interval;
import dev.defilakehouse.common.config.RunConfig;
import dev.defilakehouse.common.job.JobContext;
import dev.defilakehouse.common.job.LakehouseJob;
import dev.defilakehouse.common.source.FetchAhead;
import dev.defilakehouse.common.source.FetchProgress;
import dev.defilakehouse.common.source.JsonText;
import dev.defilakehouse.common.source.SourceClients;
import dev.defilakehouse.common.source.SourceHttp;
import dev.defilakehouse.common.source.TransposeClient;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * {@code raw.transpose_ethereum_daily_blocks}: the first block of every UTC day {@code start <= d
 * <= end} (so the snapshot jobs find day {@code end}), upserted by {@code block_date} in one commit.
 */
public final class TransposeDailyBlocksJob implements LakehouseJob {
  public static final String NAME = "raw.transpose_ethereum_daily_blocks";

  @Override
  public void run(JobContext ctx) {
    RunConfig config = ctx.config();
    TableSpec table = ctx.table(NAME);
    List<LocalDate> days = days(config.interval());
    try (SourceHttp http = SourceClients.transposeHttp(config, ctx.secrets())) {
      TransposeClient client = SourceClients.transpose(config, ctx.secrets(), http);
      FetchProgress progress = FetchProgress.ofUnits(NAME, days.size());
      Timestamp ingestedAt = Timestamp.from(Instant.now());
      List<Row> rows = new ArrayList<>();
      // one request per day, overlapped on http.max_concurrency threads; rows stay in day order
      FetchAhead.forEachInOrder(NAME, days, http.settings().maxConcurrency(), day -> {
        FetchProgress fetch = progress.unit("first block of " + day);
        TransposeClient.Row block = client.firstBlockOfDay(day).orElseThrow(() -> new IllegalStateException(
            "Transpose has no Ethereum block on " + day + " (UTC) yet: run this job again once the chain has"
                + " passed " + day + "T00:00:00Z"));
        fetch.page(1);
        fetch.done();
        return block;
      }, (day, block) -> rows.add(RowFactory.create(Date.valueOf(day),
          JsonText.longValue(block.fields(), "block_number"),
          RawRows.timestamp(JsonText.text(block.fields(), "timestamp")), block.payload(), block.request(), ingestedAt,
          config.runId())));
      progress.done();
      long version = ctx.tables().upsert(table, RawRows.frame(ctx.spark(), rows, RawRows.DAILY_BLOCKS));
      ctx.report().addRead(rows.size());
      ctx.report().addWritten(rows.size());
      ctx.report().committed(table.id(), version);
      http.stats().publish(ctx.report());
    }
  }

  /** Days {@code start <= d <= end}: the end day's first block is the last snapshot's block. */
  static List<LocalDate> days(Interval interval) {
    List<LocalDate> days = new ArrayList<>();
    for (LocalDate d = interval.startDate(); !d.isAfter(Interval.dateOf(interval.end())); d = d.plusDays(1)) {
      days.add(d);
    }
    return days;
  }
}
