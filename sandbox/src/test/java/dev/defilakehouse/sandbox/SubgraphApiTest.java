package dev.defilakehouse.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedSandbox.class)
class SubgraphApiTest {
  private static final String POSITIONS_PAGE = "query($block: Int!, $lastId: String!) {"
      + " positions(first: 1000, orderBy: id, orderDirection: asc, where: {id_gt: $lastId}, block: {number: $block})"
      + " { id account { id } market { id } side isCollateral balance } }";

  @Test
  void idGtPagingOverMoreThan5000PositionsReturnsEachExactlyOnce(Sandbox s) throws Exception {
    Simulation sim = s.simulation();
    long block = sim.firstBlockOfDay(LocalDate.parse("2024-01-07"));
    List<String> expected = sim.positionsAt("aave_v2", block).stream().map(Position::id).toList();
    assertTrue(expected.size() > 5_000, "fixture must have more than 5000 positions, has " + expected.size());

    List<String> seen = new ArrayList<>();
    String lastId = "";
    while (true) {
      JsonNode page = Http.graphql(s, "aave_v2", POSITIONS_PAGE, Map.of("block", block, "lastId", lastId))
          .json().path("data").path("positions");
      if (page.isEmpty()) {
        break;
      }
      for (JsonNode p : page) {
        seen.add(p.get("id").asText());
      }
      lastId = page.get(page.size() - 1).get("id").asText();
    }
    assertEquals(seen.size(), new HashSet<>(seen).size(), "no position may come twice");
    assertEquals(expected, seen);
  }

  @Test
  void skipAbove5000AndFirstAbove1000GiveTheGraphsErrors(Sandbox s) throws Exception {
    JsonNode skip = Http.graphql(s, "aave_v2", "{ positions(skip: 6000) { id } }", Map.of()).json();
    assertEquals("The `skip` argument must be between 0 and 5000, but is 6000",
        skip.path("errors").get(0).path("message").asText());
    assertFalse(skip.has("data"));
    Http.Reply first = Http.graphql(s, "compound_v2", "{ markets(first: 1001) { id } }", Map.of());
    assertEquals(200, first.status());
    assertEquals("{\"errors\":[{\"message\":\"The `first` argument must be between 0 and 1000, but is 1001\"}]}",
        first.body());
  }

  @Test
  void aBlockAboveTheIndexedHeadIsAnError(Sandbox s) throws Exception {
    long head = s.simulation().headBlock();
    JsonNode ok = Http.graphql(s, "aave_v3", "query($b: Int!) { _meta(block: {number: $b}) { block { number hash timestamp } hasIndexingErrors } }",
        Map.of("b", head)).json();
    assertEquals(head, ok.at("/data/_meta/block/number").asLong());
    assertEquals(s.simulation().blockTimestamp(head).getEpochSecond(), ok.at("/data/_meta/block/timestamp").asLong());
    JsonNode tooNew = Http.graphql(s, "aave_v3", "query($b: Int!) { markets(block: {number: $b}) { id } }",
        Map.of("b", head + 1)).json();
    assertTrue(tooNew.at("/errors/0/message").asText().contains("has only indexed up to block number " + head),
        tooNew.toString());
  }

  @Test
  void aWrongKeyOrDeploymentIsRefused(Sandbox s) throws Exception {
    String base = s.subgraphBaseUrl() + "/api/";
    Http.Reply wrongKey = Http.post(base + "0123456789abcdef0123456789abcdef/subgraphs/id/" + s.deploymentId("aave_v2"),
        "{\"query\":\"{ markets { id } }\"}", Map.of());
    // the gateway answers a bad key with 200 and only an error (graphprotocol/gateway-x#965)
    assertEquals(200, wrongKey.status());
    assertEquals("auth error: API key not found", wrongKey.json().at("/errors/0/message").asText());
    Http.Reply malformed = Http.post(base + "not-a-key/subgraphs/id/" + s.deploymentId("aave_v2"),
        "{\"query\":\"{ markets { id } }\"}", Map.of());
    assertEquals(200, malformed.status());
    assertEquals("{\"errors\":[{\"message\":\"auth error: malformed API key\"}]}", malformed.body());
    Http.Reply unknown = Http.post(base + s.subgraphApiKey() + "/subgraphs/id/QmNothingHere",
        "{\"query\":\"{ markets { id } }\"}", Map.of());
    assertEquals(404, unknown.status());
    assertTrue(unknown.json().at("/errors/0/message").asText().contains("QmNothingHere"));
  }

