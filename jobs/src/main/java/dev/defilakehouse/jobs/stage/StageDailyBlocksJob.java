package dev.defilakehouse.jobs.stage;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.defilakehouse.common.catalog.TableSpec;
import dev.defilakehouse.common.config.Interval;
import dev.defilakehouse.common.job.JobContext;
import dev.defilakehouse.common.job.LakehouseJob;
import dev.defilakehouse.common.transform.blocks.DailyBlocksTyping;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code stage.transpose_ethereum_daily_blocks}: types the raw daily blocks of the days
 * start &lt;= d &lt;= end (the raw job fetches the same days) and upserts them by block_date.
 * Any invalid or conflicting raw row fails the run: snapshot jobs pin their queries to these
 * blocks, so a wrong one must not reach stage (this table has no quarantine in the catalog).
 */
public final class StageDailyBlocksJob implements LakehouseJob {
  public static final String NAME = "stage.transpose_ethereum_daily_blocks";

  @Override
  public void run(JobContext ctx) {
    TableSpec raw = ctx.table("raw.transpose_ethereum_daily_blocks");
    TableSpec stage = ctx.table(NAME);
    Interval interval = ctx.config().interval();
    LocalDate first = interval.startDate();
    LocalDate last = Interval.dateOf(interval.end());

    // --full-refresh: every raw day (the table is one row per day, so this stays small)
    Dataset<Row> rawRows = ctx.config().fullRefresh() ? ctx.tables().read(raw) : ctx.tables().read(raw)
        .where(col("block_date").between(Date.valueOf(first), Date.valueOf(last)));
    Dataset<Row> typed = DailyBlocksTyping.typed(rawRows).cache();
    try {
      ctx.report().addRead(typed.count());
      List<Row> invalid = typed.where(col("problem").isNotNull()).orderBy("block_date").collectAsList();
      if (!invalid.isEmpty()) {
        throw new IllegalStateException(invalid.size() + " invalid row(s) in " + raw.id() + " for " + first + ".." + last
            + ": " + describe(invalid) + "; re-run raw.transpose_ethereum_daily_blocks for these days");
      }
      Dataset<Row> valid = DailyBlocksTyping.valid(typed);
      List<Row> conflicts = DailyBlocksTyping.conflictingDays(valid).orderBy("block_date").collectAsList();
      if (!conflicts.isEmpty()) {
        throw new IllegalStateException(raw.id() + " holds different blocks for the same day on "
            + conflicts.stream().map(r -> String.valueOf(r.get(0))).collect(Collectors.joining(", "))
            + "; re-run raw.transpose_ethereum_daily_blocks for these days");
      }
      Dataset<Row> rows = valid.withColumn("run_id", lit(ctx.config().runId()));
      long written = rows.count();
      long missing = ctx.config().fullRefresh() ? 0 : first.datesUntil(last.plusDays(1)).count() - written;
      long version = ctx.tables().upsert(stage, rows);
      ctx.report().addWritten(written);
      ctx.report().committed(stage.id(), version);
      if (missing > 0) {
        ctx.report().metric("days_without_raw_block", missing);
      }
    } finally {
      typed.unpersist();
    }
  }

  private static String describe(List<Row> invalid) {
    return invalid.stream().limit(5).map(r -> r.get(0) + " (" + r.getString(r.fieldIndex("problem")) + ")")
        .collect(Collectors.joining(", ")) + (invalid.size() > 5 ? ", ..." : "");
  }
}
