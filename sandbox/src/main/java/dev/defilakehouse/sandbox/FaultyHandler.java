package dev.defilakehouse.sandbox;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/** Applies an endpoint's faults, latency and rate limit around the real answer. */
abstract class FaultyHandler implements HttpHandler {
  /** A status and JSON body. */
  record Answer(int status, byte[] body) {}

  private final EndpointFaults faults;

  FaultyHandler(EndpointFaults faults) { this.faults = faults; }

  /** The real answer to a request. */
  abstract Answer answer(HttpExchange exchange, byte[] body);

  /** Body of an error status (injected or rate limit). */
  abstract byte[] errorBody(int status, String message);

  /** Body of a 200 that carries an error (GraphQL {@code errors}), or null when the endpoint has none. */
  abstract byte[] errorIn200();

  @Override
  public void handle(HttpExchange ex) throws IOException {
    try {
      byte[] body = ex.getRequestBody().readAllBytes();
      EndpointFaults.Decision d = faults.next();
      sleep(d.latencyMillis());
      switch (d.kind()) {
        case RATE_LIMITED:
          ex.getResponseHeaders().set("Retry-After", Integer.toString(d.retryAfterSeconds()));
          send(ex, 429, errorBody(429, "rate limit exceeded: slow down and retry after "
              + d.retryAfterSeconds() + " s"));
          return;
        case STATUS:
          if (d.status() == 429) {
            ex.getResponseHeaders().set("Retry-After", Integer.toString(d.retryAfterSeconds()));
          }
          send(ex, d.status(), errorBody(d.status(), reason(d.status())));
          return;
        case DROP:
          return; // closing an exchange before any header drops the connection
        case GRAPHQL_ERROR:
          byte[] errors = errorIn200();
          if (errors != null) {
            send(ex, 200, errors);
            return;
          }
          break;
        case SLOW:
          sleep(d.delayMillis());
          break;
        default:
          break;
      }
      Answer a = answer(ex, body);
      byte[] out = a.body();
      if (d.kind() == EndpointFaults.Kind.MALFORMED && a.status() == 200) {
        out = Arrays.copyOf(out, Math.max(1, out.length / 2));
      }
      send(ex, a.status(), out);
    } catch (RuntimeException e) {
      send(ex, 500, errorBody(500, "internal sandbox error: " + e.getClass().getSimpleName()));
    } finally {
      ex.close();
    }
  }

  private static String reason(int status) {
    switch (status) {
      case 429: return "too many requests";
      case 500: return "internal server error";
      case 502: return "bad gateway";
      case 503: return "service unavailable";
      case 504: return "gateway timeout";
      default: return "HTTP " + status;
    }
  }

  static void send(HttpExchange ex, int status, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream os = ex.getResponseBody()) {
        os.write(body);
      }
    }
  }

  private static void sleep(long millis) {
    if (millis <= 0) {
      return;
    }
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
