package dev.defilakehouse.local.bench;

import dev.defilakehouse.common.catalog.JobSpec;
import dev.defilakehouse.common.catalog.TableCatalog;
import dev.defilakehouse.common.config.Env;
import dev.defilakehouse.common.config.Interval;
import dev.defilakehouse.common.config.RunConfig;
import dev.defilakehouse.common.config.Secrets;
import dev.defilakehouse.common.job.JobReport;
import dev.defilakehouse.common.source.HttpSettings;
import dev.defilakehouse.common.source.SourceClients;
import dev.defilakehouse.common.spark.SparkSessions;
import dev.defilakehouse.jobs.JobRegistry;
import dev.defilakehouse.jobs.JobRunner;
import dev.defilakehouse.local.SandboxSources;
import dev.defilakehouse.sandbox.EndpointFaults;
import dev.defilakehouse.sandbox.Sandbox;
import dev.defilakehouse.sandbox.SandboxOptions;
import dev.defilakehouse.sandbox.Simulation;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The HTTP ingestion benchmark (issue 9, BENCHMARKS.md "HTTP ingestion"): the raw jobs through
 * {@link JobRunner} against an in-process sandbox whose two endpoints add a fixed latency to every
 * response and answer 429 + Retry-After above a rate limit, with the client's
 * {@code http.rate_limit_per_second} set to that same limit. Measures per job and per source the
 * requests the server saw, the 429s, the client's retries, the failures left unretried (must be
 * 0), rows, and the share of the rate limit achieved.
 *
 * <p>{@code IngestionBenchmark [--rate R] [--latency-ms L] [--wallets N] [--days N] [--fault-share F]
 * [--page-size P] [--concurrency C] [--day-slices N] [--id-slices N] [--root DIR] [--out DIR] [--option k=v]...}
 */
public final class IngestionBenchmark {
  static final LocalDate START = LocalDate.of(2024, 1, 1);

  /** What to run: the sandbox's size and limits, and the client's page size and concurrency. */
  public record Setup(int wallets, int days, double rateLimit, long latencyMillis, double faultShare, int pageSize,
                      int concurrency, int daySlices, int idSlices, long seed) {
    /** The name of the results file: {@code ingest-<rate>rps-<latency>ms-<wallets>w-<days>d}. */
    String name() {
      return String.format("ingest-%drps-%dms-%dw-%dd", Math.round(rateLimit), latencyMillis, wallets, days);
    }

    LocalDate end() {
      return START.plusDays(days);
    }

    /** Requests a client must keep in flight to reach the limit at this latency: rate × latency, at least 1. */
    double requestsInFlightNeeded() {
      return Math.max(1.0, rateLimit * latencyMillis / 1000.0);
    }
  }

  private final SparkSession spark;
  private final JobRunner runner = new JobRunner(JobRegistry.standard());

  public IngestionBenchmark(SparkSession spark) {
    this.spark = spark;
  }

