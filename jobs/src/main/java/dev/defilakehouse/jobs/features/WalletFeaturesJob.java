package dev.defilakehouse.jobs.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;

import dev.defilakehouse.common.catalog.TableSpec;
import dev.defilakehouse.common.job.JobContext;
import dev.defilakehouse.common.job.LakehouseJob;
import dev.defilakehouse.common.transform.features.StateFeatures;
import dev.defilakehouse.common.transform.features.WalletFeatureState;
import dev.defilakehouse.common.transform.features.WalletFeatures;
import io.delta.tables.DeltaTable;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code analytics.wallet_features}: the feature dictionary as of {@code --end} T, written to the
 * partition {@code as_of_date = T} only, so earlier as-of dates stay as they were computed.
 *
 * <p>Incremental (docs/features.md, "Incremental runs"): state(T) = state(T-1) merged with day
 * T-1's events and snapshot T, in {@code analytics.wallet_feature_state}; the features derive
 * from state(T). Without state(T-1), or with {@code --full-refresh}, state(T) is built from all
 * analytics history. Every later as-of date already computed is then recomputed forward from
 * state(T), so a backfill or a correction of an old day leaves state and features as a full
 * recompute would.
 */
public final class WalletFeaturesJob implements LakehouseJob {
  public static final String NAME = "analytics.wallet_features";
  public static final String STATE = "analytics.wallet_feature_state";
  private static final Logger LOG = LoggerFactory.getLogger(WalletFeaturesJob.class);

  /**
   * Spark's estimate of the cost of opening a file, for this job's reads. The analytics tables hold
   * one small file per date, and the default (4 MiB) packs ~30 of them into a task; each task
   * emits a partial row per wallet it met when it aggregates whole days (docs/features.md), so at
   * L's size 124 event tasks sent 2.7M partials on. Closer to the files' size, a task takes more
   * days: 26 tasks, 0.9M partials, the full recompute ~8 s faster (BENCHMARKS.md).
   */
  static final String OPEN_COST = "spark.sql.files.openCostInBytes";

  /**
   * The most a read task takes. With the default (128 MiB) L's health snapshots split into 24
   * tasks, each folding most of the wallets and sending a partial for each; at 384 MiB they take 8,
   * and the fold costs less than the partials it saves (BENCHMARKS.md). Spark still splits the
   * input across the cores when the tables are small, so S and M keep their parallelism.
   */
  static final String MAX_PARTITION = "spark.sql.files.maxPartitionBytes";

  /** This job's read settings; any of them set by whoever started the session stays as set. */
  static final Map<String, String> READ_SETTINGS =
      Map.of(OPEN_COST, String.valueOf(512 * 1024), MAX_PARTITION, String.valueOf(384L << 20));

  @Override
  public void run(JobContext ctx) {
    var conf = ctx.spark().conf();
    List<String> ours = new ArrayList<>();
    READ_SETTINGS.forEach(
        (key, value) -> {
          if (!conf.contains(key)) {
            conf.set(key, value);
            ours.add(key);
          }
        });
    try {
      runWithConf(ctx);
    } finally {
      ours.forEach(conf::unset); // the session may run other jobs after this one
    }
  }

  private void runWithConf(JobContext ctx) {
    LocalDate asOf = AsOfDate.of(ctx.config().interval());
    TableSpec state = ctx.table(STATE);
    TableSpec features = ctx.table(NAME);
    Instant computedAt = Instant.now();
    List<LocalDate> later = datesAfter(ctx, asOf, features);

    LocalDate previous = asOf.minusDays(1);
    boolean incremental = !ctx.config().fullRefresh() && hasPartition(ctx, state, previous);
    Dataset<Row> stateOfT = incremental
        ? WalletFeatureState.merge(partition(ctx, state, previous), aggregate(ctx, Optional.of(previous), asOf), asOf)
        : WalletFeatureState.aggregate(inputs(ctx, Optional.empty(), asOf), Optional.empty(), asOf);
    ctx.report().metric("state", incremental ? "merged into " + previous : "rebuilt from all history");
    if (!incremental && !ctx.config().fullRefresh()) {
      LOG.info("no {} for {}: building the state of {} from all analytics history", STATE, previous, asOf);
    }
    // Computed once and kept on the executors: the state write, the features, the event report and
    // the next later date all read it, without reading back (and rebuilding the Delta snapshot of)
    // the partition just written. A checkpoint rather than a cache, because a Delta write re-caches
    // every cached plan that reads the table it writes, which would drop a cached merge of state(T-1).
    Dataset<Row> current = stateOfT.localCheckpoint(true);
    try {
      // One commit: state(T) in, every later state out (a crash below then leaves no stale later state).
      ctx.report().committed(STATE, ctx.tables().replaceWhere(state, current, "as_of_date >= '" + asOf + "'"));
      ctx.report().metric("wallets", writeFeatures(ctx, current, asOf, computedAt));
      reportEvents(ctx, current);

      LocalDate from = asOf;
      for (LocalDate date : later) {
        // Eager: the next state is materialized before the one it merges into is dropped.
        Dataset<Row> older = current;
        current = WalletFeatureState.merge(older, aggregate(ctx, Optional.of(from), date), date).localCheckpoint(true);
        older.unpersist();
        ctx.report().committed(STATE, ctx.tables().replaceWhere(state, current, AsOfDate.partitionPredicate(date)));
        writeFeatures(ctx, current, date, computedAt);
        from = date;
      }
    } finally {
      current.unpersist();
    }
    ctx.report().metric("as_of_date", asOf);
    ctx.report().metric("recomputed_later_dates", later.size());
    if (!later.isEmpty()) {
      LOG.info("{} is before the newest as-of date: recomputed {} later date(s) {} .. {} from its state",
          asOf, later.size(), later.get(0), later.get(later.size() - 1));
    }
  }

