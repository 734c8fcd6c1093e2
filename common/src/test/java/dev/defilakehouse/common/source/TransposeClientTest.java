package dev.defilakehouse.common.source;

import static dev.defilakehouse.common.source.HttpTestSupport.TRANSPOSE_KEY;
import static dev.defilakehouse.common.source.HttpTestSupport.json;
import static dev.defilakehouse.common.source.HttpTestSupport.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.defilakehouse.common.testing.CapturedLogs;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TransposeClientTest {
  private static final Instant START = Instant.parse("2024-01-01T00:00:00Z");
  private static final Instant END = Instant.parse("2024-01-02T00:00:00Z");
  private static final List<ProtocolVersion> PROTOCOLS = ProtocolVersion.parseList("aave_v2,compound_v2");
  private static final List<String> DEPOSIT = List.of("deposit");
  private static final Set<String> KNOWN = Set.of("deposit", "withdraw", "borrow", "repay", "liquidation", "liquidate");

  private MockWebServer server;
  private SourceHttp http;
  private TransposeClient client;

  @BeforeEach
  void start() throws Exception {
    server = HttpTestSupport.startServer();
    http = HttpTestSupport.http(TransposeClient.SOURCE, "TRANSPOSE_API_KEY", TRANSPOSE_KEY, 3,
        new HttpTestSupport.RecordingSleeper(), Clock.systemUTC());
    client = new TransposeClient(http, server.url("/").toString(), TRANSPOSE_KEY, 2);
  }

  @AfterEach
  void stop() {
    http.close();
    server.close();
  }

  static String event(long block, int logIndex) {
    // quantity beyond 2^64 as a bare JSON number: must be kept digit for digit
    return "{\"timestamp\":\"2024-01-01T00:00:11Z\",\"block_number\":" + block + ",\"log_index\":" + logIndex
        + ",\"transaction_hash\":\"0xt" + block + "_" + logIndex + "\",\"protocol_name\":\"aave\",\"contract_version\":\"v2\","
        + "\"market_address\":\"0xm\",\"token_address\":\"0xtok\",\"category\":\"deposit\",\"account_address\":\"0xacc\","
        + "\"sender_address\":\"0xacc\",\"quantity\":123456789012345678901234567890}";
  }

  static String results(boolean truncated, String... rows) {
    return "{\"status\":\"success\",\"stats\":{\"count\":" + rows.length + ",\"size\":100,\"time\":3,\"truncated\":"
        + truncated + "},\"results\":[" + String.join(",", rows) + "]}";
  }

  private static JsonNode body(RecordedRequest request) throws Exception {
    return JsonText.MAPPER.readTree(request.getBody().utf8());
  }

  @Test
  void keysetPaginatesWithQuotedTextPlaceholdersAndValuesOnlyInParameters() throws Exception {
    server.enqueue(json(results(false, event(10, 1), event(10, 5))));
    server.enqueue(json(results(false, event(11, 0))));

    List<TransposeClient.Row> rows = client.lendingEvents(DEPOSIT, KNOWN, false, PROTOCOLS, START, END, n -> { });

    assertEquals(List.of(event(10, 1), event(10, 5), event(11, 0)), rows.stream().map(TransposeClient.Row::payload).toList());
    RecordedRequest first = server.takeRequest();
    assertEquals("/sql", first.getUrl().encodedPath());
    assertEquals(TRANSPOSE_KEY, first.getHeaders().get("X-API-KEY"));
    JsonNode firstBody = body(first);
    String sql = firstBody.path("sql").asText();
    assertEquals(TransposeClient.lendingEventsSql(false, 1, 2), sql);
    // Transpose pastes parameter text: the SQL quotes the text values itself and leaves integers bare
    assertTrue(sql.contains("WHERE category IN ('{{category_0}}')"), sql);
    assertTrue(sql.contains("(protocol_name = '{{protocol_name_0}}' AND contract_version = '{{contract_version_0}}')"
        + " OR (protocol_name = '{{protocol_name_1}}' AND contract_version = '{{contract_version_1}}')"), sql);
    assertTrue(sql.contains("timestamp >= '{{start}}' AND timestamp < '{{end}}'"), sql);
    assertTrue(sql.contains("(block_number > {{after_block_number}} OR (block_number = {{after_block_number}}"
        + " AND log_index > {{after_log_index}}))"), sql);
    assertTrue(sql.contains("ORDER BY block_number ASC, log_index ASC LIMIT {{limit}}"), sql);
    for (String value : List.of("deposit", "aave", "compound", "2024-01-0")) {
      assertFalse(sql.contains(value), "value written into the SQL instead of a parameter: " + value);
    }
    assertFalse(sql.toUpperCase().contains("OFFSET"), sql);
    assertEquals(JsonText.MAPPER.readTree("{\"category_0\":\"deposit\",\"protocol_name_0\":\"aave\",\"contract_version_0\":\"v2\","
        + "\"protocol_name_1\":\"compound\",\"contract_version_1\":\"v2\",\"start\":\"2024-01-01T00:00:00Z\","
        + "\"end\":\"2024-01-02T00:00:00Z\",\"after_block_number\":-1,\"after_log_index\":-1,\"limit\":2}"),
        firstBody.path("parameters"));
    JsonNode secondParameters = body(server.takeRequest()).path("parameters");
    assertEquals(10, secondParameters.path("after_block_number").asLong());
    assertEquals(5, secondParameters.path("after_log_index").asLong());
    assertEquals(2, secondParameters.path("limit").asInt());

    JsonNode request = JsonText.MAPPER.readTree(rows.get(2).request());
    assertEquals("transpose", request.path("source").asText());
    assertEquals(sql, request.path("sql").asText());
    assertEquals(10, request.path("parameters").path("after_block_number").asLong());
    assertFalse(rows.get(2).request().contains(TRANSPOSE_KEY));
  }

  @Test
  void truncatedPageIsFetchedAgainWithHalfTheLimitNeverAccepted() throws Exception {
    TransposeClient bigPages = new TransposeClient(http, server.url("/").toString(), TRANSPOSE_KEY, 4);
    server.enqueue(json(results(true, event(10, 1), event(10, 2))));
    server.enqueue(json(results(false, event(10, 1), event(10, 2))));
    server.enqueue(json(results(false, event(12, 0))));

    List<TransposeClient.Row> rows = bigPages.lendingEvents(DEPOSIT, KNOWN, false, PROTOCOLS, START, END, n -> { });

    assertEquals(3, rows.size());
    List<JsonNode> parameters = List.of(body(server.takeRequest()).path("parameters"),
        body(server.takeRequest()).path("parameters"), body(server.takeRequest()).path("parameters"));
    assertEquals(List.of(4, 2, 2), parameters.stream().map(p -> p.path("limit").asInt()).toList());
    assertEquals(-1, parameters.get(1).path("after_block_number").asLong(), "the truncated page is fetched again");
    assertEquals(10, parameters.get(2).path("after_block_number").asLong());
    assertEquals(2, parameters.get(2).path("after_log_index").asLong());
    assertEquals(Map.of("truncated_page", 1L), http.stats().faults());
  }

  @Test
  void liquidationsAskForTheirExtraColumnsWithEveryLiteralOfTheirCategory() throws Exception {
    server.enqueue(json(results(false)));
    client.lendingEvents(List.of("liquidation", "liquidate"), KNOWN, true, PROTOCOLS, START, END, n -> { });
    JsonNode body = body(server.takeRequest());
    String sql = body.path("sql").asText();
    assertTrue(sql.contains(", liquidator_address, liquidated_token_address, quantity_liquidated FROM"), sql);
    assertTrue(sql.contains("WHERE category IN ('{{category_0}}', '{{category_1}}')"), sql);
    assertEquals("liquidation", body.path("parameters").path("category_0").asText());
    assertEquals("liquidate", body.path("parameters").path("category_1").asText());
  }

  @Test
  void categoryCountsAskForEveryCategoryOfTheDay() throws Exception {
    server.enqueue(json(results(false, "{\"category\":\"deposit\",\"events\":12}",
        "{\"category\":\"liquidated\",\"events\":3}")));
    assertEquals(Map.of("deposit", 12L, "liquidated", 3L), client.categoryCounts(PROTOCOLS, START, END));
    JsonNode body = body(server.takeRequest());
    String sql = body.path("sql").asText();
    assertTrue(sql.startsWith("SELECT category, COUNT(*) AS events FROM ethereum.lending_events WHERE"), sql);
    assertFalse(sql.contains("category IN"), "every category, not only the known ones: " + sql);
    assertTrue(sql.contains("GROUP BY category"), sql);
  }

  /** Transpose pastes parameter text into the SQL, so a value that is not of its strict form never leaves. */
  @Test
  void hostileParameterValuesAreRefusedBeforeAnyRequest() {
    List<Runnable> attempts = List.of(
        () -> new SqlParameters().text("start", SqlParameters.Form.INSTANT, "2024-01-01T00:00:00Z' OR '1'='1"),
        () -> new SqlParameters().text("start", SqlParameters.Form.INSTANT, "2024-01-01T00:00:00Z'; DROP TABLE x; --"),
        () -> new SqlParameters().address("account", "0x0000000000000000000000000000000000000000' --"),
        () -> new SqlParameters().address("account", "0xabc; SELECT 1"),
        () -> new SqlParameters().text("limit", SqlParameters.Form.INTEGER, "10; DELETE FROM ethereum.blocks"),
        () -> new SqlParameters().text("limit", SqlParameters.Form.INTEGER, "1 -- "),
        () -> new SqlParameters().word("category", "deposit' OR '1'='1", KNOWN),
        () -> new SqlParameters().word("category", "deposit;", KNOWN),
        () -> new SqlParameters().word("category", "liquidated", KNOWN), // a word, but not one of the list
        () -> client.lendingEvents(List.of("deposit'--"), KNOWN, false, PROTOCOLS, START, END, n -> { }),
        () -> client.lendingEvents(List.of("x' OR 1=1 --"), Set.of("liquidation", "x' OR 1=1 --"), true, PROTOCOLS,
            START, END, n -> { }));
    for (Runnable attempt : attempts) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, attempt::run);
      assertTrue(e.getMessage().contains("refused before sending"), e.getMessage());
    }
    assertEquals(0, server.getRequestCount(), "not one request may carry an unchecked value");
  }

  @Test
  void sqlThatLeavesATextPlaceholderUnquotedIsNeverSent() {
    // the bug the real service answers with HTTP 400 (`trailing junk after numeric literal`)
    SqlParameters start = new SqlParameters().instant("start", START);
    IllegalArgumentException unquoted = assertThrows(IllegalArgumentException.class,
        () -> client.query("SELECT 1 FROM ethereum.blocks WHERE timestamp >= {{start}}", start, "probe"));
    assertTrue(unquoted.getMessage().contains("must be written '{{start}}'"), unquoted.getMessage());
    SqlParameters limit = new SqlParameters().integer("limit", 5);
    assertThrows(IllegalArgumentException.class, () -> client.query("SELECT 1 LIMIT '{{limit}}'", limit, "probe"));
    assertThrows(IllegalArgumentException.class, () -> client.query("SELECT 1 LIMIT {{limt}}", limit, "probe"));
    assertThrows(IllegalArgumentException.class, () -> client.query("SELECT 1", limit, "probe"));
    assertEquals(0, server.getRequestCount());
  }

  @Test
  void errorStatusBodiesBecomeClearErrors() {
    server.enqueue(status(400, "{\"status\":\"error\",\"message\":\"relation \\\"ethereum.lending_eventz\\\" does not exist\"}"));
    SourceException e = assertThrows(SourceException.class,
        () -> client.lendingEvents(DEPOSIT, KNOWN, false, PROTOCOLS, START, END, n -> { }));
    assertEquals(1, server.getRequestCount());
    assertTrue(e.getMessage().contains("HTTP 400: relation \"ethereum.lending_eventz\" does not exist"), e.getMessage());
  }

  @Test
  void rateLimitedRequestsAreRetried() {
    server.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", "0")
        .body("{\"status\":\"error\",\"message\":\"rate limit exceeded\"}").build());
    server.enqueue(json(results(false, event(10, 1))));
    assertEquals(1, client.lendingEvents(DEPOSIT, KNOWN, false, PROTOCOLS, START, END, n -> { }).size());
    assertEquals(2, server.getRequestCount());
  }

  @Test
  void unauthorizedFailsAtOnceNamingTheVariableWithoutTheKey() {
    server.enqueue(status(401, "{\"status\":\"error\",\"message\":\"Invalid API key\"}"));
    try (CapturedLogs logs = CapturedLogs.start()) {
      SourceAuthException e = assertThrows(SourceAuthException.class,
          () -> client.lendingEvents(DEPOSIT, KNOWN, false, PROTOCOLS, START, END, n -> { }));
      assertEquals(1, server.getRequestCount());
      assertTrue(e.getMessage().contains("set the environment variable TRANSPOSE_API_KEY"), e.getMessage());
      assertFalse((CapturedLogs.stackTrace(e) + logs.text()).contains(TRANSPOSE_KEY));
    }
  }

  @Test
  void forbiddenMeansOutOfCreditsNotABadKey() {
    http.forbiddenMeans(TransposeClient.FORBIDDEN);
    server.enqueue(status(403, "{\"status\":\"error\",\"message\":\"Out of credits\"}"));
    SourceException e = assertThrows(SourceException.class,
        () -> client.lendingEvents(DEPOSIT, KNOWN, false, PROTOCOLS, START, END, n -> { }));
    assertFalse(e instanceof SourceAuthException, "a 403 is not the key's fault at Transpose");
    assertEquals(1, server.getRequestCount(), "not retried");
    assertEquals(403, e.status());
    assertTrue(e.getMessage().contains("out of credits") && e.getMessage().contains("server said: Out of credits"),
        e.getMessage());
  }

  @Test
  void rowsOutOfKeysetOrderAreRejected() {
    server.enqueue(json(results(false, event(10, 5), event(10, 1))));
    SourceException e = assertThrows(SourceException.class,
        () -> client.lendingEvents(DEPOSIT, KNOWN, false, PROTOCOLS, START, END, n -> { }));
    assertTrue(e.getMessage().contains("not in (block_number, log_index) order"), e.getMessage());
  }

  @Test
  void firstBlockOfTheDayIsAskedWithDayBoundsAsParameters() throws Exception {
    String block = "{\"block_number\":18908895,\"timestamp\":\"2024-01-01T00:00:11Z\"}";
    server.enqueue(json(results(false, block)));

    TransposeClient.Row row = client.firstBlockOfDay(LocalDate.parse("2024-01-01")).orElseThrow();

    assertEquals(block, row.payload());
    JsonNode body = body(server.takeRequest());
    assertEquals("SELECT block_number, timestamp FROM ethereum.blocks WHERE timestamp >= '{{day_start}}'"
        + " AND timestamp < '{{day_end}}' ORDER BY block_number ASC LIMIT 1", body.path("sql").asText());
    assertEquals(JsonText.MAPPER.readTree("{\"day_start\":\"2024-01-01T00:00:00Z\",\"day_end\":\"2024-01-02T00:00:00Z\"}"),
        body.path("parameters"));
  }
}
