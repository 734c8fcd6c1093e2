package dev.defilakehouse.jobs.raw;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

/**
 * A tiny Transpose stand-in for job tests: answers the queries the raw jobs send by interpreting
 * their parameters over fixture rows (keyset, limit, categories, protocols, day range, the
 * per-category count). It refuses SQL whose text placeholders are not quoted, as Transpose
 * answers them with 400 (parameters are pasted as text).
 */
final class FakeTranspose extends Dispatcher {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final String key;
  private final List<String> events = new ArrayList<>();
  private final List<String> blocks = new ArrayList<>();
  final List<JsonNode> requests = new CopyOnWriteArrayList<>();
  /** Returns a response to inject a fault for a request body, or null to answer normally. */
  volatile Function<JsonNode, MockResponse> fault = body -> null;

  FakeTranspose(String key) {
    this.key = key;
  }

  FakeTranspose event(String json) {
    events.add(json);
    return this;
  }

  FakeTranspose block(long number, String timestamp) {
    blocks.add("{\"block_number\":" + number + ",\"timestamp\":\"" + timestamp + "\"}");
    return this;
  }

  static String event(String category, String protocol, String version, String timestamp, long block, int logIndex,
                      String quantity) {
    return "{\"timestamp\":\"" + timestamp + "\",\"block_number\":" + block + ",\"log_index\":" + logIndex
        + ",\"transaction_hash\":\"0x" + Long.toHexString(block) + "a" + logIndex + "\",\"protocol_name\":\"" + protocol
        + "\",\"contract_version\":\"" + version + "\",\"market_address\":\"0xmarket\",\"token_address\":\"0xtoken\","
        + "\"category\":\"" + category + "\",\"account_address\":\"0xaccount\",\"sender_address\":\"0xsender\","
        + "\"quantity\":" + quantity + "}";
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    if (!key.equals(request.getHeaders().get("X-API-KEY"))) {
      return response(401, "{\"status\":\"error\",\"message\":\"Invalid API key\"}");
    }
    JsonNode body;
    try {
      body = MAPPER.readTree(request.getBody().utf8());
    } catch (IOException e) {
      return response(400, "{\"status\":\"error\",\"message\":\"bad body\"}");
    }
    requests.add(body);
    MockResponse injected = fault.apply(body);
    if (injected != null) {
      return injected;
    }
    String sql = body.path("sql").asText();
    JsonNode p = body.path("parameters");
    for (String text : List.of("start", "end", "day_start", "day_end", "category_0", "protocol_name_0")) {
      if (p.has(text) && !sql.contains("'{{" + text + "}}'")) {
        return response(400, "{\"status\":\"error\",\"message\":\"syntax error: trailing junk after numeric literal\"}");
      }
    }
    if (sql.contains("FROM ethereum.blocks")) {
      Instant from = Instant.parse(p.path("day_start").asText());
      Instant to = Instant.parse(p.path("day_end").asText());
      List<String> hits = blocks.stream().filter(b -> within(read(b).path("timestamp").asText(), from, to))
          .sorted(Comparator.comparingLong(b -> read(b).path("block_number").asLong())).limit(1).toList();
      return results(hits);
    }
    if (sql.contains("GROUP BY category")) {
      Instant from = Instant.parse(p.path("start").asText());
      Instant to = Instant.parse(p.path("end").asText());
      java.util.Map<String, Long> counts = new java.util.TreeMap<>();
      events.stream().map(FakeTranspose::read)
          .filter(n -> protocolWanted(n, p) && within(n.path("timestamp").asText(), from, to))
          .forEach(n -> counts.merge(n.path("category").asText(), 1L, Long::sum));
      return results(counts.entrySet().stream()
          .map(e -> "{\"category\":\"" + e.getKey() + "\",\"events\":" + e.getValue() + "}").toList());
    }
    if (sql.contains("FROM ethereum.lending_events")) {
      Instant from = Instant.parse(p.path("start").asText());
      Instant to = Instant.parse(p.path("end").asText());
      long afterBlock = p.path("after_block_number").asLong();
      long afterLog = p.path("after_log_index").asLong();
      List<String> hits = events.stream().filter(e -> {
        JsonNode n = read(e);
        long b = n.path("block_number").asLong();
        long l = n.path("log_index").asLong();
        return categoryWanted(n, p)
            && protocolWanted(n, p)
            && within(n.path("timestamp").asText(), from, to)
            && (b > afterBlock || (b == afterBlock && l > afterLog));
      }).sorted(Comparator.<String>comparingLong(e -> read(e).path("block_number").asLong())
          .thenComparingLong(e -> read(e).path("log_index").asLong()))
          .limit(p.path("limit").asLong()).toList();
      return results(hits);
    }
    return response(400, "{\"status\":\"error\",\"message\":\"unsupported query\"}");
  }

  private static boolean categoryWanted(JsonNode row, JsonNode p) {
    for (int i = 0; p.has("category_" + i); i++) {
      if (row.path("category").asText().equals(p.path("category_" + i).asText())) {
        return true;
      }
    }
    return false;
  }

  private static boolean protocolWanted(JsonNode row, JsonNode p) {
    for (int i = 0; p.has("protocol_name_" + i); i++) {
      if (row.path("protocol_name").asText().equals(p.path("protocol_name_" + i).asText())
          && row.path("contract_version").asText().equals(p.path("contract_version_" + i).asText())) {
        return true;
      }
    }
    return false;
  }

  private static boolean within(String timestamp, Instant from, Instant to) {
    Instant t = Instant.parse(timestamp);
    return !t.isBefore(from) && t.isBefore(to);
  }

  private static JsonNode read(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static MockResponse results(List<String> rows) {
    return response(200, "{\"status\":\"success\",\"stats\":{\"count\":" + rows.size()
        + ",\"size\":1,\"time\":1,\"truncated\":false},\"results\":[" + String.join(",", rows) + "]}");
  }

  static MockResponse response(int code, String body) {
    return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(body).build();
  }
}