  /**
   * Runs every raw job for {@code setup.days()} days into {@code lakehouseRoot}; {@code options}
   * go to the jobs after the benchmark's own (so they can override page sizes and http.*).
   */
  public Map<String, Object> run(Setup setup, String lakehouseRoot, Map<String, String> options) throws Exception {
    Map<String, Object> results = new LinkedHashMap<>();
    results.put("benchmark", "ingestion");
    results.put("name", setup.name());
    results.put("started_at", Instant.now().toString());
    results.put("setup", setupFacts(setup));
    results.put("machine", MachineFacts.collect());
    results.put("load_average_at_start", loadAverage());

    // the sandbox covers the interval plus its end day, whose first block is the last snapshot
    SandboxOptions sandboxOptions = SandboxOptions.builder().seed(setup.seed()).wallets(setup.wallets())
        .days(setup.days() + 1).startDate(START)
        .subgraphRateLimit(setup.rateLimit()).transposeRateLimit(setup.rateLimit()).build();
    long generationStarted = System.nanoTime();
    Simulation simulation = Simulation.generate(sandboxOptions);
    results.put("simulation_seconds", Rates.seconds(System.nanoTime() - generationStarted));

    try (Sandbox sandbox = Sandbox.start(simulation);
         EndpointActivity subgraph = new EndpointActivity("subgraph", () -> sandbox.faults().subgraph().requests());
         EndpointActivity transpose = new EndpointActivity("transpose", () -> sandbox.faults().transpose().requests());
         HeapSampler heap = new HeapSampler()) {
      for (EndpointFaults endpoint : List.of(sandbox.faults().subgraph(), sandbox.faults().transpose())) {
        endpoint.latency(Duration.ofMillis(setup.latencyMillis()));
        if (setup.faultShare() > 0) {
          endpoint.errorShare(setup.faultShare(), 500, 502, 503);
        }
      }
      RunConfig config = new RunConfig(Env.LOCAL, lakehouseRoot, Interval.of(START, setup.end()),
          jobOptions(sandbox, setup, options), "bench-ingest-" + Instant.now().getEpochSecond());
      results.put("client", clientFacts(config));
      Secrets secrets = SandboxSources.secrets(sandbox);
      Map<String, EndpointActivity> activity = Map.of("the_graph", subgraph, "transpose", transpose);

      List<Map<String, Object>> jobs = new ArrayList<>();
      long rows = 0;
      heap.reset();
      long started = System.nanoTime();
      long failedJobs = 0;
      for (String job : rawJobs()) {
        try {
          jobs.add(runJob(job, config, secrets, setup, activity));
          rows += (long) jobs.get(jobs.size() - 1).get("rows");
        } catch (Exception e) {
          // a request failed for good (attempts exhausted) or the job broke: a finding, and the jobs after
          // it need its table, so the run stops here with the figures so far
          failedJobs++;
          results.put("failed", job + ": " + e.getMessage());
          System.err.println("job " + job + " FAILED: " + e.getMessage());
          break;
        }
      }
      double wall = Rates.seconds(System.nanoTime() - started);
      results.put("jobs", jobs);
      results.put("sources", sourceTotals(jobs, setup));
      Map<String, Object> total = new LinkedHashMap<>();
      total.put("seconds", wall);
      total.put("rows", rows);
      total.put("rows_per_second", Rates.per(rows, wall));
      total.put("peak_heap_bytes", heap.peakBytes());
      total.put("events_expected", expectedEvents(simulation, setup));
      total.put("events_ingested", jobs.stream().filter(j -> ((String) j.get("job")).endsWith("_events"))
          .mapToLong(j -> (long) j.get("rows")).sum());
      total.put("positions_expected", expectedOpenPositions(simulation, setup));
      total.put("positions_ingested", jobs.stream()
          .filter(j -> j.get("job").equals("raw.the_graph_historical_account_positions"))
          .mapToLong(j -> (long) j.get("rows")).sum());
      total.put("unretried_failures", jobs.stream().mapToLong(j -> (long) j.get("unretried_failures")).sum());
      total.put("failed_jobs", failedJobs);
      results.put("total", total);
    }
    results.put("load_average_at_end", loadAverage());
    results.put("finished_at", Instant.now().toString());
    return results;
  }

