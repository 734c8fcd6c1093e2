package dev.defilakehouse.local.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.defilakehouse.common.catalog.TableCatalog;
import dev.defilakehouse.common.config.Env;
import dev.defilakehouse.common.config.Interval;
import dev.defilakehouse.common.config.RunConfig;
import dev.defilakehouse.common.config.Secrets;
import dev.defilakehouse.common.delta.LakehouseTables;
import dev.defilakehouse.common.job.JobReport;
import dev.defilakehouse.common.quality.DataQualityGateFailed;
import dev.defilakehouse.common.spark.SparkSessions;
import dev.defilakehouse.common.transform.features.WalletFeatures;
import dev.defilakehouse.jobs.JobRegistry;
import dev.defilakehouse.jobs.JobRunner;
import dev.defilakehouse.sandbox.Simulation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The pipeline benchmark (issue 9, BENCHMARKS.md): a sandbox simulation written straight into the
 * raw tables (untimed), then the stage, analytics, features and gate jobs timed through
 * {@link JobRunner}, then the same feature computation in DuckDB over the analytics data exported
 * to Parquet, checked for identical results.
 *
 * <p>{@code PipelineBenchmark S|M|L [--skip-peer] [--raw-only | --resume] [--wallets N] [--days N]
 * [--root DIR] [--out DIR] [--option k=v]...}: {@code --raw-only} stops after writing the raw
 * tables, {@code --resume} goes on with the run saved in the root ({@link BenchProgress}).
 */
public final class PipelineBenchmark {
  /** A timed stage: jobs run in this order, each measured on its own; the stage's figures are their sum. */
  record Stage(String name, List<String> jobs) {}

  /** Runs of each engine in the peer comparison; the best is reported. */
  static final int PEER_RUNS = 3;
  static final List<String> EVENT_KINDS = List.of("deposit", "withdraw", "borrow", "repay", "liquidation");

  static final List<Stage> STAGES = List.of(
      new Stage("stage", concat(List.of("stage.transpose_ethereum_daily_blocks", "stage.the_graph_historical_market_data",
          "stage.the_graph_historical_account_positions"), eventJobs("stage"))),
      new Stage("analytics", concat(concat(List.of("analytics.token_prices_daily"), eventJobs("analytics")),
          List.of("analytics.the_graph_daily_wallet_health", "analytics.the_graph_current_collateral_positions"))),
      new Stage("features", List.of("analytics.wallet_features")),
      new Stage("gate", List.of("quality.wallet_features")));

  /** The outcome of one run: everything that goes into the JSON, and the equality check on its own. */
  public record Outcome(Map<String, Object> results, FeatureComparison.Result comparison) {}

  private final SparkSession spark;
  private final RunConfig config;
  private final LakehouseTables tables;
  private final JobRegistry registry = JobRegistry.standard();
  private final JobRunner runner = new JobRunner(registry);
  private final Secrets secrets = new Secrets(Map.of());

  public PipelineBenchmark(SparkSession spark, RunConfig config) {
    this.spark = spark;
    this.config = config;
    this.tables = new LakehouseTables(spark, config.env(), config.lakehouseRoot(), config.runId(), TableCatalog.get());
  }

  /**
   * Runs everything for {@code scale} that {@code progress} has not finished yet, saving each part
   * there as it finishes; with {@code rawOnly}, stops after the raw load (the outcome then holds no
   * stages). {@code workDir} holds the Parquet export and the peer's output; {@code peerThreads} is
   * what DuckDB gets (the cores Spark runs on).
   */
  public Outcome run(BenchScale scale, BenchProgress progress, boolean rawOnly, Path workDir, boolean peer,
                     int peerThreads) throws Exception {
    Map<String, Object> results = new LinkedHashMap<>();
    results.put("size", scale.name());
    results.put("started_at", Instant.now().toString());
    results.put("scale", BenchProgress.describe(scale));
    results.put("machine", MachineFacts.collect());
    results.put("spark", sparkFacts());

    if (progress.raw() == null) {
      progress.recordRaw(loadRaw(scale));
      System.gc(); // the simulation is garbage now; do not count it in the first stage's heap
    } else {
      System.out.println("raw: written by an earlier process of this run (" + progress.raw().get("finished_at") + ")");
    }
    results.put("raw", progress.raw());
    // more than one means the run was resumed: each job says which process (and machine) timed it
    results.put("processes", progress.processes());
    if (rawOnly) {
      return new Outcome(results, null);
    }

    List<Map<String, Object>> stages = new ArrayList<>();
    double featuresJobSeconds = Double.NaN;
    try (HeapSampler heap = new HeapSampler()) {
      MeasurementSum total = new MeasurementSum();
      for (Stage stage : STAGES) {
        Map<String, Object> measured = runStage(stage, heap, progress);
        stages.add(measured);
        total.add(measured);
        if (stage.name().equals("features")) {
          featuresJobSeconds = (double) measured.get("seconds");
        }
      }
      results.put("stages", stages);
      results.put("total", total.measurement("total"));
    }

    FeatureComparison.Result comparison = null;
    if (peer) {
      Map<String, Object> peerResults = new LinkedHashMap<>();
      comparison = runPeer(scale.end(), workDir, peerThreads, featuresJobSeconds, peerResults);
      results.put("peer", peerResults);
    }
    results.put("finished_at", Instant.now().toString());
    return new Outcome(results, comparison);
  }

