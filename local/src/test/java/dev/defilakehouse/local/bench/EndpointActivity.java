package dev.defilakehouse.local.bench;

import java.util.function.LongSupplier;

/**
 * When an endpoint was busy, seen from the server: a daemon thread polls the sandbox's request
 * counter every few milliseconds and keeps the first and last moment it moved since the last
 * {@link #reset()}. The span between them is the fetch window the achieved rate is measured over.
 */
final class EndpointActivity implements AutoCloseable {
  private static final long INTERVAL_MS = 2;
  /** A gap between requests longer than this means nothing was in flight: the client waited on something else. */
  static final long IDLE_GAP_NANOS = 250_000_000L;

  private final LongSupplier requests;
  private final Poller poller;
  private long lastCount;
  private long firstNanos = -1;
  private long lastNanos = -1;
  private long countAtReset;
  private long idleNanos;

  EndpointActivity(String name, LongSupplier requests) {
    this.requests = requests;
    this.lastCount = requests.getAsLong();
    this.countAtReset = lastCount;
    poller = new Poller("bench-activity-" + name, INTERVAL_MS, this::sample);
  }

  private synchronized void sample() {
    long count = requests.getAsLong();
    if (count != lastCount) {
      long now = System.nanoTime();
      if (firstNanos < 0) {
        // the first request arrived somewhere in the last interval
        firstNanos = now - INTERVAL_MS * 1_000_000L;
      } else if (now - lastNanos > IDLE_GAP_NANOS) {
        idleNanos += now - lastNanos;
      }
      lastNanos = now;
      lastCount = count;
    }
  }

  /** Starts a new window (call before a job). */
  synchronized void reset() {
    sample();
    firstNanos = -1;
    lastNanos = -1;
    idleNanos = 0;
    countAtReset = lastCount;
  }

  /** Requests the endpoint received since the last reset. */
  synchronized long requests() {
    sample();
    return lastCount - countAtReset;
  }

  /** Seconds from the first to the last request seen since the last reset; 0 when none or one. */
  synchronized double windowSeconds() {
    sample();
    return firstNanos < 0 ? 0.0 : (lastNanos - firstNanos) / 1e9;
  }

  /** Seconds of the window spent in gaps longer than {@link #IDLE_GAP_NANOS} without any request. */
  synchronized double idleSeconds() {
    sample();
    return idleNanos / 1e9;
  }

  @Override
  public void close() {
    poller.close();
  }
}
