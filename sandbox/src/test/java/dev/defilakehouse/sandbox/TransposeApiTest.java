package dev.defilakehouse.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedSandbox.class)
class TransposeApiTest {
  // Text values quoted by the SQL, integers bare: Transpose pastes parameter text into the SQL.
  private static final String KEYSET_PAGE = "SELECT * FROM ethereum.lending_events"
      + " WHERE category = '{{category}}' AND timestamp >= '{{start}}' AND timestamp < '{{end}}'"
      + " AND (block_number > {{block}} OR (block_number = {{block}} AND log_index > {{log_index}}))"
      + " ORDER BY block_number, log_index LIMIT {{limit}}";
  private static final String ROW_VALUE_KEYSET_PAGE = "SELECT * FROM ethereum.lending_events"
      + " WHERE category = '{{category}}' AND timestamp >= '{{start}}' AND timestamp < '{{end}}'"
      + " AND (block_number, log_index) > ({{block}}, {{log_index}})"
      + " ORDER BY block_number, log_index LIMIT {{limit}}";

  private Sandbox sandbox;

  @AfterEach
  void resetFaults() {
    if (sandbox != null) {
      sandbox.faults().reset();
    }
  }

  @Test
  void keysetPaginationReturnsEveryEventOfACategoryExactlyOnce(Sandbox s) throws Exception {
    Simulation sim = s.simulation();
    for (String category : List.of("borrow", "liquidation")) {
      List<String> expected = new ArrayList<>();
      for (LendingEvent e : sim.events()) {
        if (e.category().equals(category)) {
          expected.add(sim.eventJson(e));
        }
      }
      assertFalse(expected.isEmpty(), "fixture has no " + category + " events");
      List<String> seen = new ArrayList<>();
      long block = 0;
      long logIndex = -1;
      while (true) {
        String sql = category.equals("borrow") ? KEYSET_PAGE : ROW_VALUE_KEYSET_PAGE;
        JsonNode page = Http.sql(s, sql, Map.of("category", category, "start", "2024-01-01T00:00:00Z",
            "end", "2024-01-07T00:00:00Z", "block", block, "log_index", logIndex, "limit", 250)).json();
        assertEquals("success", page.get("status").asText(), page.toString());
        assertFalse(page.at("/stats/truncated").asBoolean());
        JsonNode rows = page.get("results");
        assertEquals(rows.size(), page.at("/stats/count").asInt());
        if (rows.isEmpty()) {
          break;
        }
        for (JsonNode row : rows) {
          seen.add(Http.MAPPER.writeValueAsString(row));
        }
        JsonNode last = rows.get(rows.size() - 1);
        block = last.get("block_number").asLong();
        logIndex = last.get("log_index").asLong();
      }
      assertEquals(seen.size(), new HashSet<>(seen).size(), "no event may come twice");
      assertEquals(expected, seen, "every " + category + " event, in order, rendered as the truth API renders it");
    }
  }

  @Test
  void rowsKeepEveryDigitAndIsoTimestamps(Sandbox s) throws Exception {
    Http.Reply r = Http.sql(s, "SELECT timestamp, quantity FROM ethereum.lending_events"
        + " WHERE quantity > {{big}} ORDER BY block_number, log_index LIMIT 1", Map.of("big", "100000000000000000000"));
    assertEquals(200, r.status(), r.body());
    assertTrue(r.body().matches(".*\"timestamp\":\"2024-01-0\\dT\\d\\d:\\d\\d:\\d\\dZ\",\"quantity\":\\d{21,}}.*"), r.body());
  }

  @Test
  void blocksAnswerTheFirstBlockOfEachDayConsistentlyWithEvents(Sandbox s) throws Exception {
    Simulation sim = s.simulation();
    for (int d = 0; d <= 6; d++) {
      LocalDate day = LocalDate.parse("2024-01-01").plusDays(d);
      JsonNode row = Http.sql(s, "SELECT block_number, timestamp FROM ethereum.blocks WHERE timestamp >= '{{day}}'"
          + " ORDER BY block_number LIMIT 1", Map.of("day", day + "T00:00:00Z")).json().at("/results/0");
      assertEquals(sim.firstBlockOfDay(day), row.get("block_number").asLong(), day.toString());
      assertEquals(sim.blockJson(sim.firstBlockOfDay(day)), Http.MAPPER.writeValueAsString(row));
    }
    JsonNode mismatches = Http.sql(s, "SELECT COUNT(*) AS n FROM ethereum.lending_events e"
        + " LEFT JOIN ethereum.blocks b ON b.block_number = e.block_number WHERE b.timestamp IS NULL"
        + " OR b.timestamp <> e.timestamp", Map.of()).json();
    assertEquals(0, mismatches.at("/results/0/n").asLong(), mismatches.toString());
  }

  @Test
  void aMissingOrWrongKeyIsRefused(Sandbox s) throws Exception {
    String body = "{\"sql\":\"SELECT 1\"}";
    Http.Reply missing = Http.post(s.transposeBaseUrl() + "/sql", body, Map.of());
    assertEquals(401, missing.status());
    assertEquals("error", missing.json().get("status").asText());
    assertTrue(missing.json().get("message").asText().contains("X-API-KEY"));
    Http.Reply wrong = Http.post(s.transposeBaseUrl() + "/sql", body, Map.of("X-API-KEY", "not-the-key"));
    assertEquals(401, wrong.status());
    assertEquals("{\"status\":\"error\",\"message\":\"invalid API key\"}", wrong.body());
    assertFalse(wrong.body().contains(s.transposeApiKey()));
  }

