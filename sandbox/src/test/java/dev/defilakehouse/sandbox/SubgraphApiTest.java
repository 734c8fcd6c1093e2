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
    assertEquals(401, wrongKey.status());
    assertEquals("auth error: API key not found", wrongKey.json().at("/errors/0/message").asText());
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
      List<Market> markets = sim.markets(protocol);
      for (int i = 0; i < markets.size(); i++) {
        expected.append(i > 0 ? "," : "").append(sim.marketJson(markets.get(i), block));
      }
      assertEquals(expected.append("]}}").toString(), body);
      assertTrue(markets.stream().anyMatch(m -> m.inputTokenSymbol().equals("WETH")), protocol + " needs a WETH market");

      JsonNode prices = Http.MAPPER.readTree(body).at("/data/markets");
      for (JsonNode m : prices) {
        assertEquals(sim.priceUsd(protocol, m.at("/inputToken/id").asText(), block).toPlainString(),
            m.get("inputTokenPriceUSD").asText());
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
    assertEquals("Wrapped Ether", r.json().at("/data/market/inputToken/name").asText());
    assertEquals(s.deploymentId("compound_v2"), r.json().at("/data/_meta/deployment").asText());
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
}
