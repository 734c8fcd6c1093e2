package dev.defilakehouse.jobs.stage;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import dev.defilakehouse.common.catalog.TableSpec;
import dev.defilakehouse.common.config.Interval;
import dev.defilakehouse.common.delta.LakehouseTables;
import dev.defilakehouse.common.job.JobContext;
import dev.defilakehouse.common.job.JobReport;
import dev.defilakehouse.common.job.LakehouseJob;
import dev.defilakehouse.common.transform.stage.QuarantineThreshold;
import dev.defilakehouse.common.transform.stage.StageCounts;
import dev.defilakehouse.common.transform.stage.StageResult;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One raw table → one stage table, a chunk of partition days at a time (at most
 * {@code stage.chunk_days}, default 31): read the chunk's raw partitions, run the pure
 * transformation once, count per day, write the quarantine slice, check every day's quarantined
 * share, write the stage partitions. One pass and two commits per chunk: per-day commits cost
 * seconds each, which dominated backfills (BENCHMARKS.md).
 *
 * <p>The quarantine slice is written BEFORE the threshold check so users can see why a run failed;
 * when any day of a chunk is over the threshold, none of the chunk's stage partitions is written
 * (they keep what an earlier good run wrote) and the job throws. Both writes are replaceWhere on
 * the chunk's days, so re-runs are idempotent.
 */
final class StageJob implements LakehouseJob {
  private static final Logger LOG = LoggerFactory.getLogger(StageJob.class);
  /** Per-day lines, on their own logger so a terminal can leave them out (the SUMMARY adds them up). */
  private static final Logger DAY_LOG = LoggerFactory.getLogger(StageJob.class.getName() + ".day");
  static final String QUARANTINE = "stage.quarantine";
  static final String CHUNK_DAYS_OPTION = "stage.chunk_days";
  static final int DEFAULT_CHUNK_DAYS = 31;

  /** How a table's partition date relates to the run interval. */
  enum Span {
    /** Event partitions: the UTC days overlapping [start, end); day d covers [d, d+1). */
    EVENTS("block_date") {
      @Override List<LocalDate> dates(Interval interval) {
        return interval.eventDates();
      }

      @Override Interval covering(LocalDate first, LocalDate last) {
        return Interval.of(first, last.plusDays(1));
      }
    },
    /** Snapshot partitions: days d with start < d <= end; day d is the state at its 00:00 UTC. */
    SNAPSHOTS("snapshot_date") {
      @Override List<LocalDate> dates(Interval interval) {
        return interval.snapshotDates();
      }

      @Override Interval covering(LocalDate first, LocalDate last) {
        return Interval.of(first.minusDays(1), last);
      }
    };

    final String partitionColumn;

    Span(String partitionColumn) {
      this.partitionColumn = partitionColumn;
    }

    abstract List<LocalDate> dates(Interval interval);

    /** The run interval whose partition dates are exactly first..last. */
    abstract Interval covering(LocalDate first, LocalDate last);

    String range(LocalDate first, LocalDate last) {
      // Not BETWEEN: Delta's replaceWhere check fails on it with an unresolved-expression error.
      return partitionColumn + " >= DATE'" + first + "' AND " + partitionColumn + " <= DATE'" + last + "'";
    }
  }

  @FunctionalInterface
  interface Transformation {
    StageResult apply(JobContext context, Dataset<Row> raw, Interval day);
  }

  private final String rawTable;
  private final String stageTable;
  private final Span span;
  private final Transformation transformation;
  private final Map<String, String> checkConstraints;

  StageJob(String rawTable, String stageTable, Span span, Transformation transformation, Map<String, String> checkConstraints) {
    this.rawTable = rawTable;
    this.stageTable = stageTable;
    this.span = span;
    this.transformation = transformation;
    this.checkConstraints = Map.copyOf(checkConstraints);
  }

