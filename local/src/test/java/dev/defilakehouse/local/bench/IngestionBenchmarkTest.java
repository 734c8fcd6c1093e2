package dev.defilakehouse.local.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.defilakehouse.common.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingestion benchmark on a tiny sandbox with a rate limit, latency and injected 5xx: every raw
 * job runs, every failed attempt is retried, every event arrives, and the JSON holds the figures.
 * No timings are asserted.
 */
class IngestionBenchmarkTest {
  @TempDir
  Path dir;

  @Test
  @SuppressWarnings("unchecked")
  void runsEveryRawJobAgainstALimitedSandboxAndLeavesNoFailureUnretried() throws Exception {
    // 1 day, small pages so a job makes several requests, days and ids split in slices fetched
    // concurrently; 10% of requests answered 5xx
    IngestionBenchmark.Setup setup = new IngestionBenchmark.Setup(30, 1, 40, 5, 0.1, 5, 4, 3, 4, 7);
    Map<String, Object> results = new IngestionBenchmark(SparkTestSession.get())
        .run(setup, dir.resolve("lakehouse").toString(), Map.of());

    assertNull(results.get("failed"), "a job failed: " + results.get("failed"));
    List<Map<String, Object>> jobs = (List<Map<String, Object>>) results.get("jobs");
    assertEquals(IngestionBenchmark.rawJobs(), jobs.stream().map(j -> j.get("job")).toList());
    Map<String, Object> total = (Map<String, Object>) results.get("total");
    assertEquals(0L, total.get("unretried_failures"));
    assertEquals(0L, total.get("failed_jobs"));
    assertTrue((long) total.get("events_expected") > 0, "the tiny simulation has no event on its day");
    assertEquals(total.get("events_expected"), total.get("events_ingested"), "events lost on the way");
    assertTrue((long) total.get("positions_expected") > 0, "the tiny simulation has no open position");
    assertEquals(total.get("positions_expected"), total.get("positions_ingested"), "positions lost or doubled");
    Map<String, Map<String, Object>> sources = (Map<String, Map<String, Object>>) results.get("sources");
    long retries = 0;
    for (String source : List.of("transpose", "the_graph")) {
      Map<String, Object> s = sources.get(source);
      assertTrue((long) s.get("requests_admitted") > 0, source + " served no request");
      assertEquals(40.0, s.get("rate_limit_per_second"));
      retries += (long) s.get("retries");
    }
    assertTrue(retries > 0, "10% injected 5xx but nothing was retried: the faults did not reach the client");

    Path json = PipelineBenchmark.writeJson(results, dir.resolve("results"), setup.name());
    String text = Files.readString(json);
    for (String field : List.of("\"requests_seen_by_server\"", "\"http_429\"", "\"retries\"", "\"unretried_failures\"",
        "\"share_of_limit_in_window\"", "\"admitted_per_second_in_window\"", "\"rows_per_second\"",
        "\"peak_heap_bytes\"", "\"machine\"", "\"requests_in_flight_needed\"", "\"rate_bound_jobs\"")) {
      assertTrue(text.contains(field), "the results JSON lacks " + field);
    }
    assertTrue(IngestionTable.render(results).contains("of the limit"));
  }

  @Test
  void shareOfTheLimitCountsTheFirstBurst() {
    // a limiter of 20/s with a full one-second bucket admits 20 at once plus 20 per second after
    assertEquals(20 + 20 * 10.0, IngestionBenchmark.admissible(20, 10));
    assertEquals(1 + 0.5 * 4, IngestionBenchmark.admissible(0.5, 4));
    assertEquals(Map.of("http_429", 3L, "timeout", 1L), IngestionBenchmark.faults("http_429:3,timeout:1"));
    assertTrue(IngestionBenchmark.faults("none").isEmpty());
    // rate-bound: >= 5 s of requests at the limit and idle at most a quarter of the window
    assertTrue(IngestionBenchmark.rateBound(100, 20, 10, 2.5));
    assertFalse(IngestionBenchmark.rateBound(99, 20, 10, 0), "under 5 s of requests at the limit");
    assertFalse(IngestionBenchmark.rateBound(500, 20, 30, 20), "mostly waiting on commits");
  }
}