  private Map<String, Object> loadRaw(BenchScale scale) {
    long started = System.nanoTime();
    Simulation simulation = Simulation.generate(scale.sandboxOptions());
    double generated = Rates.seconds(System.nanoTime() - started);
    Map<String, Long> rows = new RawTableLoader(spark, tables, simulation, config.runId())
        .loadAll(scale.start(), scale.end());
    Map<String, Object> raw = new LinkedHashMap<>();
    raw.put("simulation_seconds", generated);
    raw.put("load_seconds", Rates.seconds(System.nanoTime() - started) - generated);
    raw.put("events", rows.entrySet().stream().filter(e -> e.getKey().endsWith("_events"))
        .mapToLong(Map.Entry::getValue).sum());
    raw.put("wallets_in_simulation", simulation.wallets().size());
    raw.put("rows", rows);
    System.out.printf("raw: %,d events, %,d position snapshot rows (generated in %.1f s, written in %.1f s)%n",
        raw.get("events"), rows.get("raw.the_graph_historical_account_positions"), generated, raw.get("load_seconds"));
    return raw;
  }

  /**
   * A stage's figures are the sums of its jobs' (time, rows, files and bytes) and the highest of
   * their heap peaks. Each job is measured on its own and saved to {@code progress} when it
   * finishes, so a resumed run reuses the jobs an earlier process finished.
   */
  private Map<String, Object> runStage(Stage stage, HeapSampler heap, BenchProgress progress) throws Exception {
    Map<String, Object> jobs = new LinkedHashMap<>();
    MeasurementSum sum = new MeasurementSum();
    String failure = null;
    List<String> notRegistered = new ArrayList<>();
    for (String job : stage.jobs()) {
      if (!registry.has(job)) {
        // a catalog job nobody has built yet: say so in the results rather than fail the run
        notRegistered.add(job);
        continue;
      }
      Map<String, Object> measured = progress.job(job);
      if (measured == null) {
        progress.recordJob(job, runJob(job, heap));
        measured = progress.job(job);
      }
      jobs.put(job, measured);
      sum.add(measured);
      if (measured.containsKey("failed")) {
        failure = (String) measured.get("failed");
      }
    }
    Map<String, Object> m = sum.measurement(stage.name());
    m.put("jobs", jobs);
    if (!notRegistered.isEmpty()) {
      m.put("jobs_not_registered", notRegistered);
      System.out.println("stage " + stage.name() + ": jobs in the catalog but not registered, skipped: " + notRegistered);
    }
    if (failure != null) {
      m.put("failed", failure);
    }
    return m;
  }

  private Map<String, Object> runJob(String job, HeapSampler heap) throws Exception {
    List<String> written = TableCatalog.get().job(job).writes();
    TableFootprint before = footprint(written);
    long rowsIn = 0;
    long rowsOut = 0;
    String failure = null;
    heap.reset();
    long started = System.nanoTime();
    try {
      JobReport report = runner.run(job, config, spark, secrets);
      rowsIn = report.rowsRead();
      rowsOut = report.rowsWritten();
    } catch (DataQualityGateFailed e) {
      // the gate failing is a finding to report, not a reason to lose the run's figures
      failure = e.getMessage();
    }
    long nanos = System.nanoTime() - started;
    Map<String, Object> m = measurement(job, nanos, rowsIn, rowsOut, heap.peakBytes(), footprint(written).minus(before));
    if (failure != null) {
      m.put("failed", failure);
    }
    System.out.printf("%s: %.1f s, %,d rows in, %,d rows out%n", job, Rates.seconds(nanos), rowsIn, rowsOut);
    return m;
  }