  @Test
  void positionsAtABlockEqualTheReplayOfEventsUpToIt(Sandbox s) throws Exception {
    Simulation sim = s.simulation();
    List<Long> blocks = List.of(sim.firstBlockOfDay(LocalDate.parse("2024-01-02")),
        sim.firstBlockOfDay(LocalDate.parse("2024-01-04")) + 1_234,
        sim.firstBlockOfDay(LocalDate.parse("2024-01-05")) + 20, // inside the liquidation window
        sim.headBlock());
    for (String protocol : sim.protocols()) {
      Set<String> wallets = new LinkedHashSet<>();
      sim.liquidations().stream().filter(e -> e.protocol().id().equals(protocol)).limit(3)
          .forEach(e -> wallets.add(e.accountAddress()));
      sim.events(protocol).stream().limit(400).forEach(e -> {
        if (wallets.size() < 12) {
          wallets.add(e.accountAddress());
        }
      });
      for (long block : blocks) {
        Map<String, BigInteger> expected = new HashMap<>(Replay.balances(sim, protocol, block));
        expected.keySet().removeIf(k -> !wallets.contains(k.substring(0, k.indexOf('|'))));
        JsonNode page = Http.graphql(s, protocol, "query($b: Int!, $w: [String!]) { positions(first: 1000,"
            + " where: {account_in: $w, balance_not: \"0\"}, block: {number: $b}) { id account { id } market { id } side balance } }",
            Map.of("b", block, "w", List.copyOf(wallets))).json().at("/data/positions");
        Map<String, BigInteger> actual = new HashMap<>();
        for (JsonNode p : page) {
          actual.put(p.at("/account/id").asText() + "|" + p.at("/market/id").asText() + "|"
              + Replay.side(p.get("side").asText()), new BigInteger(p.get("balance").asText()));
        }
        assertEquals(expected, actual, protocol + " at block " + block);
        if (block == sim.headBlock()) {
          assertFalse(expected.isEmpty(), "the sampled wallets should hold something at the head");
        }
      }
    }
  }

  @Test
  void aaveSaysCollateralAndCompoundSaysLender(Sandbox s) throws Exception {
    String q = "{ positions(first: 1000) { side } }";
    assertEquals(Set.of("COLLATERAL", "BORROWER"), sides(Http.graphql(s, "aave_v2", q, Map.of()).json()));
    assertEquals(Set.of("COLLATERAL", "BORROWER"), sides(Http.graphql(s, "aave_v3", q, Map.of()).json()));
    assertEquals(Set.of("LENDER", "BORROWER"), sides(Http.graphql(s, "compound_v2", q, Map.of()).json()));
  }

  private static Set<String> sides(JsonNode response) {
    Set<String> out = new HashSet<>();
    response.at("/data/positions").forEach(p -> out.add(p.get("side").asText()));
    return out;
  }

  @Test
  void marketsAndPositionsRenderExactlyAsTheTruthApi(Sandbox s) throws Exception {
    Simulation sim = s.simulation();
    long block = sim.firstBlockOfDay(LocalDate.parse("2024-01-04"));
    for (String protocol : sim.protocols()) {
      String body = Http.graphql(s, protocol, "query($b: Int!) { markets(first: 100, orderBy: id, orderDirection: asc,"
          + " block: {number: $b}) { id name liquidationThreshold maximumLTV inputToken { id symbol decimals } inputTokenPriceUSD } }",
          Map.of("b", block)).body();
      StringBuilder expected = new StringBuilder("{\"data\":{\"markets\":[");
      List<Market> markets = sim.marketsAt(protocol, block);
      for (int i = 0; i < markets.size(); i++) {
        expected.append(i > 0 ? "," : "").append(sim.marketJson(markets.get(i), block));
      }
      assertEquals(expected.append("]}}").toString(), body);
      assertTrue(markets.stream().anyMatch(m -> m.inputTokenSymbol().equals(protocol.startsWith("aave") ? "WETH" : "ETH")),
          protocol + " needs an ether market");

      JsonNode prices = Http.MAPPER.readTree(body).at("/data/markets");
      for (JsonNode m : prices) {
        Market market = sim.market(protocol, m.get("id").asText());
        assertEquals(sim.reportedPriceUsd(market, block).toPlainString(), m.get("inputTokenPriceUSD").asText());
      }

      Position first = sim.positionsAt(protocol, block).get(0);
      String page = Http.graphql(s, protocol, "query($b: Int!) { positions(first: 1, block: {number: $b})"
          + " { id account { id } market { id } side isCollateral balance } }", Map.of("b", block)).body();
      assertEquals("{\"data\":{\"positions\":[" + sim.positionJson(first) + "]}}", page);
    }
  }

