package dev.defilakehouse.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A small JSON-over-HTTP client for the tests (java.net.http). */
final class Http {
  static final ObjectMapper MAPPER = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  record Reply(int status, String body, HttpResponse<String> raw) {
    JsonNode json() {
      try {
        return MAPPER.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + body, e);
      }
    }

    String header(String name) { return raw.headers().firstValue(name).orElse(null); }
  }

  private Http() {}

  static Reply post(String url, String body, Map<String, String> headers) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.body(), r);
  }

  /** POSTs a GraphQL query with variables to a subgraph deployment of the sandbox. */
  static Reply graphql(Sandbox s, String protocol, String query, Map<String, Object> variables)
      throws IOException, InterruptedException {
    String body = MAPPER.writeValueAsString(Map.of("query", query, "variables", variables));
    return post(s.subgraphUrl(protocol), body, Map.of());
  }

  /** POSTs SQL with parameters to the sandbox's Transpose endpoint with its key. */
  static Reply sql(Sandbox s, String sql, Map<String, Object> parameters) throws IOException, InterruptedException {
    String body = MAPPER.writeValueAsString(Map.of("sql", sql, "parameters", parameters));
    return post(s.transposeBaseUrl() + "/sql", body, Map.of("X-API-KEY", s.transposeApiKey()));
  }
}
