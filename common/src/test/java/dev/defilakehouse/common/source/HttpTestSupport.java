package dev.defilakehouse.common.source;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;

/** Shared fixtures of the source client tests: a loopback server, short timeouts, recorded sleeps. */
final class HttpTestSupport {
  static final String SUBGRAPH_KEY = "sg-secret-key-5f1d2c";
  static final String TRANSPOSE_KEY = "tp-secret-key-9a8b7c";

  private HttpTestSupport() {}

  static MockWebServer startServer() throws IOException {
    MockWebServer server = new MockWebServer();
    server.start(InetAddress.getLoopbackAddress(), 0);
    return server;
  }

  /** Short timeouts, no rate limit, tiny backoffs: faults cost milliseconds. */
  static HttpSettings settings(int maxAttempts) {
    return new HttpSettings(Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofSeconds(5), maxAttempts,
        Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofSeconds(60), 0, 2);
  }

  /** Sleeps nothing, remembers what it was asked to wait. */
  static final class RecordingSleeper implements SourceHttp.Sleeper {
    final List<Duration> sleeps = new CopyOnWriteArrayList<>();

    @Override
    public void sleep(Duration duration) {
      sleeps.add(duration);
    }
  }

  static SourceHttp http(String source, String keyVariable, String key, int maxAttempts, RecordingSleeper sleeper,
                         Clock clock) {
    return new SourceHttp(source, keyVariable, settings(maxAttempts), SecretMasker.of(key), sleeper, clock);
  }

  static MockResponse json(String body) {
    return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json").body(body).build();
  }

  static MockResponse status(int code, String body) {
    return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(body).build();
  }
}
