package dev.defilakehouse.common.source;

import static dev.defilakehouse.common.source.HttpTestSupport.SUBGRAPH_KEY;
import static dev.defilakehouse.common.source.HttpTestSupport.json;
import static dev.defilakehouse.common.source.HttpTestSupport.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.defilakehouse.common.testing.CapturedLogs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SourceHttpTest {
  private static final Instant NOW = Instant.parse("2024-01-01T00:00:00Z");

  private MockWebServer server;
  private HttpTestSupport.RecordingSleeper sleeper;
  private SourceHttp http;
  private String url;

  @BeforeEach
  void start() throws Exception {
    server = HttpTestSupport.startServer();
    sleeper = new HttpTestSupport.RecordingSleeper();
    http = HttpTestSupport.http("the_graph", "SUBGRAPH_API_KEY", SUBGRAPH_KEY, 3, sleeper,
        Clock.fixed(NOW, ZoneOffset.UTC));
    // the gateway's shape: the key is a path segment
    url = server.url("/api/" + SUBGRAPH_KEY + "/subgraphs/id/Qm123").toString();
  }

  @AfterEach
  void stop() {
    http.close();
    server.close();
  }

  private String call() {
    return http.postJson(url, Map.of(), "{\"query\":\"{x}\"}", "test query",
        body -> JsonText.parseObject(body, "test query").path("ok").asText());
  }

  @ParameterizedTest
  @ValueSource(ints = {408, 500, 502, 503, 504})
  void serverErrorsAreRetriedThenSucceed(int code) {
    server.enqueue(status(code, "{\"message\":\"upstream trouble\"}"));
    server.enqueue(json("{\"ok\":\"yes\"}"));

    assertEquals("yes", call());
    assertEquals(2, server.getRequestCount());
    assertEquals(2, http.stats().attempts());
    assertEquals(1, http.stats().retries());
    assertEquals(Map.of("http_" + code, 1L), http.stats().faults());
  }

  @Test
  void tooManyRequestsWaitsRetryAfterSeconds() {
    server.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", "7").body("{}").build());
    server.enqueue(json("{\"ok\":\"yes\"}"));

    assertEquals("yes", call());
    assertEquals(List.of(Duration.ofSeconds(7)), sleeper.sleeps);
    assertEquals(Map.of("http_429", 1L), http.stats().faults());
  }

  @Test
  void tooManyRequestsWaitsUntilRetryAfterDate() {
    server.enqueue(new MockResponse.Builder().code(429)
        .addHeader("Retry-After", "Mon, 01 Jan 2024 00:00:30 GMT").body("{}").build());
    server.enqueue(json("{\"ok\":\"yes\"}"));

    assertEquals("yes", call());
    assertEquals(List.of(Duration.ofSeconds(30)), sleeper.sleeps);
  }

  @Test
  void readTimeoutIsRetried() {
    server.enqueue(new MockResponse.Builder().onResponseStart(SocketEffect.Stall.INSTANCE).build());
    server.enqueue(json("{\"ok\":\"yes\"}"));

    assertEquals("yes", call());
    assertEquals(Map.of("timeout", 1L), http.stats().faults());
    assertEquals(1, http.stats().retries());
  }

  @Test
  void droppedConnectionIsRetried() {
    server.enqueue(new MockResponse.Builder().onRequestStart(new SocketEffect.CloseSocket()).build());
    server.enqueue(json("{\"ok\":\"yes\"}"));

    assertEquals("yes", call());
    assertEquals(Map.of("connection", 1L), http.stats().faults());
  }

  @Test
  void malformedJsonIsRetried() {
    server.enqueue(json("{\"ok\": \"ye"));
    server.enqueue(json("{\"ok\":\"yes\"}"));

    assertEquals("yes", call());
    assertEquals(Map.of("malformed_json", 1L), http.stats().faults());
  }

  @Test
  void givesUpAfterMaxAttemptsNamingSourceRequestAndStatusButNotTheKey() {
    for (int i = 0; i < 3; i++) {
      server.enqueue(status(503, "{\"message\":\"service unavailable\"}"));
    }

    SourceException e = assertThrows(SourceException.class, this::call);
    assertEquals(3, server.getRequestCount());
    assertEquals(2, sleeper.sleeps.size());
    assertEquals(503, e.status());
    assertTrue(e.getMessage().startsWith("the_graph request failed after 3 attempts"), e.getMessage());
    assertTrue(e.getMessage().contains("/api/***/subgraphs/id/Qm123"), e.getMessage());
    assertTrue(e.getMessage().contains("test query"), e.getMessage());
    assertTrue(e.getMessage().contains("HTTP 503: service unavailable"), e.getMessage());
    assertFalse(CapturedLogs.stackTrace(e).contains(SUBGRAPH_KEY));
  }

  @ParameterizedTest
  @ValueSource(ints = {401, 403})
  void authFailuresFailAtOnceNamingTheVariable(int code) {
    server.enqueue(status(code, "{\"message\":\"invalid api key " + SUBGRAPH_KEY + "\"}"));
    server.enqueue(json("{\"ok\":\"yes\"}"));

    SourceAuthException e = assertThrows(SourceAuthException.class, this::call);
    assertEquals(1, server.getRequestCount());
    assertTrue(sleeper.sleeps.isEmpty());
    assertTrue(e.getMessage().contains("the_graph rejected the API key (HTTP " + code + ")"), e.getMessage());
    assertTrue(e.getMessage().contains("set the environment variable SUBGRAPH_API_KEY"), e.getMessage());
    assertFalse(CapturedLogs.stackTrace(e).contains(SUBGRAPH_KEY), e.getMessage());
  }

  @Test
  void badRequestFailsAtOnceWithTheServersMessage() {
    server.enqueue(status(400, "{\"status\":\"error\",\"message\":\"column foo does not exist\"}"));

    SourceException e = assertThrows(SourceException.class, this::call);
    assertEquals(1, server.getRequestCount());
    assertEquals(400, e.status());
    assertTrue(e.getMessage().contains("HTTP 400: column foo does not exist"), e.getMessage());
  }

  @Test
  void keyNeverAppearsInLogsOrExceptionsOfConnectionFailures() {
    for (int i = 0; i < 3; i++) {
      server.enqueue(new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build());
    }
    try (CapturedLogs logs = CapturedLogs.start()) {
      SourceException e = assertThrows(SourceException.class, this::call);
      assertEquals(Map.of("connection", 3L), http.stats().faults());
      String everything = logs.text() + CapturedLogs.stackTrace(e);
      assertTrue(logs.text().contains("retrying"), logs.text());
      assertFalse(everything.contains(SUBGRAPH_KEY), everything);
    }
  }

  @Test
  void concurrentCallersNeverExceedMaxConcurrency() throws Exception {
    java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger maxSeen = new java.util.concurrent.atomic.AtomicInteger();
    server.setDispatcher(new mockwebserver3.Dispatcher() {
      @Override
      public MockResponse dispatch(mockwebserver3.RecordedRequest request) throws InterruptedException {
        maxSeen.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        Thread.sleep(50); // hold the request so unbounded callers would overlap
        inFlight.decrementAndGet();
        return json("{\"ok\":\"yes\"}");
      }
    });
    java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(6);
    try {
      List<java.util.concurrent.Future<String>> results = new java.util.ArrayList<>();
      for (int i = 0; i < 6; i++) {
        results.add(callers.submit(this::call));
      }
      for (java.util.concurrent.Future<String> r : results) {
        assertEquals("yes", r.get());
      }
    } finally {
      callers.shutdownNow();
    }
    assertEquals(6, server.getRequestCount());
    assertTrue(maxSeen.get() <= 2, "max_concurrency=2 but " + maxSeen.get() + " requests were in flight");
  }

  @Test
  void anInvalidUrlIsReportedWithoutTheKey() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> http.postJson(
        "gateway.example/api/" + SUBGRAPH_KEY + "/subgraphs/id/Qm1", Map.of(), "{}", "q", body -> body));
    assertTrue(e.getMessage().contains("invalid URL"), e.getMessage());
    assertFalse(CapturedLogs.stackTrace(e).contains(SUBGRAPH_KEY), e.getMessage());
  }

  @Test
  void backoffIsFullJitterBelowTheExponentialCeiling() {
    HttpSettings s = new HttpSettings(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), 10,
        Duration.ofMillis(100), Duration.ofMillis(1000), Duration.ofSeconds(60), 0, 1);
    try (SourceHttp h = new SourceHttp("x", "X_KEY", s, SecretMasker.of(), sleeper, Clock.systemUTC())) {
      java.util.Set<Long> seen = new java.util.HashSet<>();
      for (int i = 0; i < 200; i++) {
        long first = h.delay(1, null).toMillis();
        long fifth = h.delay(5, null).toMillis();
        assertTrue(first >= 0 && first <= 100, "attempt 1 waited " + first);
        assertTrue(fifth >= 0 && fifth <= 1000, "attempt 5 waited " + fifth);
        seen.add(fifth);
      }
      assertTrue(seen.size() > 10, "no jitter: " + seen);
      assertEquals(Duration.ofSeconds(60), h.delay(1, Duration.ofHours(1)), "Retry-After is capped");
    }
  }
}
