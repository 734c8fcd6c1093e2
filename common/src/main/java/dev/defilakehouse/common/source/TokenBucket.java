package dev.defilakehouse.common.source;

import java.util.function.LongSupplier;

/**
 * Client-side rate limit: a token bucket refilled at {@code ratePerSecond} holding at most one
 * second's worth. Callers reserve a token and wait their turn, so the long-run rate never exceeds
 * the limit even with concurrent callers. A rate of 0 or less means unlimited.
 */
public final class TokenBucket {
  private final double ratePerSecond;
  private final double capacity;
  private final LongSupplier nanoTime;
  private double tokens;
  private long lastRefill;

  public TokenBucket(double ratePerSecond, LongSupplier nanoTime) {
    this.ratePerSecond = ratePerSecond;
    this.capacity = Math.max(1.0, ratePerSecond);
    this.nanoTime = nanoTime;
    this.tokens = capacity;
    this.lastRefill = nanoTime.getAsLong();
  }

  /** Takes one token; returns how many milliseconds the caller must wait before sending. */
  public synchronized long reserveMillis() {
    if (ratePerSecond <= 0) {
      return 0;
    }
    long now = nanoTime.getAsLong();
    tokens = Math.min(capacity, tokens + (now - lastRefill) / 1e9 * ratePerSecond);
    lastRefill = now;
    tokens -= 1;
    return tokens >= 0 ? 0 : (long) Math.ceil(-tokens / ratePerSecond * 1000);
  }
}