  private Map<String, Object> runJob(String job, RunConfig config, Secrets secrets, Setup setup,
                                     Map<String, EndpointActivity> activity) throws Exception {
    String source = job.startsWith("raw.the_graph") ? "the_graph" : "transpose";
    EndpointActivity endpoint = activity.get(source);
    endpoint.reset();
    long started = System.nanoTime();
    JobReport report = runner.run(job, config, spark, secrets);
    double wall = Rates.seconds(System.nanoTime() - started);
    Map<String, Object> metrics = report.metrics();
    long attempts = ((Number) metrics.getOrDefault(source + "_requests", 0L)).longValue();
    long retries = ((Number) metrics.getOrDefault(source + "_retries", 0L)).longValue();
    Map<String, Long> faults = faults(String.valueOf(metrics.getOrDefault(source + "_faults", "none")));
    // every failed attempt is either retried or ends the job; truncated pages are re-asked, not failed attempts
    long failedAttempts = faults.entrySet().stream().filter(e -> !e.getKey().equals("truncated_page"))
        .mapToLong(Map.Entry::getValue).sum();
    long rateLimited = faults.getOrDefault("http_429", 0L);
    long seen = endpoint.requests();
    long admitted = seen - rateLimited;
    double window = endpoint.windowSeconds();
    double idle = endpoint.idleSeconds();

    Map<String, Object> m = new LinkedHashMap<>();
    m.put("job", job);
    m.put("source", source);
    m.put("seconds", wall);
    m.put("rows", report.rowsWritten());
    m.put("rows_per_second", Rates.per(report.rowsWritten(), wall));
    m.put("pages", ((Number) metrics.getOrDefault("pages", attempts)).longValue());
    m.put("requests_sent", attempts);
    m.put("requests_seen_by_server", seen);
    m.put("requests_admitted", admitted);
    m.put("http_429", rateLimited);
    m.put("retries", retries);
    m.put("faults", faults);
    m.put("unretried_failures", Math.max(0, failedAttempts - retries));
    m.put("fetch_window_seconds", window);
    m.put("admitted_per_second_in_window", Rates.per(admitted, window));
    m.put("admitted_per_second_wall", Rates.per(admitted, wall));
    m.put("share_of_limit_in_window", admitted / admissible(setup.rateLimit(), window));
    m.put("idle_seconds_in_window", idle);
    m.put("share_of_limit_busy", admitted / admissible(setup.rateLimit(), window - idle));
    m.put("rate_bound", rateBound(admitted, setup.rateLimit(), window, idle));
    System.out.printf("%-45s %6.1f s %6d requests (%d admitted, %d x 429, %d retries) in a %.1f s window (%.1f s"
            + " idle): %.1f/s, %.0f%% of the limit; %d rows%n", job, wall, seen, admitted, rateLimited, retries, window,
        idle,
        Rates.per(admitted, window), 100 * (double) m.get("share_of_limit_in_window"), report.rowsWritten());
    return m;
  }

  /**
   * The most requests a limiter of {@code rate}/s (bucket of one second's worth, full at the
   * start) admits in {@code window} seconds: the denominator of the share, so a job's first burst
   * does not count as beating the limit.
   */
  static double admissible(double rate, double window) {
    return Math.max(1.0, rate) + rate * window;
  }

  /**
   * Whether the rate limit is what bounds a job: at least {@value #RATE_BOUND_SECONDS} s of requests
   * at the limit, and the endpoint idle (no request for over 250 ms: nothing in flight, the job
   * waiting on its Delta commits) for at most a quarter of the window. Otherwise the window is set
   * by the job's start burst or its commits, not by how well the client uses the limit.
   */
  static boolean rateBound(long admitted, double rate, double window, double idle) {
    return rate > 0 && admitted >= RATE_BOUND_SECONDS * rate && idle <= 0.25 * window;
  }

  static final int RATE_BOUND_SECONDS = 5;

  /** Per source: every job of it, and (under {@code rate_bound_jobs}) only the rate-bound ones. */
  private static Map<String, Object> sourceTotals(List<Map<String, Object>> jobs, Setup setup) {
    Map<String, Object> sources = new LinkedHashMap<>();
    for (String source : List.of("transpose", "the_graph")) {
      List<Map<String, Object>> of = jobs.stream().filter(j -> j.get("source").equals(source)).toList();
      Map<String, Object> s = aggregate(of, setup);
      s.put("rate_bound_jobs", aggregate(of.stream().filter(j -> (boolean) j.get("rate_bound")).toList(), setup));
      sources.put(source, s);
    }
    return sources;
  }