  @Test
  void everySchemaFieldResolves(Sandbox s) throws Exception {
    Http.Reply r = Http.graphql(s, "compound_v2", "{ market(id: \"0x4ddc2d193948926d02f9b1fe9e1daa0718270ed5\")"
        + " { id name inputToken { id name symbol decimals } } positions(first: 5, orderDirection: desc)"
        + " { id market { inputToken { name } } isCollateral } _meta { deployment hasIndexingErrors } }", Map.of());
    assertFalse(r.json().has("errors"), r.body());
    assertEquals("Compound Ether", r.json().at("/data/market/name").asText());
    // cETH takes ether itself: Messari's placeholder address (messari/subgraphs compound-v2 src/constants.ts)
    assertEquals("0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee", r.json().at("/data/market/inputToken/id").asText());
    assertEquals("Ether", r.json().at("/data/market/inputToken/name").asText());
    // _meta.deployment is the deployment hash behind the subgraph id, not the id in the URL
    assertTrue(r.json().at("/data/_meta/deployment").asText().matches("Qm[1-9A-HJ-NP-Za-km-z]{44}"), r.body());
    List<Position> all = s.simulation().positionsAt("compound_v2", s.simulation().headBlock());
    assertEquals(all.get(all.size() - 1).id(), r.json().at("/data/positions/0/id").asText());
  }

  @Test
  void closedPositionsKeepBalanceZeroAndBalanceNotFiltersThem(Sandbox s) throws Exception {
    Simulation sim = s.simulation();
    long closed = sim.positionsAt("aave_v3", sim.headBlock()).stream().filter(p -> p.balance().signum() == 0).count();
    assertTrue(closed > 0, "the fixture should have closed positions");
    int open = 0;
    String lastId = "";
    while (true) {
      JsonNode page = Http.graphql(s, "aave_v3", "query($last: String!) { positions(first: 1000, where: {id_gt: $last,"
          + " balance_not: \"0\"}) { id balance } }", Map.of("last", lastId)).json().at("/data/positions");
      if (page.isEmpty()) {
        break;
      }
      for (JsonNode p : page) {
        assertFalse("0".equals(p.get("balance").asText()));
        open++;
      }
      lastId = page.get(page.size() - 1).get("id").asText();
    }
    assertEquals(sim.positionsAt("aave_v3", sim.headBlock()).size() - closed, open);
  }

  @Test
  void eachDeploymentServesItsForksSchemaTypesAndVersion(Sandbox s) throws Exception {
    String q = "{ market: __type(name: \"Market\") { fields { name type { kind name ofType { name } } } }"
        + " lendingProtocols { schemaVersion subgraphVersion } }";
    String sideQuery = "{ __type(name: \"PositionSide\") { enumValues { name } } }";
    // messari/subgraphs: aave-forks schema 3.1.0 has Bytes ids, compound-forks 2.0.1 ID ids
    for (String[] expected : new String[][] {{"aave_v2", "Bytes", "COLLATERAL", "3.1.0", "2.2.0"},
        {"aave_v3", "Bytes", "COLLATERAL", "3.1.0", "2.4.1"}, {"compound_v2", "ID", "LENDER", "2.0.1", "1.9.0"}}) {
      JsonNode reply = Http.graphql(s, expected[0], q, Map.of()).json();
      assertFalse(reply.has("errors"), reply.toString());
      JsonNode data = reply.get("data");
      Map<String, String> types = new HashMap<>();
      data.at("/market/fields").forEach(f -> types.put(f.get("name").asText(), f.at("/type/ofType/name").asText()));
      assertEquals(expected[1], types.get("id"), expected[0]);
      assertEquals("BigDecimal", types.get("inputTokenPriceUSD"), expected[0]);
      assertEquals("BigDecimal", types.get("liquidationThreshold"), expected[0]);
      Set<String> sides = new HashSet<>();
      Http.graphql(s, expected[0], sideQuery, Map.of()).json().at("/data/__type/enumValues")
          .forEach(v -> sides.add(v.get("name").asText()));
      assertEquals(Set.of(expected[2], "BORROWER"), sides, expected[0]);
      assertEquals(expected[3], data.at("/lendingProtocols/0/schemaVersion").asText());
      assertEquals(expected[4], data.at("/lendingProtocols/0/subgraphVersion").asText());
    }
    JsonNode badBytes = Http.graphql(s, "aave_v2", "{ markets(where: {id_gt: \"0xabc\"}) { id } }", Map.of()).json();
    assertTrue(badBytes.at("/errors/0/message").asText().contains("Bytes"), badBytes.toString());
  }
}