  private static Dataset<Row> aggregate(JobContext ctx, Optional<LocalDate> after, LocalDate asOf) {
    return WalletFeatureState.aggregate(inputs(ctx, after, asOf), after, asOf);
  }

  /** The analytics rows of (after, asOf], pruned by partition; the transformation filters exactly. */
  private static WalletFeatures.Inputs inputs(JobContext ctx, Optional<LocalDate> after, LocalDate asOf) {
    Dataset<Row> health = ctx.tables().read(ctx.table("analytics.the_graph_daily_wallet_health"))
        .where(dateRange("snapshot_date", after.map(d -> d.plusDays(1)), asOf));
    return new WalletFeatures.Inputs(events(ctx, "deposit", after, asOf), events(ctx, "withdraw", after, asOf),
        events(ctx, "borrow", after, asOf), events(ctx, "repay", after, asOf), events(ctx, "liquidation", after, asOf),
        health);
  }

  /** Events of block dates after..asOf ({@code block_date} is the UTC day of {@code block_timestamp}). */
  private static Dataset<Row> events(JobContext ctx, String kind, Optional<LocalDate> after, LocalDate asOf) {
    return ctx.tables().read(ctx.table("analytics.transpose_" + kind + "_events"))
        .where(dateRange("block_date", after, asOf));
  }

  private static Column dateRange(String column, Optional<LocalDate> first, LocalDate last) {
    Column upTo = col(column).leq(date(last));
    return first.map(f -> col(column).geq(date(f)).and(upTo)).orElse(upTo);
  }

  /** Derives and writes the features of {@code date} from its state; returns the wallets written. */
  private static long writeFeatures(JobContext ctx, Dataset<Row> stateOfDate, LocalDate date, Instant computedAt) {
    TableSpec target = ctx.table(NAME);
    Dataset<Row> features = StateFeatures.derive(stateOfDate, date, computedAt);
    long version = ctx.tables().replaceWhere(target, features, AsOfDate.partitionPredicate(date));
    ctx.report().committed(NAME, version);
    long wallets = rowsWritten(ctx, target);
    ctx.report().addWritten(wallets);
    return wallets;
  }

  /** Events before T and the unpriced among them, per kind, from the state's counts. */
  private static void reportEvents(JobContext ctx, Dataset<Row> stateOfT) {
    List<Column> totals = new ArrayList<>();
    for (String kind : WalletFeatureState.KINDS) {
      totals.add(sum(kind + "_events"));
      totals.add(sum(col(kind + "_events").minus(col(kind + "_priced_events"))));
    }
    Row row = stateOfT.agg(totals.get(0), totals.subList(1, totals.size()).toArray(Column[]::new)).head();
    long events = 0;
    long unpriced = 0;
    for (int i = 0; i < WalletFeatureState.KINDS.size(); i++) {
      long kindEvents = row.isNullAt(2 * i) ? 0 : row.getLong(2 * i);
      long kindUnpriced = row.isNullAt(2 * i + 1) ? 0 : row.getLong(2 * i + 1);
      events += kindEvents;
      unpriced += kindUnpriced;
      if (kindUnpriced > 0) {
        ctx.report().metric("unpriced_" + WalletFeatureState.KINDS.get(i) + "_events", kindUnpriced);
      }
    }
    ctx.report().addRead(events);
    ctx.report().metric("unpriced_events", unpriced);
    if (unpriced > 0) {
      LOG.warn("{} of {} events before the as-of date have no amount_eth (no price at most the configured age): "
          + "counted in the counts, skipped in the sums and averages", unpriced, events);
    }
  }

  /**
   * The as-of dates after T that have features: they derive from state(T) and are recomputed. (Later
   * state without features needs no look: writing state(T) removes every later state partition.)
   */
  private static List<LocalDate> datesAfter(JobContext ctx, LocalDate asOf, TableSpec features) {
    if (!ctx.tables().exists(features)) {
      return List.of();
    }
    TreeSet<LocalDate> dates = new TreeSet<>();
    ctx.tables().read(features).where(col("as_of_date").gt(date(asOf))).select("as_of_date").distinct()
        .as(Encoders.DATE()).collectAsList().forEach(d -> dates.add(d.toLocalDate()));
    return List.copyOf(dates);
  }

  private static boolean hasPartition(JobContext ctx, TableSpec table, LocalDate date) {
    return ctx.tables().exists(table) && !partition(ctx, table, date).isEmpty();
  }

  private static Dataset<Row> partition(JobContext ctx, TableSpec table, LocalDate date) {
    return ctx.tables().read(table).where(col("as_of_date").equalTo(date(date)));
  }

  private static Column date(LocalDate date) {
    return to_date(lit(date.toString()));
  }

  /** Rows of the commit just written, from the Delta log rather than another pass over the data. */
  private static long rowsWritten(JobContext ctx, TableSpec table) {
    Row last = DeltaTable.forPath(ctx.spark(), ctx.tables().location(table)).history(1)
        .select("operationMetrics").head();
    Map<String, String> metrics = last.getJavaMap(0);
    return metrics == null ? -1 : Long.parseLong(metrics.getOrDefault("numOutputRows", "-1"));
  }
}
