package dev.defilakehouse.sandbox;

import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Faults and limits of one endpoint ({@code subgraph} or {@code transpose}). Shares are
 * probabilities per request, drawn from a seeded generator so a sequential client sees the same
 * sequence every run. Setters chain; all are thread-safe.
 */
public final class EndpointFaults {
  /** What happens to one request. */
  public enum Kind { NONE, RATE_LIMITED, STATUS, DROP, SLOW, MALFORMED, GRAPHQL_ERROR }

  /** The decision for one request. */
  public record Decision(Kind kind, int status, long delayMillis, long latencyMillis, int retryAfterSeconds) {}

  private final String name;
  private final long seed;
  private final double configuredRateLimit;
  private SplittableRandom rnd;
  private double errorShare;
  private int[] errorStatuses;
  private double slowShare;
  private Duration slowDelay;
  private double dropShare;
  private double malformedShare;
  private double graphqlErrorShare;
  private Duration latency;
  private double rateLimitPerSecond;
  private int retryAfterSeconds;
  private int failNextCount;
  private int failNextStatus;
  private double tokens;
  private long lastRefillNanos;
  private long requests;
  private long injected;
  private final Map<String, Long> injectedByKind = new TreeMap<>();

  EndpointFaults(String name, long seed, double configuredRateLimit) {
    this.name = name;
    this.seed = seed;
    this.configuredRateLimit = configuredRateLimit;
    reset();
  }

  public String name() { return name; }

  /** Back to no faults, no latency and the rate limit of the sandbox options. */
  public synchronized EndpointFaults reset() {
    rnd = new SplittableRandom(seed ^ name.hashCode());
    errorShare = 0;
    errorStatuses = new int[] {500, 502, 503};
    slowShare = 0;
    slowDelay = Duration.ofSeconds(2);
    dropShare = 0;
    malformedShare = 0;
    graphqlErrorShare = 0;
    latency = Duration.ZERO;
    retryAfterSeconds = 1;
    rateLimit(configuredRateLimit);
    failNextCount = 0;
    requests = 0;
    injected = 0;
    injectedByKind.clear();
    return this;
  }

  /** A share of requests answered with one of these statuses (429, 500, 502, 503, ...). */
  public synchronized EndpointFaults errorShare(double share, int... statuses) {
    this.errorShare = share(share);
    if (statuses.length > 0) {
      this.errorStatuses = statuses.clone();
    }
    return this;
  }

  /** A share of requests answered only after {@code delay}. */
  public synchronized EndpointFaults slowShare(double share, Duration delay) {
    this.slowShare = share(share);
    this.slowDelay = delay;
    return this;
  }

  /** A share of requests whose connection is closed without any response. */
  public synchronized EndpointFaults dropShare(double share) {
    this.dropShare = share(share);
    return this;
  }

  /** A share of 200 responses whose JSON body is cut in half. */
  public synchronized EndpointFaults malformedShare(double share) {
    this.malformedShare = share(share);
    return this;
  }

  /** A share of subgraph requests answered 200 with an {@code errors} array (ignored by Transpose). */
  public synchronized EndpointFaults graphqlErrorShare(double share) {
    this.graphqlErrorShare = share(share);
    return this;
  }

  /** Added to every response. */
  public synchronized EndpointFaults latency(Duration latency) {
    this.latency = latency;
    return this;
  }

  /** Requests per second above which the endpoint answers 429 with Retry-After; 0 = unlimited. */
  public synchronized EndpointFaults rateLimit(double requestsPerSecond) {
    if (requestsPerSecond < 0) {
      throw new IllegalArgumentException("rate limit must be >= 0 requests/s, was " + requestsPerSecond);
    }
    this.rateLimitPerSecond = requestsPerSecond;
    this.tokens = Math.max(1, requestsPerSecond);
    this.lastRefillNanos = System.nanoTime();
    return this;
  }

  /** The Retry-After value (seconds) sent with injected or rate-limit 429s. */
  public synchronized EndpointFaults retryAfterSeconds(int seconds) {
    this.retryAfterSeconds = seconds;
    return this;
  }

  /** The next {@code count} requests are answered with {@code status}, whatever the shares say. */
  public synchronized EndpointFaults failNext(int count, int status) {
    this.failNextCount = count;
    this.failNextStatus = status;
    return this;
  }

  /** Requests seen since the last reset. */
  public synchronized long requests() { return requests; }

  /** Requests that got a fault (or a 429) since the last reset. */
  public synchronized long injected() { return injected; }

  /**
   * The faults of {@link #injected()} by what the client saw: {@code http_<status>} (injected
   * statuses and rate-limit 429s), {@code drop}, {@code slow}, {@code malformed}, {@code graphql_error}.
   */
  public synchronized Map<String, Long> injectedByKind() { return new TreeMap<>(injectedByKind); }

  private Decision count(Decision d) {
    if (d.kind() != Kind.NONE) {
      injected++;
      String label = d.kind() == Kind.RATE_LIMITED || d.kind() == Kind.STATUS ? "http_" + d.status()
          : d.kind().name().toLowerCase(java.util.Locale.ROOT);
      injectedByKind.merge(label, 1L, Long::sum);
    }
    return d;
  }

  synchronized Decision next() {
    requests++;
    long latencyMs = latency.toMillis();
    if (rateLimitPerSecond > 0) {
      long now = System.nanoTime();
      double capacity = Math.max(1, rateLimitPerSecond);
      tokens = Math.min(capacity, tokens + (now - lastRefillNanos) / 1e9 * rateLimitPerSecond);
      lastRefillNanos = now;
      if (tokens < 1) {
        int wait = (int) Math.max(retryAfterSeconds, Math.ceil((1 - tokens) / rateLimitPerSecond));
        return count(new Decision(Kind.RATE_LIMITED, 429, 0, latencyMs, wait));
      }
      tokens -= 1;
    }
    if (failNextCount > 0) {
      failNextCount--;
      return count(new Decision(Kind.STATUS, failNextStatus, 0, latencyMs, retryAfterSeconds));
    }
    double r = rnd.nextDouble();
    Kind kind = Kind.NONE;
    int status = 200;
    if ((r -= errorShare) < 0) {
      kind = Kind.STATUS;
      status = errorStatuses[rnd.nextInt(errorStatuses.length)];
    } else if ((r -= dropShare) < 0) {
      kind = Kind.DROP;
    } else if ((r -= malformedShare) < 0) {
      kind = Kind.MALFORMED;
    } else if ((r -= graphqlErrorShare) < 0) {
      kind = Kind.GRAPHQL_ERROR;
    } else if ((r -= slowShare) < 0) {
      kind = Kind.SLOW;
    }
    return count(new Decision(kind, status, kind == Kind.SLOW ? slowDelay.toMillis() : 0, latencyMs, retryAfterSeconds));
  }

  private static double share(double share) {
    if (share < 0 || share > 1) {
      throw new IllegalArgumentException("a share must be between 0 and 1, was " + share);
    }
    return share;
  }
}
