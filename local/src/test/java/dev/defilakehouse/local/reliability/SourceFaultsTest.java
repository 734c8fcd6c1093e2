package dev.defilakehouse.local.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.defilakehouse.common.catalog.JobSpec;
import dev.defilakehouse.common.catalog.TableCatalog;
import dev.defilakehouse.common.catalog.TableSpec;
import dev.defilakehouse.common.config.Env;
import dev.defilakehouse.common.config.Interval;
import dev.defilakehouse.common.config.RunConfig;
import dev.defilakehouse.common.delta.LakehouseTables;
import dev.defilakehouse.common.job.JobReport;
import dev.defilakehouse.common.source.SubgraphClient;
import dev.defilakehouse.common.source.TransposeClient;
import dev.defilakehouse.common.testing.CapturedLogs;
import dev.defilakehouse.common.testing.SparkTestSession;
import dev.defilakehouse.jobs.JobRegistry;
import dev.defilakehouse.jobs.JobRunner;
import dev.defilakehouse.local.SandboxSources;
import dev.defilakehouse.sandbox.EndpointFaults;
import dev.defilakehouse.sandbox.FaultInjector;
import dev.defilakehouse.sandbox.Sandbox;
import dev.defilakehouse.sandbox.SandboxOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, source faults: every raw job over a three-day interval while the sandbox injects 429s
 * (with Retry-After), 5xx, dropped connections, slow responses, cut JSON bodies and GraphQL errors.
 * Retried faults must leave exactly the fault-free tables, with the faults counted in the job
 * summaries; faults that cannot be retried must fail the job clearly without a partial day.
 */
class SourceFaultsTest {
  private static final String AREA = "source faults";
  private static final LocalDate START = LocalDate.parse("2024-01-01");
  private static final LocalDate END = LocalDate.parse("2024-01-03");
  /** Small pages: many requests per day, so a fault share means many faults. */
  private static final Map<String, String> SMALL_PAGES = Map.of("subgraph.page_size", "2", "transpose.page_size", "1");
  /** A slow response takes longer than the read timeout, so the client gives up and retries. */
  private static final Map<String, String> TIMEOUTS = Map.of("http.read_timeout_ms", "2500", "http.max_attempts", "12");
  private static final Duration SLOW = Duration.ofMillis(5000);

  private static SparkSession spark;
  private static Sandbox sandbox;
  private static Path cleanRoot;
  private static Map<String, String> cleanChecksums;
  private static Map<String, Map<String, String>> cleanDays;

  @BeforeAll
  static void ingestWithoutFaults() throws Exception {
    spark = SparkTestSession.get();
    sandbox = Sandbox.start(SandboxOptions.builder().seed(23).wallets(40).markets(3).startDate(START).days(3).build());
    cleanRoot = Files.createTempDirectory("faults-clean");
    runRawJobs(cleanRoot, "clean", Map.of());
    cleanChecksums = checksums(cleanRoot);
    cleanDays = new TreeMap<>();
    for (String kind : List.of("deposit", "borrow")) {
      String table = "raw.transpose_" + kind + "_events";
      // Without the request text: it names the page size, which the failure test changes.
      cleanDays.put(table, LakehouseChecksums.byPartition(tables(cleanRoot).read(TableCatalog.get().table(table))
          .drop("request"), "block_date"));
    }
  }

  @AfterAll
  static void stopSandbox() {
    if (sandbox != null) {
      sandbox.close();
    }
  }

  /** Also clears the counters, so each test sees only its own requests. */
  @BeforeEach
  void clearFaults() {
    sandbox.faults().reset();
  }

