package dev.defilakehouse.jobs.stage;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

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
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One raw table → one stage table, a UTC day partition at a time (each day its own commits):
 * read the day's raw partition, run the pure transformation, write the quarantine slice, check
 * the quarantined share, write the stage partition.
 *
 * <p>The quarantine slice is written BEFORE the threshold check so users can see why a run failed;
 * over the threshold the stage partition is then NOT written (it keeps what an earlier good run
 * wrote) and the job throws. Both writes are replaceWhere on the day, so re-runs are idempotent.
 */
final class StageJob implements LakehouseJob {
  private static final Logger LOG = LoggerFactory.getLogger(StageJob.class);
  static final String QUARANTINE = "stage.quarantine";

  /** How a table's partition date relates to the run interval. */
  enum Span {
    /** Event partitions: the UTC days overlapping [start, end); day d covers [d, d+1). */
    EVENTS("block_date") {
      @Override List<LocalDate> dates(Interval interval) {
        return interval.eventDates();
      }

      @Override Interval dayInterval(LocalDate d) {
        return Interval.of(d, d.plusDays(1));
      }
    },
    /** Snapshot partitions: days d with start < d <= end; day d is the state at its 00:00 UTC. */
    SNAPSHOTS("snapshot_date") {
      @Override List<LocalDate> dates(Interval interval) {
        return interval.snapshotDates();
      }

      @Override Interval dayInterval(LocalDate d) {
        return Interval.of(d.minusDays(1), d);
      }
    };

    final String partitionColumn;

    Span(String partitionColumn) {
      this.partitionColumn = partitionColumn;
    }

    abstract List<LocalDate> dates(Interval interval);

    abstract Interval dayInterval(LocalDate date);
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
    List<LocalDate> dates = span.dates(ctx.config().interval());
    if (dates.isEmpty()) {
      LOG.info("{}: the interval {} holds no {} partition; nothing to do", stageTable, ctx.config().interval(),
          span.partitionColumn);
    }
    long raw = 0;
    long quarantined = 0;
    for (LocalDate date : dates) {
      StageCounts counts = runDay(ctx, date, maxShare);
      raw += counts.rawRows();
      quarantined += counts.quarantinedRawRows();
    }
    ctx.report().metric("quarantined_share", String.format(Locale.ROOT, "%.4f", raw == 0 ? 0.0 : (double) quarantined / raw));
  }

  private StageCounts runDay(JobContext ctx, LocalDate date, double maxShare) {
    LakehouseTables tables = ctx.tables();
    JobReport report = ctx.report();
    String runId = ctx.config().runId();
    Dataset<Row> raw = tables.read(ctx.table(rawTable)).where(col(span.partitionColumn).equalTo(lit(date)));
    StageResult result = transformation.apply(ctx, raw, span.dayInterval(date));
    Dataset<Row> checked = result.checked().persist(StorageLevel.MEMORY_AND_DISK());
    try {
      result = result.withChecked(checked);
      StageCounts counts = StageCounts.of(result);
      report.addRead(counts.rawRows());
      report.addQuarantined(counts.quarantinedRows());
      report.addMetric("duplicates_collapsed", counts.collapsedDuplicates());
      counts.ruleCounts().forEach((rule, n) -> report.addMetric("rule." + rule, n));

      TableSpec quarantine = ctx.table(QUARANTINE);
      report.committed(QUARANTINE, tables.replaceWhere(quarantine, result.quarantineRows(stageTable, runId),
          "source_table = '" + stageTable + "' AND record_date = DATE'" + date + "'"));
      LOG.info("{} {}={}: raw={} stage={} quarantined={} collapsed_duplicates={} rules={}", stageTable, span.partitionColumn,
          date, counts.rawRows(), counts.stageRows(), counts.quarantinedRows(), counts.collapsedDuplicates(), counts.ruleCounts());
      QuarantineThreshold.check(stageTable, span.partitionColumn + "=" + date, counts, maxShare,
          quarantine.qualifiedName(ctx.config().env()));

      TableSpec stage = ctx.table(stageTable);
      Dataset<Row> rows = result.stageRows();
      tables.ensureTable(stage, rows.schema());
      CheckConstraints.ensure(ctx.spark(), tables.location(stage), checkConstraints);
      report.committed(stageTable, tables.replaceWhere(stage, rows, span.partitionColumn + " = DATE'" + date + "'"));
      report.addWritten(counts.stageRows());
      return counts;
    } finally {
      checked.unpersist();
    }
  }
}
