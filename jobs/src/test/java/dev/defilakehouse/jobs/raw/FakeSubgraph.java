package dev.defilakehouse.jobs.raw;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

/**
 * A tiny gateway stand-in: {@code /api/<key>/subgraphs/id/<deployment>}, answering {@code _meta}
 * and id_gt-paginated {@code markets}/{@code positions} at the requested block from fixtures.
 */
final class FakeSubgraph extends Dispatcher {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** One recorded request: deployment and GraphQL body. */
  record Call(String deployment, JsonNode body) {}

  private final String key;
  /** type -> fields the introspection answer lists: Messari schema 3.1.0's that the jobs read, unless a test changes them. */
  final Map<String, List<String>> schema = new java.util.concurrent.ConcurrentHashMap<>(Map.of(
      "Query", List.of("markets", "positions", "lendingProtocols", "_meta"),
      "Market", List.of("id", "name", "liquidationThreshold", "maximumLTV", "inputToken", "inputTokenPriceUSD"),
      "Token", List.of("id", "name", "symbol", "decimals"),
      "Position", List.of("id", "account", "market", "side", "isCollateral", "balance"),
      "Account", List.of("id")));
  private final Map<String, Long> indexedBlock = new java.util.concurrent.ConcurrentHashMap<>();
  /** deployment -> entity field -> block -> entity JSON texts (sorted by id when served). */
  private final Map<String, Map<String, Map<Long, List<String>>>> entities = new HashMap<>();
  final List<Call> calls = new CopyOnWriteArrayList<>();

  FakeSubgraph(String key) {
    this.key = key;
  }

  FakeSubgraph indexedUpTo(String deployment, long block) {
    indexedBlock.put(deployment, block);
    return this;
  }

  FakeSubgraph entities(String deployment, String field, long block, List<String> json) {
    entities.computeIfAbsent(deployment, d -> new HashMap<>()).computeIfAbsent(field, f -> new HashMap<>())
        .put(block, json);
    return this;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String prefix = "/api/" + key + "/subgraphs/id/";
    String path = request.getUrl().encodedPath();
    if (!path.startsWith(prefix)) {
      // the gateway's answer to a bad key: HTTP 200 and only an error (graphprotocol/gateway-x#965)
      return response(200, "{\"errors\":[{\"message\":\"auth error: malformed API key\"}]}");
    }
    String deployment = path.substring(prefix.length());
    JsonNode body;
    try {
      body = MAPPER.readTree(request.getBody().utf8());
    } catch (IOException e) {
      return response(400, "{\"errors\":[{\"message\":\"bad body\"}]}");
    }
    calls.add(new Call(deployment, body));
    String query = body.path("query").asText();
    if (query.contains("__schema")) {
      StringBuilder types = new StringBuilder();
      schema.forEach((type, fields) -> types.append("{\"name\":\"").append(type).append("\",\"fields\":[")
          .append(String.join(",", fields.stream().map(f -> "{\"name\":\"" + f + "\"}").toList()))
          .append("],\"enumValues\":null},"));
      types.append("{\"name\":\"PositionSide\",\"fields\":null,\"enumValues\":[{\"name\":\"COLLATERAL\"},"
          + "{\"name\":\"BORROWER\"}]}");
      return response(200, "{\"data\":{\"_meta\":{\"deployment\":\"Qm" + deployment + "Hash\",\"hasIndexingErrors\":false,"
          + "\"block\":{\"number\":" + indexedBlock.getOrDefault(deployment, 0L) + "}},\"__schema\":{\"queryType\":"
          + "{\"name\":\"Query\"},\"types\":[" + types + "]}}}");
    }
    if (query.contains("lendingProtocols")) {
      return response(200, "{\"data\":{\"lendingProtocols\":[{\"schemaVersion\":\"3.1.0\",\"subgraphVersion\":\"2.2.0\"}]}}");
    }
    if (query.contains("_meta")) {
      return response(200, "{\"data\":{\"_meta\":{\"block\":{\"number\":" + indexedBlock.getOrDefault(deployment, 0L)
          + ",\"hash\":\"0xhash\",\"timestamp\":1704067211},\"hasIndexingErrors\":false}}}");
    }
    String field = query.contains("markets(") ? "markets" : "positions";
    JsonNode v = body.path("variables");
    long block = v.path("block").asLong();
    if (block > indexedBlock.getOrDefault(deployment, 0L)) {
      return response(200, "{\"errors\":[{\"message\":\"Failed to decode `block.number` value: subgraph has only indexed"
          + " up to block number " + indexedBlock.getOrDefault(deployment, 0L) + "\"}]}");
    }
    String lastId = v.path("lastId").asText();
    List<String> page = entities.getOrDefault(deployment, Map.of()).getOrDefault(field, Map.of())
        .getOrDefault(block, List.of()).stream()
        .filter(e -> id(e).compareTo(lastId) > 0).sorted((a, b) -> id(a).compareTo(id(b)))
        .limit(v.path("first").asLong()).toList();
    return response(200, "{\"data\":{\"" + field + "\":[" + String.join(",", page) + "]}}");
  }

  private static String id(String json) {
    try {
      return MAPPER.readTree(json).path("id").asText();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static MockResponse response(int code, String body) {
    return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(body).build();
  }
}