  @Test
  void retriedFaultsLeaveExactlyTheFaultFreeRawTablesAndAreCountedInTheSummaries(@TempDir Path root) throws Exception {
    EndpointFaults subgraph = sandbox.faults().subgraph();
    subgraph.errorShare(0.10, 429, 500, 502, 503).dropShare(0.05).malformedShare(0.05).graphqlErrorShare(0.05)
        .slowShare(0.02, SLOW).retryAfterSeconds(1).failNext(2, 429);
    // Transpose has no GraphQL: its 200s carry no errors array, so that kind is the subgraph's only.
    sandbox.faults().transpose().errorShare(0.10, 429, 500, 503).dropShare(0.05).malformedShare(0.05)
        .slowShare(0.02, SLOW).retryAfterSeconds(1).failNext(2, 429); // the first two: 429 with Retry-After: 1

    Map<String, JobReport> reports;
    List<String> retryLines;
    try (CapturedLogs logs = CapturedLogs.start()) {
      reports = runRawJobs(root, "faulty", TIMEOUTS);
      retryLines = logs.text().lines().filter(l -> l.contains("failed: HTTP 429")).toList();
    }
    // Every 429 came with Retry-After: 1, and the client waited exactly that instead of its backoff.
    long honoured = retryLines.stream().filter(l -> l.contains("retrying in 1000 ms")).count();
    ReliabilityLog.record(new ReliabilityLog.Case(AREA, "429 with Retry-After: 1 during the raw jobs",
        retryLines.size() + " x http_429", honoured + " of " + retryLines.size() + " retries waited the 1000 ms asked",
        0, honoured == retryLines.size() && honoured >= 4));
    assertTrue(retryLines.size() >= 4, "429s were answered: " + retryLines);
    assertEquals(retryLines.size(), honoured, "each 429's retry waits the Retry-After: " + retryLines);

    // The sandbox's endpoint names and the clients' source names (their metric prefixes).
    Map<String, String> sources = Map.of(FaultInjector.SUBGRAPH, SubgraphClient.SOURCE,
        FaultInjector.TRANSPOSE, TransposeClient.SOURCE);
    for (String endpointName : List.of(FaultInjector.SUBGRAPH, FaultInjector.TRANSPOSE)) {
      EndpointFaults endpoint = sandbox.faults().endpoint(endpointName);
      String source = sources.get(endpointName);
      Map<String, Long> injected = asClientReasons(endpoint.injectedByKind());
      Map<String, Long> seen = new TreeMap<>();
      long faultsSeen = 0;
      long retries = 0;
      long requests = 0;
      for (JobReport report : reports.values()) {
        Map<String, Object> m = report.metrics();
        if (!m.containsKey(source + "_faults")) {
          continue;
        }
        parseReasons((String) m.get(source + "_faults")).forEach((k, v) -> seen.merge(k, v, Long::sum));
        faultsSeen += ((Number) m.get(source + "_faults_seen")).longValue();
        retries += ((Number) m.get(source + "_retries")).longValue();
        requests += ((Number) m.get(source + "_requests")).longValue();
      }
      boolean countsAgree = injected.equals(seen) && faultsSeen == endpoint.injected() && retries == faultsSeen
          && requests == endpoint.requests();
      ReliabilityLog.record(new ReliabilityLog.Case(AREA, "all raw jobs, 3 days, " + source + " faults retried",
          describe(injected) + " in " + endpoint.requests() + " requests",
          "summaries: faults_seen=" + faultsSeen + " retries=" + retries + " (" + describe(seen) + "), "
              + (countsAgree ? "equal to the injected" : "NOT the injected"), 0, countsAgree));
      assertTrue(endpoint.injected() >= 8 && injected.containsKey("http_429") && injected.size() >= 4,
          source + " got enough faults of enough kinds to mean something: " + injected);
      assertEquals(injected, seen, source + ": the summaries count every fault the sandbox injected, by kind");
      assertEquals(endpoint.injected(), faultsSeen, source + "_faults_seen");
      assertEquals(faultsSeen, retries, source + ": every fault was retried (the run succeeded)");
      assertEquals(endpoint.requests(), requests, source + "_requests: one per request the sandbox saw");
    }
    assertTrue(sandbox.faults().subgraph().injectedByKind().containsKey("graphql_error"), "a GraphQL error was injected");

    Map<String, String> faulty = checksums(root);
    long lost = 0;
    for (Map.Entry<String, String> e : cleanChecksums.entrySet()) {
      if (!e.getValue().equals(faulty.get(e.getKey()))) {
        lost++;
      }
    }
    ReliabilityLog.record(new ReliabilityLog.Case(AREA, "all raw jobs under faults: tables equal the fault-free run",
        "both endpoints, see the two cases above",
        lost == 0 ? "all " + faulty.size() + " raw tables equal (" + rowsPerTable(root) + ")" : lost + " tables differ",
        lost == 0 ? 0 : -1, lost == 0));
    assertEquals(cleanChecksums, faulty, "raw tables after retried faults equal the fault-free run's");
  }