  private static Map<String, Object> aggregate(List<Map<String, Object>> jobs, Setup setup) {
    long seen = 0;
    long admitted = 0;
    long rateLimited = 0;
    long retries = 0;
    long unretried = 0;
    long rows = 0;
    double window = 0;
    double admissible = 0;
    double wall = 0;
    for (Map<String, Object> j : jobs) {
      seen += (long) j.get("requests_seen_by_server");
      admitted += (long) j.get("requests_admitted");
      rateLimited += (long) j.get("http_429");
      retries += (long) j.get("retries");
      unretried += (long) j.get("unretried_failures");
      rows += (long) j.get("rows");
      window += (double) j.get("fetch_window_seconds");
      admissible += admissible(setup.rateLimit(), (double) j.get("fetch_window_seconds"));
      wall += (double) j.get("seconds");
    }
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("jobs", jobs.stream().map(j -> j.get("job")).toList());
    s.put("rate_limit_per_second", setup.rateLimit());
    s.put("requests_seen_by_server", seen);
    s.put("requests_admitted", admitted);
    s.put("http_429", rateLimited);
    s.put("retries", retries);
    s.put("unretried_failures", unretried);
    s.put("rows", rows);
    s.put("job_seconds", wall);
    s.put("fetch_window_seconds", window);
    s.put("admitted_per_second_in_window", Rates.per(admitted, window));
    s.put("share_of_limit_in_window", Rates.per(admitted, admissible));
    s.put("admitted_per_second_wall", Rates.per(admitted, wall));
    s.put("share_of_limit_wall", Rates.per(admitted, setup.rateLimit() * wall));
    return s;
  }

  /** {@code reason:count,...} or {@code none}, as {@code SourceStats.publish} writes it. */
  static Map<String, Long> faults(String text) {
    Map<String, Long> faults = new LinkedHashMap<>();
    if (text.isBlank() || text.equals("none")) {
      return faults;
    }
    for (String part : text.split(",")) {
      String[] kv = part.split(":", 2);
      faults.put(kv[0], Long.parseLong(kv[1]));
    }
    return faults;
  }

  /** The raw jobs in the catalog's dependency order (daily blocks before the snapshots that need them). */
  static List<String> rawJobs() {
    return TableCatalog.get().jobsInDependencyOrder().stream().map(JobSpec::name)
        .filter(n -> n.startsWith("raw.")).toList();
  }

  private static Map<String, String> jobOptions(Sandbox sandbox, Setup setup, Map<String, String> extra) {
    Map<String, String> options = new LinkedHashMap<>(SandboxSources.jobOptions(sandbox));
    options.put(HttpSettings.RATE_LIMIT_PER_SECOND, Double.toString(setup.rateLimit()));
    options.put(HttpSettings.MAX_CONCURRENCY, Integer.toString(setup.concurrency()));
    options.put(SourceClients.TRANSPOSE_PAGE_SIZE, Integer.toString(setup.pageSize()));
    options.put(SourceClients.SUBGRAPH_PAGE_SIZE, Integer.toString(setup.pageSize()));
    options.put(SourceClients.TRANSPOSE_DAY_SLICES, Integer.toString(setup.daySlices()));
    options.put(SourceClients.SUBGRAPH_ID_SLICES, Integer.toString(setup.idSlices()));
    options.putAll(extra);
    return options;
  }

  private static long expectedEvents(Simulation simulation, Setup setup) {
    long from = Interval.startOfDay(START).getEpochSecond();
    long to = Interval.startOfDay(setup.end()).getEpochSecond();
    return simulation.events().stream().filter(e -> e.timestampSecond() >= from && e.timestampSecond() < to).count();
  }

  /** Open positions (balance not 0, as the raw job asks) of every protocol at every snapshot date's first block. */
  private static long expectedOpenPositions(Simulation simulation, Setup setup) {
    long n = 0;
    for (LocalDate d = START.plusDays(1); !d.isAfter(setup.end()); d = d.plusDays(1)) {
      long block = simulation.firstBlockOfDay(d);
      for (String protocol : simulation.protocols()) {
        n += simulation.positionsAt(protocol, block).stream().filter(p -> p.balance().signum() != 0).count();
      }
    }
    return n;
  }

