package dev.defilakehouse.local.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.defilakehouse.common.config.Env;
import dev.defilakehouse.common.config.Interval;
import dev.defilakehouse.common.config.RunConfig;
import dev.defilakehouse.common.config.Secrets;
import dev.defilakehouse.common.testing.CapturedLogs;
import dev.defilakehouse.common.testing.ChildJvm;
import dev.defilakehouse.common.testing.SparkTestSession;
import dev.defilakehouse.jobs.JobRegistry;
import dev.defilakehouse.jobs.JobRunner;
import dev.defilakehouse.local.SandboxSources;
import dev.defilakehouse.sandbox.Sandbox;
import dev.defilakehouse.sandbox.SandboxOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, secrets: with the API keys set to recognisable values, nothing a run leaves behind
 * holds them: console and logs (INFO everywhere), exception messages and stack traces, the Spark
 * event log, and every byte under the lakehouse root (data files, _delta_log, the metastore).
 * The raw and stage jobs (the layers that see source data; analytics and features read only stage
 * tables) run in a child JVM because the event log is fixed when a SparkContext starts and the
 * test JVM shares one.
 */
// Runs a whole small pipeline or more: in `make reliability`, not in `make test` (the CI budget).
@org.junit.jupiter.api.Tag("reliability-long")
class SecretsTest {
  private static final String AREA = "secrets";
  private static final String SUBGRAPH_SECRET = "SECRET-THEGRAPH-7f3a";
  private static final String TRANSPOSE_SECRET = "SECRET-TRANSPOSE-91bc";
  private static final List<String> SECRETS = List.of(SUBGRAPH_SECRET, TRANSPOSE_SECRET);
  private static final LocalDate START = LocalDate.parse("2024-01-01");
  private static final LocalDate END = LocalDate.parse("2024-01-02");

  private static SandboxOptions.Builder sandbox(long seed) {
    return SandboxOptions.builder().seed(seed).wallets(30).markets(3).startDate(START).days(2);
  }

  @Test
  void aPipelineRunWithFailuresLeavesTheKeysNowhere(@TempDir Path tmp) throws Exception {
    Path root = tmp.resolve("lakehouse");
    Path eventLog = Files.createDirectories(tmp.resolve("spark-events"));
    try (Sandbox good = Sandbox.start(sandbox(31).subgraphApiKey(SUBGRAPH_SECRET).transposeApiKey(TRANSPOSE_SECRET).build());
         Sandbox rejecting = Sandbox.start(sandbox(31).build());
         Sandbox faulty = Sandbox.start(sandbox(31).subgraphApiKey(SUBGRAPH_SECRET).transposeApiKey(TRANSPOSE_SECRET).build())) {
      faulty.faults().subgraph().dropShare(1.0);
      faulty.faults().transpose().errorShare(1.0, 503);
      List<String> args = new ArrayList<>(List.of(root.toString(), eventLog.toUri().toString(), START.toString(),
          END.toString(), rejecting.subgraphBaseUrl(), faulty.subgraphBaseUrl()));
      SandboxSources.jobOptions(good).forEach((k, v) -> args.add(k + "=" + v));
      ChildJvm.Result child = ChildJvm.run(ChildJvm.testClasspath(), SecretsPipelineMain.class.getName(), args,
          Map.of(Secrets.SUBGRAPH_API_KEY, SUBGRAPH_SECRET, Secrets.TRANSPOSE_API_KEY, TRANSPOSE_SECRET), tmp.resolve("work"));

      assertEquals(0, child.exitCode(), child::toString);
      String output = child.output();
      long rejected = output.lines().filter(l -> l.startsWith("FAILED ") && l.contains("rejected the API key (HTTP 40"))
          .count();
      long exhausted = output.lines().filter(l -> l.startsWith("FAILED ") && l.contains("failed after 2 attempts")).count();
      List<String> leaks = new ArrayList<>();
      if (containsSecret(output)) {
        leaks.add("console/logs");
      }
      List<Path> eventFiles = files(eventLog);
      String events = read(eventFiles);
      if (containsSecret(events)) {
        leaks.add("event log");
      }
      List<Path> lakehouseFiles = files(root);
      long bytes = 0;
      for (Path f : lakehouseFiles) {
        bytes += Files.size(f);
        if (containsSecret(Files.readAllBytes(f))) {
          leaks.add(root.relativize(f).toString());
        }
      }
      // Belt and braces for compressed files: every Delta table's rows, decoded.
      long rows = 0;
      for (Path table : deltaTables(root)) {
        List<String> json = SparkTestSession.get().read().format("delta").load(table.toString()).toJSON().collectAsList();
        rows += json.size();
        if (json.stream().anyMatch(SecretsTest::containsSecret)) {
          leaks.add("rows of " + root.relativize(table));
        }
      }
      for (Path f : files(tmp.resolve("work"))) { // derby.log and the like, besides the captured output
        if (containsSecret(Files.readAllBytes(f))) {
          leaks.add("work dir " + f.getFileName());
        }
      }
      boolean ran = output.contains("RAW AND STAGE OK") && rejected == 2 && exhausted == 2 && !eventFiles.isEmpty()
          && events.contains("SparkListenerApplicationStart") && rows > 0;
      ReliabilityLog.record(new ReliabilityLog.Case(AREA, "raw + stage jobs, then 401/403s and exhausted retries, child JVM, event log on",
          "recognisable keys (SECRET-THEGRAPH-…, SECRET-TRANSPOSE-…); HTTP 401 + 403 (wrong keys), 2 x retries"
              + " exhausted (drops, 503)",
          "scanned " + output.length() + " chars of console/logs, " + eventFiles.size() + " event log file(s) ("
              + events.length() + " chars), " + lakehouseFiles.size() + " lakehouse files (" + bytes + " bytes), "
              + rows + " table rows: " + (leaks.isEmpty() ? "no key found" : "KEY FOUND in " + leaks), 0,
          ran && leaks.isEmpty()));
      assertTrue(output.contains("RAW AND STAGE OK"), "the raw and stage jobs ran:\n" + child);
      assertEquals(2, rejected, "both sources rejected the keys (401 or 403):\n" + child);
      assertEquals(2, exhausted, "both sources gave up after their retries:\n" + child);
      assertFalse(eventFiles.isEmpty(), "an event log was written");
      assertTrue(events.contains("SparkListenerApplicationStart"), "the event log is Spark's");
      assertTrue(rows > 0, "the tables hold rows");
      assertEquals(List.of(), leaks, "places holding a key");
    }
  }