  @Test
  void aPermanentRejectionFailsTheJobClearlyAndLeavesTheTableAtItsVersion() throws Exception {
    // The fault-free lakehouse: the failed re-run must leave it exactly as it was.
    Path root = cleanRoot;
    TableSpec table = TableCatalog.get().table("raw.transpose_borrow_events");
    LakehouseTables tables = tables(root);
    long version = tables.latestVersion(table);
    String before = LakehouseChecksums.of(tables.read(table));

    sandbox.faults().transpose().errorShare(1.0, 400);
    // One request in flight: with fetch-ahead each day's first request would be sent before the 400 stops the job.
    Map<String, String> sequential = new java.util.HashMap<>(TIMEOUTS);
    sequential.put("http.max_concurrency", "1");
    Exception e = assertThrows(Exception.class, () -> runJob(table.id(), root, "rejected", sequential));
    String message = e.getMessage();

    boolean unchanged = tables.latestVersion(table) == version && before.equals(LakehouseChecksums.of(tables.read(table)));
    ReliabilityLog.record(new ReliabilityLog.Case(AREA, "raw.transpose_borrow_events, every request answered 400",
        sandbox.faults().transpose().injected() + " x http_400",
        "failed: " + firstLine(message) + "; table " + (unchanged ? "still at v" + version : "CHANGED"), 0,
        unchanged && message.contains("HTTP 400")));
    assertTrue(message.contains("transpose rejected") && message.contains("HTTP 400"), message);
    assertEquals(1, sandbox.faults().transpose().requests(), "a 400 is not retried");
    assertEquals(version, tables.latestVersion(table), "no new version");
    assertEquals(before, LakehouseChecksums.of(tables.read(table)), "the rows are as they were");
  }

