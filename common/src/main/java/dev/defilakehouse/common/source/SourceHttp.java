package dev.defilakehouse.common.source;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one HTTP stack of the source clients (OkHttp): timeouts, bounded retries with exponential
 * backoff and full jitter on connection errors, timeouts, 408, 429 and 5xx (honouring
 * {@code Retry-After}), a token-bucket rate limit and a bound on concurrent requests. 401/403 fail
 * at once naming the key variable. Everything it prints or throws goes through the
 * {@link SecretMasker}.
 */
public final class SourceHttp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SourceHttp.class);
  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

  /** How the stack waits between attempts; tests record instead of sleeping. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  /** Turns a 2xx body into a result; throws {@link RetryableFault} to ask again, {@link SourceException} to give up. */
  @FunctionalInterface
  public interface BodyHandler<T> {
    T handle(String body) throws RetryableFault;
  }

  private final String source;
  private final String keyVariable;
  private final HttpSettings settings;
  private final SecretMasker masker;
  private final SourceStats stats;
  private final OkHttpClient client;
  private final Semaphore permits;
  private final TokenBucket bucket;
  private final Sleeper sleeper;
  private final Clock clock;
  private volatile String forbiddenMeaning;

  public SourceHttp(String source, String keyVariable, HttpSettings settings, SecretMasker masker,
                    Sleeper sleeper, Clock clock) {
    this.source = source;
    this.keyVariable = keyVariable;
    this.settings = settings;
    this.masker = masker;
    this.stats = new SourceStats(source);
    this.sleeper = sleeper;
    this.clock = clock;
    this.permits = new Semaphore(settings.maxConcurrency(), true);
    this.bucket = new TokenBucket(settings.rateLimitPerSecond(), System::nanoTime);
    Dispatcher dispatcher = new Dispatcher();
    dispatcher.setMaxRequests(settings.maxConcurrency());
    dispatcher.setMaxRequestsPerHost(settings.maxConcurrency());
    this.client = new OkHttpClient.Builder()
        .connectTimeout(settings.connectTimeout())
        .readTimeout(settings.readTimeout())
        .writeTimeout(settings.readTimeout())
        .callTimeout(settings.callTimeout())
        .dispatcher(dispatcher)
        .connectionPool(new ConnectionPool(settings.maxConcurrency(), 5, java.util.concurrent.TimeUnit.MINUTES))
        // retries are ours: counted, backed off and bounded
        .retryOnConnectionFailure(false)
        .build();
  }

  public static SourceHttp create(String source, String keyVariable, HttpSettings settings, SecretMasker masker) {
    return new SourceHttp(source, keyVariable, settings, masker, d -> Thread.sleep(d.toMillis()), Clock.systemUTC());
  }

  /**
   * What HTTP 403 means at this source when it is not a bad key (Transpose: out of credits). A 403
   * then fails at once with this explanation instead of blaming the key.
   */
  public SourceHttp forbiddenMeans(String meaning) {
    this.forbiddenMeaning = meaning;
    return this;
  }

  public String source() {
    return source;
  }

  public SourceStats stats() {
    return stats;
  }

  public HttpSettings settings() {
    return settings;
  }

  public SecretMasker masker() {
    return masker;
  }

  /** The printable form of a request: method, masked URL and what it asks for. */
  public String describe(String url, String what) {
    return masker.mask("POST " + url + (what == null || what.isEmpty() ? "" : " (" + what + ")"));
  }

  /** POSTs {@code jsonBody} and hands a 2xx body to {@code handler}, retrying transient faults. */
  public <T> T postJson(String url, Map<String, String> headers, String jsonBody, String what, BodyHandler<T> handler) {
    String request = describe(url, what);
    Request.Builder builder;
    try {
      builder = new Request.Builder().url(url);
    } catch (IllegalArgumentException e) {
      // OkHttp's message may quote the URL, and with it the gateway key
      throw new IllegalArgumentException(source + ": invalid URL " + masker.mask(url) + " ("
          + masker.mask(e.getMessage()) + "): check the source's --option <source>.url");
    }
    builder.post(RequestBody.create(jsonBody, JSON)).header("Accept", "application/json");
    headers.forEach(builder::header);
    Request httpRequest = builder.build();
    for (int attempt = 1; ; attempt++) {
      String reason;
      String fault;
      Throwable error = null;
      Duration retryAfter = null;
      int status = -1;
      waitForRateLimit(request);
      acquirePermit(request);
      stats.attempt();
      try (Response response = client.newCall(httpRequest).execute()) {
        int code = response.code();
        String body = response.body().string();
        if (code == 403 && forbiddenMeaning != null) {
          stats.fault("http_403");
          throw new SourceException(source, code, source + " refused " + request + " with HTTP 403: "
              + forbiddenMeaning + detail(" (server said: ", body, ")"), null);
        }
        if (code == 401 || code == 403) {
          stats.fault("http_" + code);
          throw new SourceAuthException(source, code, source + " rejected the API key (HTTP " + code + ") for "
              + request + ": set the environment variable " + keyVariable + " to a valid key"
              + detail(" (server said: ", body, ")"));
        }
        if (code == 408 || code == 429 || code >= 500) {
          reason = "http_" + code;
          status = code;
          fault = "HTTP " + code + detail(": ", body, "");
          retryAfter = RetryAfter.parse(response.header("Retry-After"), clock).orElse(null);
        } else if (code < 200 || code >= 300) {
          stats.fault("http_" + code);
          throw new SourceException(source, code, source + " rejected " + request + " with HTTP " + code
              + detail(": ", body, ""), null);
        } else {
          try {
            return handler.handle(body);
          } catch (RetryableFault f) {
            reason = f.reason();
            fault = masker.mask(f.getMessage());
          }
        }
      } catch (InterruptedIOException e) {
        // SocketTimeoutException (connect/read) and OkHttp's call timeout
        reason = "timeout";
        String message = masker.mask(e.getMessage());
        fault = message == null || message.equals("timeout") ? "timeout" : "timeout (" + message + ")";
        error = e;
      } catch (IOException e) {
        reason = "connection";
        fault = "connection error (" + e.getClass().getSimpleName() + ": " + masker.mask(e.getMessage()) + ")";
        error = e;
      } finally {
        permits.release();
      }
      stats.fault(reason);
      if (attempt >= settings.maxAttempts()) {
        throw new SourceException(source, status, source + " request failed after " + attempt + " attempts: "
            + request + "; last fault: " + fault, masker.sanitize(error));
      }
      Duration wait = delay(attempt, retryAfter);
      LOG.warn("{} attempt {}/{} failed: {}; retrying in {} ms: {}", source, attempt, settings.maxAttempts(),
          fault, wait.toMillis(), request);
      stats.retry();
      sleep(wait, request);
    }
  }

  /**
   * Full jitter: uniform in [0, min(max, initial * 2^(attempt-1))]; a server's Retry-After wins
   * (capped by {@code http.max_retry_after_ms}).
   */
  Duration delay(int attempt, Duration retryAfter) {
    if (retryAfter != null) {
      return retryAfter.compareTo(settings.maxRetryAfter()) > 0 ? settings.maxRetryAfter() : retryAfter;
    }
    long initial = settings.initialBackoff().toMillis();
    long max = settings.maxBackoff().toMillis();
    long ceiling = attempt >= 31 ? max : Math.min(max, initial * (1L << (attempt - 1)));
    return Duration.ofMillis(ceiling <= 0 ? 0 : ThreadLocalRandom.current().nextLong(ceiling + 1));
  }

  private void waitForRateLimit(String request) {
    long millis = bucket.reserveMillis();
    if (millis > 0) {
      sleep(Duration.ofMillis(millis), request);
    }
  }

  private void acquirePermit(String request) {
    try {
      permits.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SourceException(source, "interrupted while waiting to send " + request);
    }
  }

  private void sleep(Duration wait, String request) {
    try {
      sleeper.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SourceException(source, "interrupted while waiting to retry " + request);
    }
  }

  /** The server's error message (JSON {@code message}/{@code errors[0].message}) or the start of the body. */
  private String detail(String prefix, String body, String suffix) {
    if (body == null || body.isBlank()) {
      return "";
    }
    String text = null;
    try {
      JsonNode node = JsonText.MAPPER.readTree(body);
      if (node != null && node.isObject()) {
        if (node.path("message").isTextual()) {
          text = node.path("message").asText();
        } else if (node.path("errors").isArray() && node.path("errors").size() > 0) {
          text = node.path("errors").get(0).path("message").asText(null);
        } else if (node.path("error").isTextual()) {
          text = node.path("error").asText();
        }
      }
    } catch (IOException | RuntimeException e) {
      // not JSON: show the start of the body
    }
    if (text == null) {
      text = body.length() > 300 ? body.substring(0, 300) + "..." : body;
    }
    return prefix + masker.mask(text.strip()) + suffix;
  }

  @Override
  public void close() {
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }
}