  /** Figures added up: times, rows, files and bytes summed, the highest heap peak. */
  private static final class MeasurementSum {
    private long nanos;
    private long rowsIn;
    private long rowsOut;
    private long peak;
    private TableFootprint written = TableFootprint.NONE;

    void add(Map<String, Object> measured) {
      nanos += (long) measured.get("nanos");
      rowsIn += (long) measured.get("rows_in");
      rowsOut += (long) measured.get("rows_out");
      peak = Math.max(peak, (long) measured.get("peak_heap_bytes"));
      written = written.plus(new TableFootprint((long) measured.get("files_written"),
          (long) measured.get("bytes_written")));
    }

    Map<String, Object> measurement(String name) {
      return PipelineBenchmark.measurement(name, nanos, rowsIn, rowsOut, peak, written);
    }
  }

  private static Map<String, Object> measurement(String name, long nanos, long rowsIn, long rowsOut, long peakHeap,
                                                 TableFootprint written) {
    double s = Rates.seconds(nanos);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("nanos", nanos);
    m.put("seconds", s);
    m.put("rows_in", rowsIn);
    m.put("rows_out", rowsOut);
    m.put("rows_in_per_second", Rates.per(rowsIn, s));
    m.put("rows_out_per_second", Rates.per(rowsOut, s));
    m.put("peak_heap_bytes", peakHeap);
    m.put("files_written", written.files());
    m.put("bytes_written", written.bytes());
    return m;
  }

  private TableFootprint footprint(List<String> tableIds) {
    TableFootprint sum = TableFootprint.NONE;
    for (String id : tableIds) {
      sum = sum.plus(TableFootprint.of(tables.location(TableCatalog.get().table(id))));
    }
    return sum;
  }

  /**
   * Exports the analytics inputs to Parquet (untimed), times DuckDB's feature query and Spark's
   * {@link WalletFeatures} over the same files (best of {@link #PEER_RUNS} runs each), and compares
   * DuckDB's features with the feature job's partition of {@code asOf}, which must be written.
   */
  FeatureComparison.Result runPeer(LocalDate asOf, Path workDir, int threads, double featuresJobSeconds,
                                           Map<String, Object> out) throws Exception {
    Path export = workDir.resolve("export");
    long started = System.nanoTime();
    ParquetExport.write(spark, tables, export);
    out.put("export_seconds", Rates.seconds(System.nanoTime() - started));
    out.put("threads", threads);

    Path duckOut = workDir.resolve("duckdb-features.parquet");
    FeatureComparison.Result comparison;
    try (Connection duck = DuckDbFeatures.open(threads)) {
      out.put("engine", "duckdb " + duck.getMetaData().getDatabaseProductVersion());
      // Best of PEER_RUNS for both engines: the feature job's figure is a warm one too, and DuckDB's
      // cold first run (file metadata, page cache) took up to ~1.4x its best at L's volume.
      TimedRuns<Long> duckRuns = TimedRuns.of(PEER_RUNS, () -> {
        Files.deleteIfExists(duckOut);
        return DuckDbFeatures.writeParquet(duck, export, asOf, duckOut);
      });
      out.put("duckdb_runs_seconds", duckRuns.seconds());
      out.put("duckdb_seconds", duckRuns.best());
      out.put("wallets", duckRuns.lastResult());

      TimedRuns<Void> sparkRuns = TimedRuns.of(PEER_RUNS, () -> {
        ParquetExport.sparkFeatures(spark, export, asOf).write().mode("overwrite")
            .parquet(workDir.resolve("spark-features").toString());
        return null;
      });
      out.put("spark_same_input_runs_seconds", sparkRuns.seconds());
      out.put("spark_same_input_seconds", sparkRuns.best());
      out.put("features_job_seconds", featuresJobSeconds);
      out.put("ratio_features_job_to_duckdb", featuresJobSeconds / duckRuns.best());
      out.put("ratio_spark_same_input_to_duckdb", sparkRuns.best() / duckRuns.best());

      Dataset<Row> sparkFeatures = tables.read(tables.catalog().table("analytics.wallet_features"))
          .where("as_of_date = DATE'" + asOf + "'");
      comparison = FeatureComparison.compare(FeatureComparison.fromSpark(sparkFeatures),
          FeatureComparison.fromDuckDb(duck, "SELECT * FROM read_parquet('" + duckOut.toAbsolutePath() + "')"));
    }
    out.put("identical", comparison.identical());
    out.put("mismatches", comparison.mismatches());
    out.put("mismatch_examples", comparison.examples());
    out.put("comparison", comparison.describe());
    return comparison;
  }