  @Test
  void faultsOutlastingTheRetriesFailTheJobAndLeaveNoPartialDay(@TempDir Path root) throws Exception {
    // A fault rate beyond what 2 attempts absorb: a quarter of the requests fail for good, so with
    // the seeded fault sequence the job gives up on some page, after or within a day.
    sandbox.faults().transpose().errorShare(0.5, 503);
    TableSpec table = TableCatalog.get().table("raw.transpose_deposit_events");
    // Pages of 2 events: with this seed, day 1 gets through and a page of day 2 fails for good.
    Map<String, String> options = Map.of("http.max_attempts", "2", "transpose.page_size", "2");
    Exception e = assertThrows(Exception.class, () -> runJob(table.id(), root, "gives-up", options));
    LakehouseTables tables = tables(root);
    Map<String, String> days = tables.exists(table)
        ? LakehouseChecksums.byPartition(tables.read(table).drop("request"), "block_date") : Map.of();
    // Data commits: the replaceWhere writes (creating the table is a commit of its own, without data).
    long commits = tables.exists(table) ? spark.sql("DESCRIBE HISTORY delta.`" + tables.location(table) + "`")
        .where("operation = 'WRITE'").count() : 0;
    Map<String, String> clean = cleanDays.get(table.id());
    // Every day written is the whole day; the days are written in order, so the failing one and
    // those after it are absent, and there is exactly one commit per written day.
    boolean whole = days.entrySet().stream().allMatch(d -> d.getValue().equals(clean.get(d.getKey())));
    List<String> written = List.copyOf(days.keySet());
    boolean prefix = written.equals(clean.keySet().stream().limit(written.size()).toList());
    ReliabilityLog.record(new ReliabilityLog.Case(AREA, "raw.transpose_deposit_events, 50% http_503, 2 attempts",
        describe(sandbox.faults().transpose().injectedByKind()) + " in " + sandbox.faults().transpose().requests()
            + " requests",
        "failed: " + firstLine(e.getMessage()) + "; days written whole: " + written + " of " + clean.keySet()
            + ", commits " + commits, 0, whole && prefix && commits == written.size()));
    assertTrue(e.getMessage().contains("failed after 2 attempts") && e.getMessage().contains("HTTP 503"), e.getMessage());
    assertTrue(whole, "each written day equals the fault-free day: " + days + " vs " + clean);
    assertTrue(prefix, "the days before the failing one are written, none after: " + written);
    assertEquals(written.size(), commits, "one commit per whole day, none for the failing day");
    assertTrue(written.size() < clean.size(), "the job failed before the last day");
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private static Map<String, JobReport> runRawJobs(Path root, String runId, Map<String, String> extra) throws Exception {
    Map<String, JobReport> reports = new LinkedHashMap<>();
    for (JobSpec job : TableCatalog.get().jobsInDependencyOrder()) {
      if (job.layer().equals("raw")) {
        reports.put(job.name(), runJob(job.name(), root, runId, extra));
      }
    }
    return reports;
  }

  private static JobReport runJob(String job, Path root, String runId, Map<String, String> extra) throws Exception {
    Map<String, String> options = new LinkedHashMap<>(SandboxSources.jobOptions(sandbox));
    options.putAll(SMALL_PAGES);
    options.putAll(extra);
    RunConfig config = new RunConfig(Env.LOCAL, root.toString(), Interval.of(START, END), options, runId);
    return new JobRunner(JobRegistry.standard(), line -> { }).run(job, config, spark, SandboxSources.secrets(sandbox));
  }

  private static LakehouseTables tables(Path root) {
    return new LakehouseTables(spark, Env.LOCAL, root.toString(), "check", TableCatalog.get());
  }

  private static Map<String, String> checksums(Path root) {
    LakehouseTables tables = tables(root);
    Map<String, String> out = new TreeMap<>();
    for (TableSpec t : TableCatalog.get().tables()) {
      if (t.layer().equals("raw")) {
        out.put(t.id(), LakehouseChecksums.of(tables.read(t)));
      }
    }
    return out;
  }

  private static String rowsPerTable(Path root) {
    LakehouseTables tables = tables(root);
    return TableCatalog.get().tables().stream().filter(t -> t.layer().equals("raw"))
        .map(t -> t.name() + "=" + tables.read(t).count()).collect(Collectors.joining(", "));
  }

  /** The sandbox's fault labels as the client's SourceStats names them. */
  private static Map<String, Long> asClientReasons(Map<String, Long> injected) {
    Map<String, Long> out = new TreeMap<>();
    injected.forEach((kind, n) -> out.merge(switch (kind) {
      case "drop" -> "connection";
      case "slow" -> "timeout";
      case "malformed" -> "malformed_json";
      case "graphql_error" -> "graphql_transient";
      default -> kind; // http_<status>
    }, n, Long::sum));
    return out;
  }

  private static Map<String, Long> parseReasons(String metric) {
    Map<String, Long> out = new TreeMap<>();
    if (!metric.equals("none")) {
      for (String part : metric.split(",")) {
        String[] kv = part.split(":");
        out.put(kv[0], Long.parseLong(kv[1]));
      }
    }
    return out;
  }

  private static String describe(Map<String, Long> counts) {
    return counts.isEmpty() ? "none" : counts.entrySet().stream().map(e -> e.getValue() + " x " + e.getKey())
        .collect(Collectors.joining(", "));
  }

  private static String firstLine(String message) {
    String first = message == null ? "" : message.lines().findFirst().orElse("");
    return first.length() > 160 ? first.substring(0, 160) + "..." : first;
  }
}
