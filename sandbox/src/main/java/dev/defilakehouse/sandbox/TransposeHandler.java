package dev.defilakehouse.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;

/**
 * {@code POST /sql} with {@code X-API-KEY}: the Transpose SQL API. No key or a wrong key is 401;
 * 403 means the key is out of credits (TransposeData/docs {@code docs/sql/response.md}), served
 * here once {@code transposeCredits} queries have been answered.
 */
final class TransposeHandler extends FaultyHandler {
  private final String apiKey;
  private final TransposeService service;
  private final long credits;
  private final java.util.concurrent.atomic.AtomicLong spent = new java.util.concurrent.atomic.AtomicLong();

  TransposeHandler(EndpointFaults faults, String apiKey, TransposeService service, long credits) {
    super(faults);
    this.apiKey = apiKey;
    this.service = service;
    this.credits = credits;
  }

  @Override
  Answer answer(HttpExchange ex, byte[] body) {
    if (!"/sql".equals(ex.getRequestURI().getPath())) {
      return of(TransposeService.error(404, "no route: use POST /sql"));
    }
    String key = ex.getRequestHeaders().getFirst("X-API-KEY");
    if (key == null || key.isBlank()) {
      return of(TransposeService.error(401, "missing API key: send it in the X-API-KEY header"));
    }
    if (!key.equals(apiKey)) {
      return of(TransposeService.error(401, "invalid API key"));
    }
    if (credits > 0 && spent.incrementAndGet() > credits) {
      return of(TransposeService.error(403, "out of credits: this API key has used all of its plan's credits"));
    }
    if (!"POST".equals(ex.getRequestMethod())) {
      return of(TransposeService.error(405, "method not allowed: send the query with POST"));
    }
    JsonNode request;
    try {
      request = Json.read(body);
    } catch (IOException e) {
      return of(TransposeService.error(400, "invalid JSON body: " + e.getMessage().split("\n")[0]));
    }
    if (request == null || !request.isObject()) {
      return of(TransposeService.error(400, "the request body must be a JSON object with \"sql\""));
    }
    return of(service.execute(request));
  }

  private static Answer of(TransposeService.Response r) { return new Answer(r.status(), r.body()); }

  @Override
  byte[] errorBody(int status, String message) { return TransposeService.error(status, message).body(); }

  @Override
  byte[] errorIn200() { return null; }
}
