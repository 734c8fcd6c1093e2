package dev.defilakehouse.common.source;

import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progress of one fetch: pages, rows and rows/s, logged at most every few seconds and at the end.
 *
 * <p>A job that fetches many units (days, snapshots, their slices) makes one {@link #ofUnits}
 * progress and a {@link #unit} per unit: the job's line also counts the units done and estimates
 * the time left from their pace, and it is logged only while the fetch is long. Each unit's own
 * final line goes to the logger {@code FetchProgress.unit}, so a terminal can keep the job's line
 * and leave those out.
 */
public final class FetchProgress {
  private static final Logger LOG = LoggerFactory.getLogger(FetchProgress.class);
  private static final Logger UNIT_LOG = LoggerFactory.getLogger(FetchProgress.class.getName() + ".unit");
  static final long LOG_EVERY_NANOS = 10_000_000_000L;

  private final String what;
  private final LongSupplier nanoTime;
  private final long started;
  private final FetchProgress parent;
  private final int units;
  private long lastLogged;
  private boolean loggedWhileRunning;
  private long pages;
  private long rows;
  private int unitsDone;

  public FetchProgress(String what) {
    this(what, System::nanoTime, null, 0);
  }

  private FetchProgress(String what, LongSupplier nanoTime, FetchProgress parent, int units) {
    this.what = what;
    this.nanoTime = nanoTime;
    this.parent = parent;
    this.units = units;
    this.started = nanoTime.getAsLong();
    this.lastLogged = started;
  }

  /** The progress of a job's fetch of {@code units} units. */
  public static FetchProgress ofUnits(String what, int units) {
    return ofUnits(what, units, System::nanoTime);
  }

  static FetchProgress ofUnits(String what, int units, LongSupplier nanoTime) {
    return new FetchProgress(what, nanoTime, null, units);
  }

  /** One unit of this fetch: its pages count here too, and its {@link #done} counts a unit done. */
  public FetchProgress unit(String unitWhat) {
    return new FetchProgress(unitWhat, nanoTime, this, 0);
  }

  public void page(int pageRows) {
    synchronized (this) {
      pages++;
      rows += pageRows;
      if (parent == null) {
        logWhileRunning();
      }
    }
    if (parent != null) {
      parent.page(pageRows);
    }
  }

  /** Logs the final counts (a job's only when its fetch was long enough to log progress); returns the rows fetched. */
  public long done() {
    long fetched;
    synchronized (this) {
      fetched = rows;
      if (parent != null) {
        UNIT_LOG.info("fetched {}: {}", what, line(nanoTime.getAsLong()));
      } else if (units == 0 || loggedWhileRunning) {
        LOG.info("fetched {}: {}", what, line(nanoTime.getAsLong()));
      }
    }
    if (parent != null) {
      parent.unitDone();
    }
    return fetched;
  }

  private synchronized void unitDone() {
    unitsDone++;
    logWhileRunning();
  }

  public synchronized long pages() {
    return pages;
  }

  public synchronized long rows() {
    return rows;
  }

  private void logWhileRunning() {
    long now = nanoTime.getAsLong();
    if (now - lastLogged >= LOG_EVERY_NANOS) {
      lastLogged = now;
      loggedWhileRunning = true;
      LOG.info("fetching {}: {}", what, line(now));
    }
  }

  synchronized String line(long now) {
    double seconds = Math.max(1e-3, (now - started) / 1e9);
    String counts = String.format("%d pages, %d rows, %.0f rows/s, %.1f s", pages, rows, rows / seconds, seconds);
    if (units == 0) {
      return counts;
    }
    String done = unitsDone + "/" + units + " units, " + counts;
    if (unitsDone == 0 || unitsDone == units) {
      return done;
    }
    // the units left at the pace of those done (they are alike: days or slices of one source)
    return done + ", about " + duration(seconds * (units - unitsDone) / unitsDone) + " left";
  }

  private static String duration(double seconds) {
    long s = Math.round(seconds);
    return s < 120 ? s + " s" : s < 7200 ? (s + 30) / 60 + " min" : String.format("%.1f h", s / 3600.0);
  }
}