  private static Map<String, Object> setupFacts(Setup setup) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("wallets", setup.wallets());
    s.put("days", setup.days());
    s.put("start", START.toString());
    s.put("end", setup.end().toString());
    s.put("seed", setup.seed());
    s.put("rate_limit_per_second", setup.rateLimit());
    s.put("latency_ms", setup.latencyMillis());
    s.put("fault_share", setup.faultShare());
    s.put("page_size", setup.pageSize());
    s.put("requests_in_flight_needed", setup.requestsInFlightNeeded());
    return s;
  }

  private static Map<String, Object> clientFacts(RunConfig config) {
    HttpSettings http = HttpSettings.from(config);
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("rate_limit_per_second", http.rateLimitPerSecond());
    c.put("max_concurrency", http.maxConcurrency());
    c.put("max_attempts", http.maxAttempts());
    c.put("initial_backoff_ms", http.initialBackoff().toMillis());
    c.put("max_backoff_ms", http.maxBackoff().toMillis());
    c.put("transpose_page_size", config.intOption(SourceClients.TRANSPOSE_PAGE_SIZE, 1000));
    c.put("subgraph_page_size", config.intOption(SourceClients.SUBGRAPH_PAGE_SIZE, 1000));
    c.put("transpose_day_slices", config.intOption(SourceClients.TRANSPOSE_DAY_SLICES, 1));
    c.put("subgraph_id_slices", config.intOption(SourceClients.SUBGRAPH_ID_SLICES, 1));
    return c;
  }

  private static String loadAverage() {
    try {
      return java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (Exception e) {
      return "unknown";
    }
  }

  // ---- command line -------------------------------------------------------------------------

  static final String USAGE = "usage: IngestionBenchmark [--rate R] [--latency-ms L] [--wallets N] [--days N]"
      + " [--fault-share F] [--page-size P] [--concurrency C] [--day-slices N] [--id-slices N] [--root DIR]"
      + " [--out DIR] [--option k=v]...";

  public static void main(String[] args) throws Exception {
    double rate = 20;
    long latency = 50;
    int wallets = 300;
    int days = 7;
    double faultShare = 0;
    int pageSize = 10;
    Integer concurrency = null;
    int daySlices = 1;
    int idSlices = 1;
    Path root = null;
    Path outDir = Path.of("bench-results");
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--rate" -> rate = Double.parseDouble(value);
        case "--latency-ms" -> latency = Long.parseLong(value);
        case "--wallets" -> wallets = Integer.parseInt(value);
        case "--days" -> days = Integer.parseInt(value);
        case "--fault-share" -> faultShare = Double.parseDouble(value);
        case "--page-size" -> pageSize = Integer.parseInt(value);
        case "--concurrency" -> concurrency = Integer.parseInt(value);
        case "--day-slices" -> daySlices = Integer.parseInt(value);
        case "--id-slices" -> idSlices = Integer.parseInt(value);
        case "--root" -> root = Path.of(value);
        case "--out" -> outDir = Path.of(value);
        case "--option" -> {
          String[] kv = value.split("=", 2);
          options.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        default -> throw new IllegalArgumentException(USAGE + "; unexpected argument '" + args[i] + "'");
      }
      i++;
    }
    // three times the requests in flight the limit needs at the configured latency: on the shared
    // 2-core machine a page took 1.6-2x the latency (sandbox SQL, JSON, Spark commits on the same
    // cores); the client's default of 4 at least
    int c = concurrency != null ? concurrency
        : Math.max(4, (int) Math.ceil(3 * Math.max(1.0, rate * latency / 1000.0)));
    Setup setup = new Setup(wallets, days, rate, latency, faultShare, pageSize, c, daySlices, idSlices, 42);
    root = (root == null ? Path.of("local", "target", "bench-lakehouse", setup.name()) : root).toAbsolutePath();
    BenchRoot.fresh(root);
    options.putIfAbsent("spark.master", "local[*]");
    RunConfig sessionConfig = new RunConfig(Env.LOCAL, root.resolve("lakehouse").toString(),
        Interval.of(START, setup.end()), options, "bench-ingest");
    SparkSession spark = SparkSessions.forRun(sessionConfig);
    try {
      Map<String, Object> results = new IngestionBenchmark(spark).run(setup, sessionConfig.lakehouseRoot(), options);
      System.out.println(IngestionTable.render(results));
      Path file = PipelineBenchmark.writeJson(results, outDir, setup.name());
      System.out.println("results: " + file);
      Map<?, ?> total = (Map<?, ?>) results.get("total");
      if ((long) total.get("unretried_failures") > 0 || (long) total.get("failed_jobs") > 0) {
        System.err.println("FAILED REQUESTS LEFT UNRETRIED OR A JOB FAILED: see " + file);
        System.exit(2);
      }
    } finally {
      spark.stop();
    }
  }
}
