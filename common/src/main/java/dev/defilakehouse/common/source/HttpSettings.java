package dev.defilakehouse.common.source;

import dev.defilakehouse.common.config.RunConfig;
import java.time.Duration;

/**
 * Timeouts, retry and throttling settings of the source HTTP stack, from {@code --option http.*}.
 * The defaults suit the production APIs (Transpose plans allow 1-50 requests/s).
 */
public record HttpSettings(Duration connectTimeout, Duration readTimeout, Duration callTimeout, int maxAttempts,
                           Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter,
                           double rateLimitPerSecond, int maxConcurrency) {

  public static final String CONNECT_TIMEOUT_MS = "http.connect_timeout_ms";
  public static final String READ_TIMEOUT_MS = "http.read_timeout_ms";
  public static final String CALL_TIMEOUT_MS = "http.call_timeout_ms";
  public static final String MAX_ATTEMPTS = "http.max_attempts";
  public static final String INITIAL_BACKOFF_MS = "http.initial_backoff_ms";
  public static final String MAX_BACKOFF_MS = "http.max_backoff_ms";
  public static final String MAX_RETRY_AFTER_MS = "http.max_retry_after_ms";
  public static final String RATE_LIMIT_PER_SECOND = "http.rate_limit_per_second";
  public static final String MAX_CONCURRENCY = "http.max_concurrency";

  public HttpSettings {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("--option " + MAX_ATTEMPTS + " must be at least 1, was " + maxAttempts);
    }
    if (maxConcurrency < 1) {
      throw new IllegalArgumentException("--option " + MAX_CONCURRENCY + " must be at least 1, was " + maxConcurrency);
    }
    if (initialBackoff.isNegative() || maxBackoff.isNegative() || maxRetryAfter.isNegative()) {
      throw new IllegalArgumentException("http backoff options must not be negative");
    }
  }

  /** Rate limit 0 (or less) means unlimited. */
  public static HttpSettings from(RunConfig config) {
    return new HttpSettings(
        Duration.ofMillis(config.longOption(CONNECT_TIMEOUT_MS, 10_000)),
        Duration.ofMillis(config.longOption(READ_TIMEOUT_MS, 60_000)),
        Duration.ofMillis(config.longOption(CALL_TIMEOUT_MS, 180_000)),
        config.intOption(MAX_ATTEMPTS, 6),
        Duration.ofMillis(config.longOption(INITIAL_BACKOFF_MS, 500)),
        Duration.ofMillis(config.longOption(MAX_BACKOFF_MS, 30_000)),
        Duration.ofMillis(config.longOption(MAX_RETRY_AFTER_MS, 120_000)),
        config.doubleOption(RATE_LIMIT_PER_SECOND, 10),
        config.intOption(MAX_CONCURRENCY, 4));
  }
}
