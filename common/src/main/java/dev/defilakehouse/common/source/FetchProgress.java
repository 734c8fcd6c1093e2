package dev.defilakehouse.common.source;

import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Progress of one fetch: pages, rows and rows/s, logged at most every few seconds and at the end. */
public final class FetchProgress {
  private static final Logger LOG = LoggerFactory.getLogger(FetchProgress.class);
  private static final long LOG_EVERY_NANOS = 10_000_000_000L;

  private final String what;
  private final LongSupplier nanoTime;
  private final long started;
  private long lastLogged;
  private long pages;
  private long rows;

  public FetchProgress(String what) {
    this(what, System::nanoTime);
  }

  FetchProgress(String what, LongSupplier nanoTime) {
    this.what = what;
    this.nanoTime = nanoTime;
    this.started = nanoTime.getAsLong();
    this.lastLogged = started;
  }

  public synchronized void page(int pageRows) {
    pages++;
    rows += pageRows;
    long now = nanoTime.getAsLong();
    if (now - lastLogged >= LOG_EVERY_NANOS) {
      lastLogged = now;
      LOG.info("fetching {}: {}", what, line(now));
    }
  }

  /** Logs the final counts; returns the rows fetched. */
  public synchronized long done() {
    LOG.info("fetched {}: {}", what, line(nanoTime.getAsLong()));
    return rows;
  }

  public synchronized long pages() {
    return pages;
  }

  public synchronized long rows() {
    return rows;
  }

  private String line(long now) {
    double seconds = Math.max(1e-3, (now - started) / 1e9);
    return String.format("%d pages, %d rows, %.0f rows/s, %.1f s", pages, rows, rows / seconds, seconds);
  }
}