  @Test
  void exceptionsOfFailingJobsInProcessHoldNoKey(@TempDir Path root) throws Exception {
    SparkSession spark = SparkTestSession.get();
    Secrets secrets = new Secrets(Map.of(Secrets.SUBGRAPH_API_KEY, SUBGRAPH_SECRET, Secrets.TRANSPOSE_API_KEY,
        TRANSPOSE_SECRET));
    List<String> outcomes = new ArrayList<>();
    List<String> leaks = new ArrayList<>();
    try (Sandbox rejecting = Sandbox.start(sandbox(32).build());
         Sandbox dropping = Sandbox.start(sandbox(32).subgraphApiKey(SUBGRAPH_SECRET).transposeApiKey(TRANSPOSE_SECRET)
             .build());
         CapturedLogs logs = CapturedLogs.start()) {
      // The snapshot jobs read the first blocks before they send anything: fetch them while all is well.
      new JobRunner(JobRegistry.standard()).run("raw.transpose_ethereum_daily_blocks", config(dropping, root), spark,
          secrets);
      dropping.faults().subgraph().dropShare(1.0);
      dropping.faults().transpose().dropShare(1.0);
      for (Sandbox sandbox : List.of(rejecting, dropping)) {
        RunConfig config = config(sandbox, root);
        for (String job : List.of("raw.transpose_borrow_events", "raw.the_graph_historical_market_data")) {
          Exception e = assertThrows(Exception.class,
              () -> new JobRunner(JobRegistry.standard()).run(job, config, spark, secrets));
          outcomes.add(e.getClass().getSimpleName());
          if (containsSecret(CapturedLogs.stackTrace(e))) {
            leaks.add("exception of " + job);
          }
        }
      }
      if (containsSecret(logs.text())) {
        leaks.add("captured logs");
      }
      ReliabilityLog.record(new ReliabilityLog.Case(AREA, "failing raw jobs in process: exceptions and captured logs",
          "HTTP 401 + 403 (wrong keys), 2 x dropped connections until retries ran out",
          outcomes + ": " + (leaks.isEmpty() ? "no key in messages, stack traces or logs" : "KEY FOUND in " + leaks), 0,
          leaks.isEmpty()));
      assertEquals(List.of(), leaks, logs.text());
    }
  }

  private static RunConfig config(Sandbox sandbox, Path root) {
    Map<String, String> options = new LinkedHashMap<>(SandboxSources.jobOptions(sandbox));
    options.put("http.max_attempts", "2");
    return new RunConfig(Env.LOCAL, root.toString(), Interval.of(START, END), options, "secrets");
  }

  private static boolean containsSecret(String text) {
    return SECRETS.stream().anyMatch(text::contains);
  }

  private static boolean containsSecret(byte[] bytes) {
    // ISO-8859-1 maps each byte to one char, so a byte sequence search is a string search.
    return containsSecret(new String(bytes, StandardCharsets.ISO_8859_1));
  }

  private static List<Path> files(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).toList();
    }
  }

  private static String read(List<Path> files) throws IOException {
    StringBuilder text = new StringBuilder();
    for (Path f : files) {
      text.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
    }
    return text.toString();
  }

  private static List<Path> deltaTables(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> p.getFileName().toString().equals("_delta_log")).map(Path::getParent).toList();
    }
  }
}