  @Test
  void badSqlMissingParametersAndWritesAre400(Sandbox s) throws Exception {
    Http.Reply bad = Http.sql(s, "SELEC nonsense", Map.of());
    assertEquals(400, bad.status());
    assertEquals("error", bad.json().get("status").asText());
    Http.Reply missing = Http.sql(s, "SELECT * FROM ethereum.blocks WHERE block_number = {{n}}", Map.of());
    assertEquals(400, missing.status());
    assertTrue(missing.json().get("message").asText().contains("'n'"));
    long before = s.simulation().events().size();
    Http.Reply delete = Http.sql(s, "DELETE FROM ethereum.lending_events", Map.of());
    assertEquals(400, delete.status());
    assertEquals(before, Http.sql(s, "SELECT COUNT(*) AS n FROM ethereum.lending_events", Map.of()).json()
        .at("/results/0/n").asLong());
  }

  @Test
  void parametersArePastedAsTextSoTheSqlMustQuoteThem(Sandbox s) throws Exception {
    String count = "SELECT COUNT(*) AS n FROM ethereum.lending_events WHERE timestamp >= {{start}}";
    Http.Reply unquoted = Http.sql(s, count, Map.of("start", "2024-01-02T00:00:00Z"));
    assertEquals(400, unquoted.status(), "an unquoted instant is bad SQL, as at the real service");
    assertEquals("error", unquoted.json().get("status").asText());
    long sinceDay2 = s.simulation().events().stream()
        .filter(e -> !e.timestamp().isBefore(java.time.Instant.parse("2024-01-02T00:00:00Z"))).count();
    assertEquals(sinceDay2, Http.sql(s, count.replace("{{start}}", "'{{start}}'"),
        Map.of("start", "2024-01-02T00:00:00Z")).json().at("/results/0/n").asLong());
    // text substitution means a quote in a value rewrites the query: clients must validate values
    long all = s.simulation().events().size();
    JsonNode injected = Http.sql(s, "SELECT COUNT(*) AS n FROM ethereum.lending_events WHERE category = '{{c}}'",
        Map.of("c", "nothing' OR '1'='1")).json();
    assertEquals(all, injected.at("/results/0/n").asLong(), injected.toString());
  }

  @Test
  void addressesAreEip55AndNativeEthIsTheZeroAddress(Sandbox s) throws Exception {
    JsonNode rows = Http.sql(s, "SELECT protocol_name, token_address, account_address FROM ethereum.lending_events"
        + " WHERE protocol_name = 'compound' AND token_address = '0x0000000000000000000000000000000000000000'"
        + " LIMIT 5", Map.of()).json().get("results");
    assertEquals(5, rows.size(), "Compound's ETH events name native ETH as the zero address");
    for (JsonNode r : rows) {
      String account = r.get("account_address").asText();
      assertTrue(account.matches("0x[0-9a-fA-F]{40}") && !account.equals(account.toLowerCase()), account);
      assertEquals(Eip55.checksum(account.toLowerCase()), account);
    }
    // the mainnet WETH address in its published EIP-55 spelling
    JsonNode weth = Http.sql(s, "SELECT DISTINCT token_address FROM ethereum.lending_events"
        + " WHERE token_address = '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2'", Map.of()).json();
    assertEquals(1, weth.get("results").size(), weth.toString());
    assertEquals(0, Http.sql(s, "SELECT COUNT(*) AS n FROM ethereum.lending_events"
        + " WHERE token_address = '0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee'", Map.of()).json()
        .at("/results/0/n").asLong(), "Messari's 0xeee placeholder never appears in Transpose");
  }

  @Test
  void aKeyOutOfCreditsGets403() throws Exception {
    try (Sandbox small = Sandbox.start(SandboxOptions.builder().wallets(2).days(1).markets(2).transposeCredits(2)
        .build())) {
      assertEquals(200, Http.sql(small, "SELECT 1 AS one", Map.of()).status());
      assertEquals(200, Http.sql(small, "SELECT 1 AS one", Map.of()).status());
      Http.Reply broke = Http.sql(small, "SELECT 1 AS one", Map.of());
      assertEquals(403, broke.status());
      assertTrue(broke.json().get("message").asText().contains("out of credits"), broke.body());
    }
  }

  @Test
  void aResponseOverTheRowOrByteLimitIsMarkedTruncated(Sandbox s) throws Exception {
    JsonNode byRows = Http.sql(s, "SELECT block_number FROM ethereum.blocks ORDER BY block_number LIMIT 2500",
        Map.of()).json();
    assertTrue(byRows.at("/stats/truncated").asBoolean());
    assertEquals(2_000, byRows.at("/stats/count").asInt());
    JsonNode bySize = Http.sql(s, "SELECT * FROM ethereum.lending_events ORDER BY block_number, log_index LIMIT 1900",
        Map.of()).json();
    assertTrue(bySize.at("/stats/truncated").asBoolean());
    assertTrue(bySize.at("/stats/size").asLong() <= 1_000_000);
    assertTrue(bySize.at("/stats/count").asInt() < 1_900);
    JsonNode fits = Http.sql(s, "SELECT * FROM ethereum.lending_events LIMIT 10", Map.of()).json();
    assertFalse(fits.at("/stats/truncated").asBoolean());
  }

  @Test
  void aboveTheRateItAnswers429WithRetryAfter(Sandbox s) throws Exception {
    sandbox = s;
    s.faults().transpose().rateLimit(1).retryAfterSeconds(2);
    Http.Reply limited = null;
    for (int i = 0; i < 20 && limited == null; i++) {
      Http.Reply r = Http.sql(s, "SELECT 1 AS one", Map.of());
      if (r.status() == 429) {
        limited = r;
      }
    }
    assertTrue(limited != null, "20 quick requests at 1 request/s must hit the limit");
    assertTrue(Integer.parseInt(limited.header("Retry-After")) >= 1);
    assertEquals("error", limited.json().get("status").asText());
  }
}
