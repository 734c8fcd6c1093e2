package dev.defilakehouse.common.source;

import static dev.defilakehouse.common.source.HttpTestSupport.SUBGRAPH_KEY;
import static dev.defilakehouse.common.source.HttpTestSupport.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.defilakehouse.common.testing.CapturedLogs;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SubgraphClientTest {
  private static final String DEPLOYMENT = "QmDeployment1";
  // odd but valid number and string forms that must survive byte for byte
  private static final String MARKET_A = "{\"id\":\"0xa\",\"name\":\"Aave USDC\",\"liquidationThreshold\":\"87.50\","
      + "\"maximumLTV\":\"85.0\",\"inputToken\":{\"id\":\"0xusdc\",\"symbol\":\"USDC\",\"decimals\":6},"
      + "\"inputTokenPriceUSD\":\"1.000100000000000000\"}";
  private static final String MARKET_B = "{ \"id\": \"0xb\", \"name\": \"Aave WETH\", \"liquidationThreshold\": \"82.5\", "
      + "\"maximumLTV\": \"80\", \"inputToken\": { \"id\": \"0xweth\", \"symbol\": \"WETH\", \"decimals\": 1.8E1 }, "
      + "\"inputTokenPriceUSD\": \"2281.123456789012345678\" }";
  private static final String MARKET_C = "{\"id\":\"0xc\",\"name\":\"Aave \\u00e9\",\"liquidationThreshold\":null,"
      + "\"maximumLTV\":\"0\",\"inputToken\":{\"id\":\"0xwbtc\",\"symbol\":\"WBTC\",\"decimals\":8},"
      + "\"inputTokenPriceUSD\":\"42000\"}";

  private MockWebServer server;
  private SourceHttp http;
  private SubgraphClient client;

  @BeforeEach
  void start() throws Exception {
    server = HttpTestSupport.startServer();
    http = HttpTestSupport.http(SubgraphClient.SOURCE, "SUBGRAPH_API_KEY", SUBGRAPH_KEY, 3,
        new HttpTestSupport.RecordingSleeper(), Clock.systemUTC());
    client = new SubgraphClient(http, server.url("/").toString(), SUBGRAPH_KEY, "aave_v2", DEPLOYMENT, 2);
  }

  @AfterEach
  void stop() {
    http.close();
    server.close();
  }

  private static String page(String entity, String... items) {
    return "{\"data\":{\"" + entity + "\":[" + String.join(",", items) + "]}}";
  }

  private static JsonNode body(RecordedRequest request) throws Exception {
    return JsonText.MAPPER.readTree(request.getBody().utf8());
  }

  @Test
  void paginatesByIdGtWithEveryPagePinnedToTheBlockAndKeepsPayloadsVerbatim() throws Exception {
    server.enqueue(json(page("markets", MARKET_A, MARKET_B)));
    server.enqueue(json(page("markets", MARKET_C)));
    List<Integer> pages = new ArrayList<>();

    List<SubgraphClient.Record> records = client.fetchAll(SubgraphClient.Entity.MARKETS, 18_000_000L, pages::add);

    assertEquals(List.of("0xa", "0xb", "0xc"), records.stream().map(SubgraphClient.Record::id).toList());
    assertEquals(List.of(MARKET_A, MARKET_B, MARKET_C), records.stream().map(SubgraphClient.Record::payload).toList());
    assertEquals(List.of(2, 1), pages);
    assertEquals(2, server.getRequestCount());

    RecordedRequest first = server.takeRequest();
    assertEquals("POST", first.getMethod());
    assertEquals("/api/" + SUBGRAPH_KEY + "/subgraphs/id/" + DEPLOYMENT, first.getUrl().encodedPath());
    JsonNode firstBody = body(first);
    String query = firstBody.path("query").asText();
    assertTrue(query.contains("markets(block: {number: $block}, first: $first, orderBy: id, orderDirection: asc,"
        + " where: {id_gt: $lastId})"), query);
    assertTrue(query.contains("inputToken { id symbol decimals } inputTokenPriceUSD"), query);
    assertEquals(JsonText.MAPPER.readTree("{\"block\":18000000,\"first\":2,\"lastId\":\"\"}"), firstBody.path("variables"));
    JsonNode secondBody = body(server.takeRequest());
    assertEquals(JsonText.MAPPER.readTree("{\"block\":18000000,\"first\":2,\"lastId\":\"0xb\"}"), secondBody.path("variables"));

    JsonNode request = JsonText.MAPPER.readTree(records.get(2).request());
    assertEquals("the_graph", request.path("source").asText());
    assertEquals("subgraphs/id/" + DEPLOYMENT, request.path("endpoint").asText());
    assertEquals("0xb", request.path("variables").path("lastId").asText());
    assertFalse(records.get(2).request().contains(SUBGRAPH_KEY));
  }

  @Test
  void positionsAskForTheDocumentedFields() throws Exception {
    server.enqueue(json(page("positions")));
    assertEquals(List.of(), client.fetchAll(SubgraphClient.Entity.POSITIONS, 5L, n -> { }));
    String query = body(server.takeRequest()).path("query").asText();
    assertTrue(query.contains("positions(block: {number: $block}"), query);
    assertTrue(query.contains("{ id account { id } market { id } side isCollateral balance }"), query);
    assertTrue(query.contains("where: {id_gt: $lastId, balance_not: \"0\"}"), "closed positions are left out: " + query);
  }

  @Test
  void metaBelowTheSnapshotBlockFailsSayingSo() {
    server.enqueue(json("{\"data\":{\"_meta\":{\"block\":{\"number\":100,\"hash\":\"0xh\",\"timestamp\":1700000000},"
        + "\"hasIndexingErrors\":false}}}"));

    SourceException e = assertThrows(SourceException.class, () -> client.requireIndexed(200, "2024-01-02"));
    assertTrue(e.getMessage().contains("subgraph aave_v2 (deployment " + DEPLOYMENT + ") has indexed only up to block 100"),
        e.getMessage());
    assertTrue(e.getMessage().contains("2024-01-02 needs block 200"), e.getMessage());
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void metaAtOrAboveTheBlockPasses() throws Exception {
    server.enqueue(json("{\"data\":{\"_meta\":{\"block\":{\"number\":200,\"hash\":\"0xh\",\"timestamp\":null},"
        + "\"hasIndexingErrors\":false}}}"));
    SubgraphClient.Meta meta = client.requireIndexed(200, "2024-01-02");
    assertEquals(200, meta.blockNumber());
    assertTrue(body(server.takeRequest()).path("query").asText().contains("_meta { block { number hash timestamp } hasIndexingErrors }"));
  }

  @Test
  void transientGraphqlErrorsAreRetried() {
    server.enqueue(json("{\"errors\":[{\"message\":\"bad indexers: {0xabc: Timeout}\"}]}"));
    server.enqueue(json("{\"data\":null,\"errors\":[{\"message\":\"Store error: database unavailable\"}]}"));
    server.enqueue(json(page("markets", MARKET_A)));

    List<SubgraphClient.Record> records = client.fetchAll(SubgraphClient.Entity.MARKETS, 1L, n -> { });

    assertEquals(1, records.size());
    assertEquals(3, server.getRequestCount());
    assertEquals(Map.of("graphql_transient", 2L), http.stats().faults());
  }

  @Test
  void queryErrorsFailAtOnceWithTheMessageAndNoKey() {
    server.enqueue(json("{\"data\":{\"markets\":[]},\"errors\":[{\"message\":\"Type `Market` has no field `maximumLTV`\"}]}"));
    try (CapturedLogs logs = CapturedLogs.start()) {
      SourceException e = assertThrows(SourceException.class,
          () -> client.fetchAll(SubgraphClient.Entity.MARKETS, 1L, n -> { }));
      assertEquals(1, server.getRequestCount());
      assertTrue(e.getMessage().contains("subgraph aave_v2 rejected the query"), e.getMessage());
      assertTrue(e.getMessage().contains("Type `Market` has no field `maximumLTV`"), e.getMessage());
      assertFalse((CapturedLogs.stackTrace(e) + logs.text()).contains(SUBGRAPH_KEY));
    }
  }

  @Test
  void unauthorizedFailsAtOnceNamingTheVariable() {
    server.enqueue(HttpTestSupport.status(401, "{\"errors\":[{\"message\":\"invalid API key\"}]}"));
    SourceAuthException e = assertThrows(SourceAuthException.class, client::meta);
    assertEquals(1, server.getRequestCount());
    assertTrue(e.getMessage().contains("SUBGRAPH_API_KEY"), e.getMessage());
    assertTrue(e.getMessage().contains("/api/***/subgraphs/id/" + DEPLOYMENT), e.getMessage());
    assertFalse(e.getMessage().contains(SUBGRAPH_KEY));
  }

  @Test
  void theGatewaysAuthErrorInA200FailsAtOnceNamingTheVariable() {
    // the gateway's answer to a bad key, as DefiLlama/yield-server#1362 logged it: status 200
    server.enqueue(json("{\"errors\":[{\"message\":\"auth error: malformed API key\"}]}"));
    SourceAuthException e = assertThrows(SourceAuthException.class, client::meta);
    assertEquals(1, server.getRequestCount(), "not retried");
    assertTrue(e.getMessage().contains("auth error: malformed API key"), e.getMessage());
    assertTrue(e.getMessage().contains("SUBGRAPH_API_KEY"), e.getMessage());
    assertFalse(e.getMessage().contains(SUBGRAPH_KEY));
  }

  /** An introspection answer with these types (name -> fields) and position sides. */
  static String schema(Map<String, List<String>> types, List<String> sides) {
    StringBuilder out = new StringBuilder("{\"data\":{\"_meta\":{\"deployment\":\"QmHash\",\"hasIndexingErrors\":false,"
        + "\"block\":{\"number\":19000000}},\"__schema\":{\"queryType\":{\"name\":\"Query\"},\"types\":[");
    List<String> rendered = new ArrayList<>();
    types.forEach((type, fields) -> rendered.add("{\"name\":\"" + type + "\",\"fields\":["
        + String.join(",", fields.stream().map(f -> "{\"name\":\"" + f + "\"}").toList()) + "],\"enumValues\":null}"));
    rendered.add("{\"name\":\"PositionSide\",\"fields\":null,\"enumValues\":["
        + String.join(",", sides.stream().map(v -> "{\"name\":\"" + v + "\"}").toList()) + "]}");
    return out.append(String.join(",", rendered)).append("]}}}").toString();
  }

  static Map<String, List<String>> messari31() {
    return new java.util.LinkedHashMap<>(Map.of(
        "Query", List.of("markets", "positions", "lendingProtocols", "_meta"),
        "Market", List.of("id", "name", "liquidationThreshold", "maximumLTV", "inputToken", "inputTokenPriceUSD", "rates"),
        "Token", List.of("id", "name", "symbol", "decimals"),
        "Position", List.of("id", "account", "market", "side", "type", "isCollateral", "balance"),
        "Account", List.of("id", "positionCount")));
  }

  @Test
  void theSchemaCheckReadsTheVersionAndPassesWhenEveryFieldReadIsServed() throws Exception {
    server.enqueue(json(schema(messari31(), List.of("COLLATERAL", "BORROWER"))));
    server.enqueue(json("{\"data\":{\"lendingProtocols\":[{\"schemaVersion\":\"3.1.0\",\"subgraphVersion\":\"2.2.0\"}]}}"));
    SubgraphClient.SchemaInfo info = client.checkSchema(List.of(SubgraphClient.Entity.MARKETS,
        SubgraphClient.Entity.POSITIONS));
    assertEquals(new SubgraphClient.SchemaInfo("QmHash", "3.1.0", "2.2.0", 19_000_000L, false), info);
    assertEquals(SubgraphClient.SCHEMA_QUERY, body(server.takeRequest()).path("query").asText());
    assertEquals(SubgraphClient.VERSION_QUERY, body(server.takeRequest()).path("query").asText());
  }

  @Test
  void anUpgradedSchemaWithoutAFieldReadFailsNamingIt() {
    Map<String, List<String>> upgraded = messari31();
    upgraded.put("Market", List.of("id", "name", "liquidationThreshold", "maxLTV", "inputToken", "inputTokenPriceUSD"));
    server.enqueue(json(schema(upgraded, List.of("COLLATERAL", "BORROWER"))));
    server.enqueue(json("{\"data\":{\"lendingProtocols\":[{\"schemaVersion\":\"4.0.0\",\"subgraphVersion\":\"3.0.0\"}]}}"));
    SourceException e = assertThrows(SourceException.class,
        () -> client.checkSchema(List.of(SubgraphClient.Entity.MARKETS)));
    assertTrue(e.getMessage().contains("does not serve [Market.maximumLTV]"), e.getMessage());
    assertTrue(e.getMessage().contains("schema 4.0.0") && e.getMessage().contains("deployment QmHash"), e.getMessage());
  }

  @Test
  void aPositionSideStageDoesNotKnowFailsTheSchemaCheck() {
    server.enqueue(json(schema(messari31(), List.of("COLLATERAL", "BORROWER", "SUPPLIER"))));
    server.enqueue(json("{\"data\":{\"lendingProtocols\":[{\"schemaVersion\":\"3.2.0\",\"subgraphVersion\":\"1\"}]}}"));
    SourceException e = assertThrows(SourceException.class,
        () -> client.checkSchema(List.of(SubgraphClient.Entity.POSITIONS)));
    assertTrue(e.getMessage().contains("position sides [COLLATERAL, BORROWER, SUPPLIER]"), e.getMessage());
  }

  @Test
  void aServerIgnoringIdGtIsCaughtInsteadOfLoopingForever() {
    server.enqueue(json(page("markets", MARKET_A, MARKET_B)));
    server.enqueue(json(page("markets", MARKET_A, MARKET_B)));
    SourceException e = assertThrows(SourceException.class,
        () -> client.fetchAll(SubgraphClient.Entity.MARKETS, 1L, n -> { }));
    assertTrue(e.getMessage().contains("not after the previous page's last id"), e.getMessage());
  }

  @Test
  void pageSizeAboveTheGraphsLimitIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new SubgraphClient(http, "http://x", "k", "aave_v2", DEPLOYMENT, 1001));
    assertTrue(e.getMessage().contains("subgraph.page_size"));
  }

  @Test
  void idSlicesHoldEveryIdExactlyOnce() {
    List<String> ids = List.of("", "0", "0x", "0x0", "0x0fff-0xa-BORROWER-0", "0x4", "0x3fffffff", "0x4000", "0x7f",
        "0x8", "0xc", "0xbfff", "0xf", "0xffff", "0xg", "1", "abc", "\u00e9", "0x40", "0x3f", "0xc0", "0x10");
    for (int n : new int[] {1, 2, 4, 8, 16}) {
      List<SubgraphClient.IdSlice> slices = SubgraphClient.idSlices(n);
      assertEquals(n, slices.size());
      for (String id : ids) {
        long holding = slices.stream().filter(s -> id.compareTo(s.from()) >= 0
            && (s.before() == null || id.compareTo(s.before()) < 0)).count();
        assertEquals(1, holding, "id '" + id + "' in " + holding + " of " + slices);
      }
    }
    assertEquals(List.of(new SubgraphClient.IdSlice("", "0x40"), new SubgraphClient.IdSlice("0x40", "0x80"),
        new SubgraphClient.IdSlice("0x80", "0xc0"), new SubgraphClient.IdSlice("0xc0", null)), SubgraphClient.idSlices(4));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SubgraphClient.idSlices(3));
    assertTrue(e.getMessage().contains("subgraph.id_slices"), e.getMessage());

    String bounded = SubgraphClient.Entity.POSITIONS.query(new SubgraphClient.IdSlice("0x4", "0x8"));
    assertTrue(bounded.contains("where: {id_gt: $lastId, id_gte: $from, id_lt: $before, balance_not: \"0\"}"), bounded);
    String open = SubgraphClient.Entity.MARKETS.query(new SubgraphClient.IdSlice("0xc", null));
    assertTrue(open.contains("where: {id_gt: $lastId, id_gte: $from}") && !open.contains("$before"), open);
    assertEquals(SubgraphClient.Entity.MARKETS.query(), SubgraphClient.Entity.MARKETS.query(SubgraphClient.IdSlice.ALL));
  }
}
