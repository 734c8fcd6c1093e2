package dev.defilakehouse.local.bench;

import static org.apache.spark.sql.functions.max;

import dev.defilakehouse.common.catalog.TableCatalog;
import dev.defilakehouse.common.config.Env;
import dev.defilakehouse.common.config.Interval;
import dev.defilakehouse.common.config.RunConfig;
import dev.defilakehouse.common.config.Secrets;
import dev.defilakehouse.common.delta.LakehouseTables;
import dev.defilakehouse.common.job.JobReport;
import dev.defilakehouse.common.spark.SparkSessions;
import dev.defilakehouse.common.transform.features.FeatureColumns;
import dev.defilakehouse.jobs.JobRegistry;
import dev.defilakehouse.jobs.JobRunner;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The incremental feature run against a full recompute (issue 10, BENCHMARKS.md): on a lakehouse
 * of a size's whole history (built by {@link PipelineBenchmark}, peer skipped), the daily
 * {@code analytics.wallet_features} run for the last as-of date T on top of state(T-1), next to the
 * same run with {@code --full-refresh} (state(T) from all history). Both write the same partition,
 * which must come out identical.
 *
 * <p>{@code IncrementalBenchmark S|M|L [--wallets N] [--days N] [--repeat N] [--reuse] [--root DIR]
 * [--out DIR] [--replicate-from S|M] [--peer] [--option k=v]...}; {@code --reuse} measures on the lakehouse an
 * earlier run of the same size left under the root (e.g. {@code make bench}'s
 * {@code local/target/bench-lakehouse/<size>}) instead of building it again. {@code --replicate-from
 * M} builds the size's history from M's analytics tables ({@link ReplicatedHistory}: wallets and
 * days multiplied up to the size's) instead of running raw and stage at that size; the as-of date
 * is then M's last day. {@code --peer} then also times DuckDB's features over the same tables
 * against the best full recompute and compares them, as {@link PipelineBenchmark} does.
 */
public final class IncrementalBenchmark {
  private static final String FEATURES = "analytics.wallet_features";

  private final SparkSession spark;
  private final RunConfig config;
  private final JobRunner runner = new JobRunner(JobRegistry.standard());

  IncrementalBenchmark(SparkSession spark, RunConfig config) {
    this.spark = spark;
    this.config = config;
  }

  /** Times the daily run and the full refresh as of {@code asOf}, {@code repeat} times each, alternating. */
  Map<String, Object> measure(LocalDate asOf, int repeat) throws Exception {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("as_of_date", asOf.toString());
    // Untimed: state(T-1) from all history (and T recomputed from it), what the daily run builds on.
    double setup = timed(asOf.minusDays(1), true, new LinkedHashMap<>());
    out.put("setup_state_of_previous_day_seconds", setup);

    List<Double> incremental = new ArrayList<>();
    List<Double> full = new ArrayList<>();
    boolean identical = true;
    Map<String, Object> lastDaily = new LinkedHashMap<>();
    for (int i = 0; i < repeat; i++) {
      incremental.add(timed(asOf, false, lastDaily));
      List<String> daily = features(asOf);
      full.add(timed(asOf, true, new LinkedHashMap<>()));
      identical &= daily.equals(features(asOf));
      out.put("wallets", daily.size());
    }
    double bestIncremental = incremental.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    double bestFull = full.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    out.put("daily_run_state", lastDaily.get("state"));
    out.put("daily_seconds", incremental);
    out.put("full_refresh_seconds", full);
    out.put("daily_best_seconds", bestIncremental);
    out.put("full_refresh_best_seconds", bestFull);
    out.put("ratio_daily_to_full_refresh", bestIncremental / bestFull);
    out.put("target_ratio_at_most", 0.2);
    out.put("identical_features", identical);
    return out;
  }

  /** One feature run as of {@code asOf}; its seconds. */
  private double timed(LocalDate asOf, boolean fullRefresh, Map<String, Object> metrics) throws Exception {
    RunConfig run = new RunConfig(config.env(), config.lakehouseRoot(), Interval.of(asOf.minusDays(1), asOf),
        config.options(), config.runId() + (fullRefresh ? "-full" : "-daily"), fullRefresh);
    long started = System.nanoTime();
    JobReport report = runner.run(FEATURES, run, spark, new Secrets(Map.of()));
    double seconds = Rates.seconds(System.nanoTime() - started);
    metrics.putAll(report.metrics());
    System.out.printf("features as of %s%s: %.1f s (%s)%n", asOf, fullRefresh ? " --full-refresh" : "", seconds,
        report.metrics().get("state"));
    return seconds;
  }

  /** The partition's rows without computed_at, sorted, as text. */
  private List<String> features(LocalDate asOf) {
    return tables(spark, config).read(TableCatalog.get().table(FEATURES)).where("as_of_date = DATE'" + asOf + "'")
        .drop(FeatureColumns.COMPUTED_AT).orderBy(FeatureColumns.WALLET_ADDRESS).collectAsList().stream()
        .map(Row::toString).toList();
  }

  /** Writes the size's history from the smaller size's analytics tables; what was copied, and how long it took. */
  private static Map<String, Object> replicate(SparkSession spark, BenchScale scale, BenchScale source, Path sourceRoot,
      RunConfig config) {
    ReplicatedHistory history = ReplicatedHistory.between(source, scale);
    TableCatalog catalog = TableCatalog.get();
    LakehouseTables from = new LakehouseTables(spark, Env.LOCAL, sourceRoot.resolve("lakehouse").toString(),
        config.runId(), catalog);
    LakehouseTables to = tables(spark, config);
    long started = System.nanoTime();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("replicated_from", source.name() + " (" + sourceRoot + ")");
    out.putAll(history.describe());
    out.put("rows", history.copy(from, to));
    out.put("seconds", Rates.seconds(System.nanoTime() - started));
    return out;
  }

  /** The lakehouse's tables, as the runs of {@code config} see them. */
  private static LakehouseTables tables(SparkSession spark, RunConfig config) {
    return new LakehouseTables(spark, config.env(), config.lakehouseRoot(), config.runId(), TableCatalog.get());
  }

  /** The last snapshot date of the lakehouse's daily wallet health. */
  private static LocalDate lastSnapshotDate(SparkSession spark, RunConfig config) {
    Row last = tables(spark, config).read(TableCatalog.get().table("analytics.the_graph_daily_wallet_health"))
        .agg(max("snapshot_date")).head();
    if (last.isNullAt(0)) {
      throw new IllegalArgumentException("--reuse: the lakehouse under " + config.lakehouseRoot()
          + " has no daily wallet health to measure on");
    }
    return last.getDate(0).toLocalDate();
  }

  /** Whether {@code root} holds a benchmark lakehouse with analytics tables. */
  private static boolean hasAnalytics(Path root) {
    return java.nio.file.Files.isDirectory(root.resolve("lakehouse").resolve("analytics"));
  }

  public static void main(String[] args) throws Exception {
    String size = null;
    Integer wallets = null;
    Integer days = null;
    int repeat = 1;
    boolean reuse = false;
    String replicateFrom = null;
    boolean peer = false;
    Path root = null;
    Path outDir = Path.of("bench-results");
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--wallets" -> wallets = Integer.parseInt(args[++i]);
        case "--days" -> days = Integer.parseInt(args[++i]);
        case "--repeat" -> repeat = Integer.parseInt(args[++i]);
        case "--reuse" -> reuse = true;
        case "--root" -> root = Path.of(args[++i]);
        case "--out" -> outDir = Path.of(args[++i]);
        case "--replicate-from" -> replicateFrom = args[++i];
        case "--peer" -> peer = true;
        case "--option" -> {
          String[] kv = args[++i].split("=", 2);
          options.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        default -> {
          if (size != null || args[i].startsWith("-")) {
            throw new IllegalArgumentException("usage: IncrementalBenchmark S|M|L [--wallets N] [--days N] [--repeat N]"
                + " [--root DIR] [--out DIR] [--replicate-from S|M] [--peer] [--option k=v]...; unexpected argument '" + args[i] + "'");
          }
          size = args[i];
        }
      }
    }
    if (repeat < 1) {
      throw new IllegalArgumentException("--repeat " + repeat + ": at least 1");
    }
    BenchScale scale = BenchScale.of(size == null ? "S" : size).resized(wallets, days);
    BenchScale source = replicateFrom == null ? null : BenchScale.of(replicateFrom);
    String name = source == null ? scale.name() : scale.name() + "-from-" + source.name();
    Path benchLakehouses = Path.of("local", "target", "bench-lakehouse");
    root = (root == null ? benchLakehouses.resolve(name + (reuse || source != null ? "" : "-incremental"))
        : root).toAbsolutePath();
    Path sourceRoot = source == null ? null : benchLakehouses.resolve(source.name()).toAbsolutePath();
    if (source != null && !hasAnalytics(sourceRoot)) {
      throw new IllegalArgumentException("--replicate-from " + source.name() + ": no benchmark lakehouse with analytics"
          + " tables under " + sourceRoot + ": run make bench SIZE=" + source.name() + " first");
    }
    if (reuse && !hasAnalytics(root)) {
      throw new IllegalArgumentException("--reuse: no benchmark lakehouse with analytics tables under " + root
          + ": run make bench SIZE=" + scale.name() + " (same --wallets/--days) first, or drop --reuse");
    } else if (!reuse) {
      BenchRoot.fresh(root);
    }
    options.putIfAbsent("spark.master", "local[*]");
    String runId = "bench-incremental-" + name + "-" + Instant.now().getEpochSecond();
    RunConfig config = new RunConfig(Env.LOCAL, root.resolve("lakehouse").toString(),
        Interval.of(scale.start(), scale.end()), options, runId);
    SparkSession spark = SparkSessions.forRun(config);
    try {
      Map<String, Object> results = new LinkedHashMap<>();
      if (reuse || source != null) {
        results.put("size", name);
        results.put("machine", MachineFacts.collect());
      }
      if (reuse) {
        results.put("reused_lakehouse", root.toString());
      } else if (source != null) {
        results.put("history", replicate(spark, scale, source, sourceRoot, config));
      } else {
        results.putAll(new PipelineBenchmark(spark, config).run(scale, BenchProgress.start(root, scale), false,
            root.resolve("peer"), false,
            Runtime.getRuntime().availableProcessors()).results());
        System.out.println(ResultsTable.render(results));
      }
      // The as-of date: the last day of the history measured on (a reused one may be replicated from M).
      LocalDate asOf = reuse ? lastSnapshotDate(spark, config) : source == null ? scale.end() : source.end();
      Map<String, Object> incremental = new IncrementalBenchmark(spark, config).measure(asOf, repeat);
      results.put("incremental", incremental);
      System.out.printf("incremental features as of %s on %d days of history, %s wallets: daily %.1f s, "
              + "--full-refresh %.1f s, ratio %.3f (target <= 0.2), identical features: %s%n",
          asOf, scale.days(), incremental.get("wallets"), incremental.get("daily_best_seconds"),
          incremental.get("full_refresh_best_seconds"), incremental.get("ratio_daily_to_full_refresh"),
          incremental.get("identical_features"));
      boolean peerDiffers = false;
      if (peer) {
        // The partition of asOf is the last --full-refresh's: the feature job's full computation.
        Map<String, Object> peerResults = new LinkedHashMap<>();
        FeatureComparison.Result comparison = new PipelineBenchmark(spark, config).runPeer(asOf, root.resolve("peer"),
            Runtime.getRuntime().availableProcessors(), (double) incremental.get("full_refresh_best_seconds"), peerResults);
        results.put("peer", peerResults);
        peerDiffers = !comparison.identical();
        System.out.println(ResultsTable.peerLine(peerResults));
      }
      Path file = PipelineBenchmark.writeJson(results, outDir, name + "-incremental");
      System.out.println("results: " + file);
      if (!(boolean) incremental.get("identical_features")) {
        System.err.println("FEATURES DIFFER between the daily run and --full-refresh");
        System.exit(2);
      }
      if (peerDiffers) {
        System.err.println("FEATURES DIFFER between the feature job and DuckDB");
        System.exit(2);
      }
    } finally {
      spark.stop();
    }
  }
}
