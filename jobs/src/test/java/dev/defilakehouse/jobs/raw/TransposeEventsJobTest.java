package dev.defilakehouse.jobs.raw;

import static dev.defilakehouse.jobs.raw.FakeTranspose.event;
import static dev.defilakehouse.jobs.raw.RawJobTestSupport.TRANSPOSE_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.defilakehouse.common.job.JobReport;
import dev.defilakehouse.common.source.SourceAuthException;
import dev.defilakehouse.common.source.SourceException;
import dev.defilakehouse.common.testing.CapturedLogs;
import dev.defilakehouse.common.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransposeEventsJobTest {
  private static final String JOB = "raw.transpose_deposit_events";
  private static final String TABLE = "transpose_deposit_events";
  private static final String BIG = "123456789012345678901234567890";
  // 2024-01-01: four deposits over three protocols, 2024-01-02: two; plus rows that must stay out
  private static final List<String> DAY1 = List.of(
      event("deposit", "aave", "v2", "2024-01-01T00:00:11Z", 100, 3, BIG),
      event("deposit", "compound", "v2", "2024-01-01T00:00:11Z", 100, 7, "\"5000000\""),
      event("deposit", "aave", "v3", "2024-01-01T10:00:00Z", 150, 0, "1.0E+3"),
      event("deposit", "aave", "v2", "2024-01-01T23:59:59Z", 199, 2, "42"));
  private static final List<String> DAY2 = List.of(
      event("deposit", "aave", "v3", "2024-01-02T00:00:00Z", 200, 1, "7"),
      event("deposit", "compound", "v2", "2024-01-02T12:00:00Z", 250, 4, "8"));

  private final SparkSession spark = SparkTestSession.get();
  private final ObjectMapper mapper = new ObjectMapper();
  private FakeTranspose transpose;
  private MockWebServer server;

  @BeforeEach
  void start() throws Exception {
    spark.sql("DROP DATABASE IF EXISTS db_raw_local CASCADE");
    transpose = new FakeTranspose(TRANSPOSE_KEY);
    DAY1.forEach(transpose::event);
    DAY2.forEach(transpose::event);
    transpose.event(event("borrow", "aave", "v2", "2024-01-01T05:00:00Z", 120, 1, "1"))
        .event(event("deposit", "aave", "v1", "2024-01-01T05:00:00Z", 121, 1, "1"))
        .event(event("deposit", "aave", "v2", "2024-01-03T00:00:00Z", 300, 1, "1"));
    server = RawJobTestSupport.server(transpose);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Map<String, String> options(String... more) {
    return RawJobTestSupport.options(server, more);
  }

  /** One lakehouse through three runs: first run, identical re-run, a run whose second day fails mid-way. */
  @Test
  void writesEachDayInOneCommitReRunsIdenticallyAndAFailedDayKeepsItsContent(@TempDir Path root) throws Exception {
    JobReport report = RawJobTestSupport.run(spark, JOB, root, "2024-01-01", "2024-01-03",
        options("transpose.page_size", "2"), "run-1");

    List<Row> rows = RawJobTestSupport.table(spark, root, TABLE)
        .orderBy("block_number", "log_index").collectAsList();
    assertEquals(6, rows.size());
    assertEquals(List.of("2024-01-01", "2024-01-01", "2024-01-01", "2024-01-01", "2024-01-02", "2024-01-02"),
        rows.stream().map(r -> r.getAs("block_date").toString()).toList());
    assertEquals(concat(DAY1, DAY2), rows.stream().map(r -> (String) r.getAs("payload")).toList());
    Row first = rows.get(0);
    assertEquals(100L, (long) first.getAs("block_number"));
    assertEquals(3, (int) first.getAs("log_index"));
    assertEquals("0x64a3", first.getAs("transaction_hash"));
    assertEquals("aave", first.getAs("protocol_name"));
    assertEquals("v2", first.getAs("contract_version"));
    assertEquals("run-1", first.getAs("run_id"));
    JsonNode request = mapper.readTree((String) first.getAs("request"));
    assertEquals("deposit", request.path("parameters").path("category_0").asText());
    assertFalse(rows.stream().anyMatch(r -> ((String) r.getAs("request")).contains(TRANSPOSE_KEY)));

    // per day one category count, then pages of 2: day 1 = 2 + 2 + 0 rows, day 2 = 2 + 0 rows
    assertEquals(7, transpose.requests.size());
    assertEquals(6, report.rowsWritten());
    assertEquals(7L, report.metrics().get("transpose_requests"));
    // the fixture's day 1 also has a borrow (another job's) and nothing of an unknown category
    assertEquals("none", report.metrics().get("transpose_unknown_categories"));
    assertEquals(0L, report.metrics().get("transpose_count_mismatch_days"));
    assertEquals("none", report.metrics().get("transpose_faults"));
    assertEquals(2L, report.versions().get("raw." + TABLE), "one commit per day");

    List<String> before = RawJobTestSupport.content(spark, root, TABLE, "block_number", "log_index");
    RawJobTestSupport.run(spark, JOB, root, "2024-01-01", "2024-01-03", options("transpose.page_size", "2"), "run-2");
    assertEquals(before, RawJobTestSupport.content(spark, root, TABLE, "block_number", "log_index"));
    assertEquals(6, RawJobTestSupport.table(spark, root, TABLE).where("run_id = 'run-2'").count());

    // day 2 gains an event but its second page never succeeds; day 1 succeeds again
    transpose.event(event("deposit", "aave", "v2", "2024-01-02T13:00:00Z", 260, 0, "9"));
    transpose.fault = body -> body.path("parameters").path("start").asText().startsWith("2024-01-02")
        && body.path("parameters").path("after_block_number").asLong() > 0
        ? FakeTranspose.response(503, "{\"status\":\"error\",\"message\":\"upstream overloaded\"}") : null;
    try (CapturedLogs logs = CapturedLogs.start()) {
      SourceException e = assertThrows(SourceException.class, () -> RawJobTestSupport.run(spark, JOB, root,
          "2024-01-01", "2024-01-03", options("transpose.page_size", "2"), "run-3"));
      assertTrue(e.getMessage().contains("transpose request failed after 3 attempts"), e.getMessage());
      assertTrue(e.getMessage().contains("HTTP 503: upstream overloaded"), e.getMessage());
      String everything = logs.text() + CapturedLogs.stackTrace(e);
      assertTrue(everything.contains("retrying"), "retries are logged");
      assertTrue(everything.contains("fetched deposit events of 2024-01-01"), "progress is logged");
      assertFalse(everything.contains(TRANSPOSE_KEY), "the key leaked into the output");
    }
    Map<String, Long> runsByDay = RawJobTestSupport.table(spark, root, TABLE).groupBy("block_date", "run_id").count()
        .collectAsList().stream().collect(java.util.stream.Collectors.toMap(
            r -> r.get(0).toString() + "/" + r.getString(1), r -> r.getLong(2)));
    assertEquals(Map.of("2024-01-01/run-3", 4L, "2024-01-02/run-2", 2L), runsByDay);
  }

  @Test
  void faultsOnTheWayStillEndWithExactlyTheRightRows(@TempDir Path root) throws Exception {
    List<java.util.function.Supplier<MockResponse>> faults = List.of(
        () -> new MockResponse.Builder().code(429).addHeader("Retry-After", "1")
            .body("{\"status\":\"error\",\"message\":\"rate limited\"}").build(),
        () -> FakeTranspose.response(502, "<html>bad gateway</html>"),
        () -> FakeTranspose.response(200, "{\"status\":\"success\",\"results\":[{\"block_n"),
        () -> new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build(),
        () -> new MockResponse.Builder().onResponseStart(SocketEffect.Stall.INSTANCE).build(),
        () -> FakeTranspose.response(200, "{\"status\":\"success\",\"stats\":{\"truncated\":true},\"results\":["
            + DAY1.get(0) + "]}"));
    java.util.concurrent.atomic.AtomicInteger served = new java.util.concurrent.atomic.AtomicInteger();
    transpose.fault = body -> {
      if (body.path("sql").asText().contains("GROUP BY")) {
        return null; // the faults hit the pages; the per-day count is another request
      }
      int i = served.getAndIncrement();
      return i < faults.size() ? faults.get(i).get() : null;
    };

    JobReport report = RawJobTestSupport.run(spark, JOB, root, "2024-01-01", "2024-01-03",
        options("transpose.page_size", "2", "http.max_attempts", "8", "http.read_timeout_ms", "500"), "run-1");

    assertEquals(concat(DAY1, DAY2), RawJobTestSupport.table(spark, root, TABLE).orderBy("block_number", "log_index")
        .collectAsList().stream().map(r -> (String) r.getAs("payload")).toList());
    assertEquals("connection:1,http_429:1,http_502:1,malformed_json:1,timeout:1,truncated_page:1",
        report.metrics().get("transpose_faults"));
    assertEquals(5L, report.metrics().get("transpose_retries"));
  }

  @Test
  void twoAdjacentIntervalsEqualTheirUnion(@TempDir Path root) throws Exception {
    Path union = root.resolve("union");
    Path pieces = root.resolve("pieces");
    RawJobTestSupport.run(spark, JOB, union, "2024-01-01", "2024-01-03", options(), "run-u");
    RawJobTestSupport.run(spark, JOB, pieces, "2024-01-01", "2024-01-02", options(), "run-p1");
    RawJobTestSupport.run(spark, JOB, pieces, "2024-01-02", "2024-01-03", options(), "run-p2");

    List<String> expected = RawJobTestSupport.content(spark, union, TABLE, "block_number", "log_index");
    assertEquals(6, expected.size());
    assertEquals(expected, RawJobTestSupport.content(spark, pieces, TABLE, "block_number", "log_index"));
  }

  /** The public record spells the literal two ways (Transpose's docs: liquidate; Spectral: liquidation). */
  @Test
  void liquidationsReadBothLiteralsAndAnUnknownCategoryIsReportedNotReadAsZero(@TempDir Path root) throws Exception {
    transpose.event(event("liquidate", "aave", "v2", "2024-01-01T08:00:00Z", 170, 9, "11"))
        .event(event("liquidation", "compound", "v2", "2024-01-01T09:00:00Z", 180, 2, "12"))
        .event(event("liquidated", "aave", "v3", "2024-01-01T10:00:00Z", 190, 4, "13"))
        .event(event("liquidated", "aave", "v3", "2024-01-01T11:00:00Z", 191, 1, "14"));
    JobReport report;
    try (CapturedLogs logs = CapturedLogs.start()) {
      report = RawJobTestSupport.run(spark, "raw.transpose_liquidation_events", root, "2024-01-01", "2024-01-02",
          options(), "run-1");
      assertTrue(logs.text().contains("categories no job reads: {liquidated=2}"), logs.text());
    }
    List<Row> rows = RawJobTestSupport.table(spark, root, "transpose_liquidation_events").orderBy("block_number")
        .collectAsList();
    assertEquals(List.of(170L, 180L), rows.stream().map(r -> (long) r.getAs("block_number")).toList());
    assertEquals("liquidated:2", report.metrics().get("transpose_unknown_categories"));
    JsonNode page = transpose.requests.stream().filter(b -> !b.path("sql").asText().contains("GROUP BY")).findFirst()
        .orElseThrow();
    assertTrue(page.path("sql").asText().contains("quantity_liquidated"));
    assertEquals("liquidation", page.path("parameters").path("category_0").asText());
    assertEquals("liquidate", page.path("parameters").path("category_1").asText());

    // once configured, the new literal is read too
    RawJobTestSupport.run(spark, "raw.transpose_liquidation_events", root, "2024-01-01", "2024-01-02",
        options("transpose.liquidation_categories", "liquidation,liquidate,liquidated"), "run-2");
    assertEquals(4, RawJobTestSupport.table(spark, root, "transpose_liquidation_events").count());
  }

  @Test
  void aWrongKeyFailsAtOnceNamingTheVariable(@TempDir Path root) throws Exception {
    server.close();
    transpose = new FakeTranspose("the-right-key");
    server = RawJobTestSupport.server(transpose);
    try (CapturedLogs logs = CapturedLogs.start()) {
      SourceAuthException e = assertThrows(SourceAuthException.class, () -> RawJobTestSupport.run(spark, JOB, root,
          "2024-01-01", "2024-01-02", options(), "run-1"));
      assertEquals(1, server.getRequestCount(), "no retries on 401");
      assertTrue(e.getMessage().contains("TRANSPOSE_API_KEY"), e.getMessage());
      assertFalse((logs.text() + CapturedLogs.stackTrace(e)).contains(TRANSPOSE_KEY));
    }
    assertFalse(root.resolve("raw").resolve(TABLE).toFile().exists(), "nothing written");
  }

  private static List<String> concat(List<String> a, List<String> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }
}
