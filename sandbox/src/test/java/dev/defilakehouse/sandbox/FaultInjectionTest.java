package dev.defilakehouse.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedSandbox.class)
class FaultInjectionTest {
  private static final String QUERY = "{ markets(first: 1) { id } }";
  private Sandbox sandbox;

  @AfterEach
  void reset() {
    sandbox.faults().reset();
  }

  @Test
  void aShareOfErrorStatusesWithTheEndpointsErrorBody(Sandbox s) throws Exception {
    sandbox = s;
    s.faults().endpoint("transpose").errorShare(1.0, 503);
    Http.Reply r = Http.sql(s, "SELECT 1 AS one", Map.of());
    assertEquals(503, r.status());
    assertEquals("error", r.json().get("status").asText());
    s.faults().endpoint("subgraph").errorShare(1.0, 429);
    Http.Reply g = Http.graphql(s, "aave_v2", QUERY, Map.of());
    assertEquals(429, g.status());
    assertEquals("1", g.header("Retry-After"));
    assertTrue(g.json().has("errors"));
  }

  @Test
  void failNextAnswersThatManyRequestsWithTheStatusThenRecovers(Sandbox s) throws Exception {
    sandbox = s;
    s.faults().subgraph().failNext(2, 502);
    assertEquals(502, Http.graphql(s, "aave_v2", QUERY, Map.of()).status());
    assertEquals(502, Http.graphql(s, "aave_v2", QUERY, Map.of()).status());
    assertEquals(200, Http.graphql(s, "aave_v2", QUERY, Map.of()).status());
    assertEquals(3, s.faults().subgraph().requests());
    assertEquals(2, s.faults().subgraph().injected());
  }

  @Test
  void droppedConnectionsMalformedJsonAndErrorsIn200(Sandbox s) throws Exception {
    sandbox = s;
    s.faults().subgraph().dropShare(1.0);
    assertThrows(IOException.class, () -> Http.graphql(s, "aave_v2", QUERY, Map.of()));

    s.faults().reset();
    s.faults().subgraph().malformedShare(1.0);
    Http.Reply cut = Http.graphql(s, "aave_v2", QUERY, Map.of());
    assertEquals(200, cut.status());
    assertThrows(JsonProcessingException.class, () -> Http.MAPPER.readTree(cut.body()));

    s.faults().reset();
    s.faults().subgraph().graphqlErrorShare(1.0);
    Http.Reply errors = Http.graphql(s, "aave_v2", QUERY, Map.of());
    assertEquals(200, errors.status());
    assertTrue(errors.json().path("errors").get(0).has("message"));
    assertTrue(errors.json().path("data").isMissingNode());
  }

  @Test
  void slowResponsesAndLatencyStillAnswerCorrectly(Sandbox s) throws Exception {
    sandbox = s;
    s.faults().transpose().slowShare(1.0, Duration.ofMillis(200)).latency(Duration.ofMillis(20));
    Http.Reply r = Http.sql(s, "SELECT 1 AS one", Map.of());
    assertEquals(200, r.status());
    assertEquals(1, r.json().at("/results/0/one").asInt());
    assertEquals(1, s.faults().transpose().injected());
  }

  @Test
  void theSubgraphRateLimitAnswers429WithRetryAfter(Sandbox s) throws Exception {
    sandbox = s;
    s.faults().subgraph().rateLimit(1);
    int limited = 0;
    for (int i = 0; i < 10; i++) {
      Http.Reply r = Http.graphql(s, "aave_v2", QUERY, Map.of());
      if (r.status() == 429) {
        limited++;
        assertTrue(Integer.parseInt(r.header("Retry-After")) >= 1);
      }
    }
    assertTrue(limited > 0, "10 quick requests at 1 request/s must hit the limit");
  }

  @Test
  void sharesAreValidated(Sandbox s) {
    sandbox = s;
    assertThrows(IllegalArgumentException.class, () -> s.faults().subgraph().errorShare(1.5));
    assertThrows(IllegalArgumentException.class, () -> s.faults().endpoint("ftp"));
  }
}
