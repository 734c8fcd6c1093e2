package dev.defilakehouse.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /api/<key>/subgraphs/id/<deployment>}: The Graph gateway in front of the deployments.
 * A bad key is HTTP 200 with {@code {"errors":[{"message":"auth error: malformed API key"}]}}.
 */
final class SubgraphHandler extends FaultyHandler {
  private final String apiKey;
  private final Map<String, SubgraphService> deployments;

  SubgraphHandler(EndpointFaults faults, String apiKey, Map<String, SubgraphService> deployments) {
    super(faults);
    this.apiKey = apiKey;
    this.deployments = deployments;
  }

  @Override
  Answer answer(HttpExchange ex, byte[] body) {
    // /api/<key>/subgraphs/id/<deployment>
    String[] parts = ex.getRequestURI().getPath().split("/");
    if (parts.length != 6 || !"api".equals(parts[1]) || !"subgraphs".equals(parts[3]) || !"id".equals(parts[4])) {
      return errors(404, "no route: use POST /api/<api-key>/subgraphs/id/<deployment-id>");
    }
    String key = parts[2];
    if (!key.equals(apiKey)) {
      // the gateway answers a bad key with HTTP 200 and only an error (graphprotocol/gateway-x#965;
      // the body as DefiLlama/yield-server#1362 logged it)
      return errors(200, key.matches("[0-9a-f]{32}") ? "auth error: API key not found"
          : "auth error: malformed API key");
    }
    if (!"POST".equals(ex.getRequestMethod())) {
      return errors(405, "method not allowed: send the query with POST");
    }
    SubgraphService service = deployments.get(parts[5]);
    if (service == null) {
      return errors(404, "subgraph not found: " + parts[5]);
    }
    JsonNode request;
    try {
      request = Json.read(body);
    } catch (IOException e) {
      return errors(400, "invalid JSON body: " + e.getMessage().split("\n")[0]);
    }
    if (request == null || !request.isObject() || !request.path("query").isTextual()) {
      return errors(400, "the request body needs a \"query\" string");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> variables = request.hasNonNull("variables")
        ? Json.MAPPER.convertValue(request.get("variables"), Map.class) : Map.of();
    String operation = request.hasNonNull("operationName") ? request.get("operationName").asText() : null;
    Map<String, Object> result = service.execute(request.get("query").asText(), normalise(variables), operation);
    return new Answer(200, Json.bytes(result));
  }

  /** Jackson reads JSON integers as BigInteger; graphql-java's Int wants ints. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> normalise(Map<String, Object> variables) {
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    variables.forEach((k, v) -> out.put(k, normaliseValue(v)));
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Object normaliseValue(Object v) {
    if (v instanceof java.math.BigInteger) {
      java.math.BigInteger b = (java.math.BigInteger) v;
      return b.bitLength() < 32 ? (Object) b.intValue() : b.bitLength() < 64 ? (Object) b.longValue() : b;
    }
    if (v instanceof Map) {
      return normalise((Map<String, Object>) v);
    }
    if (v instanceof List) {
      return ((List<Object>) v).stream().map(SubgraphHandler::normaliseValue).collect(java.util.stream.Collectors.toList());
    }
    return v;
  }

  private static Answer errors(int status, String message) {
    return new Answer(status, Json.bytes(Map.of("errors", List.of(SubgraphService.error(message)))));
  }

  @Override
  byte[] errorBody(int status, String message) {
    return Json.bytes(Map.of("errors", List.of(SubgraphService.error(message))));
  }

  @Override
  byte[] errorIn200() {
    return Json.bytes(Map.of("errors", List.of(SubgraphService.error(
        "Store error: database unavailable; the indexer could not serve the query, retry later"))));
  }
}