  @Override
  public void run(JobContext ctx) {
    double maxShare = QuarantineThreshold.parse(ctx.config().option(QuarantineThreshold.OPTION,
        String.valueOf(QuarantineThreshold.DEFAULT_MAX_SHARE)));
    int chunkDays = ctx.config().intOption(CHUNK_DAYS_OPTION, DEFAULT_CHUNK_DAYS);
    if (chunkDays < 1) {
      throw new IllegalArgumentException("--option " + CHUNK_DAYS_OPTION + "=" + chunkDays + " must be at least 1");
    }
    List<LocalDate> dates = ctx.config().fullRefresh() ? everyRawDay(ctx) : span.dates(ctx.config().interval());
    if (dates.isEmpty()) {
      LOG.info("{}: the interval {} holds no {} partition; nothing to do", stageTable, ctx.config().interval(),
          span.partitionColumn);
    }
    long raw = 0;
    long quarantined = 0;
    for (int i = 0; i < dates.size(); i += chunkDays) {
      List<LocalDate> chunk = dates.subList(i, Math.min(dates.size(), i + chunkDays));
      StageCounts counts = runChunk(ctx, chunk.get(0), chunk.get(chunk.size() - 1), maxShare);
      raw += counts.rawRows();
      quarantined += counts.quarantinedRawRows();
      if (dates.size() > chunkDays) {
        LOG.info("{}: {} of {} days staged", stageTable, Math.min(dates.size(), i + chunkDays), dates.size());
      }
    }
    ctx.report().metric("quarantined_share", String.format(Locale.ROOT, "%.4f", raw == 0 ? 0.0 : (double) quarantined / raw));
  }

  /**
   * {@code --full-refresh}: every day from the raw table's first to its last partition, gaps
   * included, so stage rows of a day raw no longer has are replaced by nothing.
   */
  private List<LocalDate> everyRawDay(JobContext ctx) {
    Row bounds = ctx.tables().read(ctx.table(rawTable))
        .agg(min(col(span.partitionColumn)), max(col(span.partitionColumn))).head();
    if (bounds.isNullAt(0)) {
      return List.of();
    }
    LocalDate first = bounds.getDate(0).toLocalDate();
    LocalDate last = bounds.getDate(1).toLocalDate();
    LOG.info("{}: --full-refresh restages every day of {}, {}..{}", stageTable, rawTable, first, last);
    return first.datesUntil(last.plusDays(1)).toList();
  }

  private StageCounts runChunk(JobContext ctx, LocalDate first, LocalDate last, double maxShare) {
    LakehouseTables tables = ctx.tables();
    JobReport report = ctx.report();
    String runId = ctx.config().runId();
    String range = span.range(first, last);
    Dataset<Row> raw = tables.read(ctx.table(rawTable)).where(range);
    StageResult result = transformation.apply(ctx, raw, span.covering(first, last));
    Dataset<Row> checked = result.checked().persist(StorageLevel.MEMORY_AND_DISK());
    try {
      result = result.withChecked(checked);
      SortedMap<LocalDate, StageCounts> byDate = StageCounts.byDate(result);
      StageCounts counts = StageCounts.total(byDate.values());
      report.addRead(counts.rawRows());
      report.addQuarantined(counts.quarantinedRows());
      report.addMetric("duplicates_collapsed", counts.collapsedDuplicates());
      counts.ruleCounts().forEach((rule, n) -> report.addMetric("rule." + rule, n));

      TableSpec quarantine = ctx.table(QUARANTINE);
      report.committed(QUARANTINE, tables.replaceWhere(quarantine, result.quarantineRows(stageTable, runId),
          "source_table = '" + stageTable + "' AND record_date >= DATE'" + first + "' AND record_date <= DATE'" + last + "'"));
      byDate.forEach((date, c) -> DAY_LOG.info("{} {}={}: raw={} stage={} quarantined={} collapsed_duplicates={} rules={}",
          stageTable, span.partitionColumn, date, c.rawRows(), c.stageRows(), c.quarantinedRows(),
          c.collapsedDuplicates(), c.ruleCounts()));
      if (byDate.isEmpty()) {
        LOG.info("{} {}: no raw rows", stageTable, range);
      }
      for (Map.Entry<LocalDate, StageCounts> day : byDate.entrySet()) {
        QuarantineThreshold.check(stageTable, span.partitionColumn + "=" + day.getKey(),
            first.equals(last) ? span.partitionColumn + "=" + first : range, day.getValue(), maxShare,
            quarantine.qualifiedName(ctx.config().env()));
      }

      TableSpec stage = ctx.table(stageTable);
      Dataset<Row> rows = result.stageRows();
      tables.ensureTable(stage, rows.schema());
      CheckConstraints.ensure(ctx.spark(), tables.location(stage), checkConstraints);
      report.committed(stageTable, tables.replaceWhere(stage, rows, range));
      report.addWritten(counts.stageRows());
      return counts;
    } finally {
      checked.unpersist();
    }
  }
}