  private Map<String, Object> sparkFacts() {
    Map<String, Object> facts = new LinkedHashMap<>();
    facts.put("master", spark.sparkContext().master());
    facts.put("default_parallelism", spark.sparkContext().defaultParallelism());
    facts.put("shuffle_partitions", spark.conf().get("spark.sql.shuffle.partitions"));
    facts.put("adaptive", spark.conf().get("spark.sql.adaptive.enabled"));
    return facts;
  }

  /** The five event tables (or their jobs, named alike) of {@code layer}. */
  static List<String> eventJobs(String layer) {
    return EVENT_KINDS.stream().map(k -> layer + ".transpose_" + k + "_events").toList();
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return List.copyOf(all);
  }

  // ---- command line -------------------------------------------------------------------------

  public static void main(String[] args) throws Exception {
    String size = null;
    boolean peer = true;
    boolean rawOnly = false;
    boolean resume = false;
    Integer wallets = null;
    Integer days = null;
    Path root = null;
    Path outDir = Path.of("bench-results");
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--skip-peer" -> peer = false;
        case "--raw-only" -> rawOnly = true;
        case "--resume" -> resume = true;
        case "--wallets" -> wallets = Integer.parseInt(args[++i]);
        case "--days" -> days = Integer.parseInt(args[++i]);
        case "--root" -> root = Path.of(args[++i]);
        case "--out" -> outDir = Path.of(args[++i]);
        case "--option" -> {
          String[] kv = args[++i].split("=", 2);
          options.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        default -> {
          if (size != null || args[i].startsWith("-")) {
            throw new IllegalArgumentException("usage: PipelineBenchmark S|M|L [--skip-peer] [--raw-only | --resume] [--wallets N]"
                + " [--days N] [--root DIR] [--out DIR] [--option k=v]...; unexpected argument '" + args[i] + "'");
          }
          size = args[i];
        }
      }
    }
    BenchScale scale = BenchScale.of(size == null ? "S" : size).resized(wallets, days);
    root = (root == null ? Path.of("local", "target", "bench-lakehouse", scale.name()) : root).toAbsolutePath();
    BenchProgress progress;
    if (resume) {
      progress = BenchProgress.resume(root, scale);
    } else {
      BenchRoot.fresh(root);
      progress = BenchProgress.start(root, scale);
    }
    options.putIfAbsent("spark.master", "local[*]");
    String runId = "bench-" + scale.name() + "-" + Instant.now().getEpochSecond();
    RunConfig config = new RunConfig(Env.LOCAL, root.resolve("lakehouse").toString(),
        Interval.of(scale.start(), scale.end()), options, runId);
    SparkSession spark = SparkSessions.forRun(config);
    try {
      Outcome outcome = new PipelineBenchmark(spark, config).run(scale, progress, rawOnly, root.resolve("peer"), peer,
          Runtime.getRuntime().availableProcessors());
      if (rawOnly) {
        System.out.println("raw tables written under " + root + "; time the stages with the same arguments and --resume");
        return;
      }
      System.out.println(ResultsTable.render(outcome.results()));
      Path file = writeJson(outcome.results(), outDir, scale.name());
      System.out.println("results: " + file);
      if (outcome.comparison() != null && !outcome.comparison().identical()) {
        System.err.println("FEATURES DIFFER between Spark and DuckDB: " + outcome.comparison().describe());
        System.exit(2);
      }
    } finally {
      spark.stop();
    }
  }

  static Path writeJson(Map<String, Object> results, Path outDir, String size) throws IOException {
    Files.createDirectories(outDir);
    String stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").format(Instant.now().atZone(ZoneOffset.UTC));
    Path file = outDir.resolve(size + "-" + stamp + ".json");
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), results);
    return file;
  }
}
