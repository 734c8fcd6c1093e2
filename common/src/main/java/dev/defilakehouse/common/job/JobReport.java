package dev.defilakehouse.common.job;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/** Counts a job accumulates for its one-line summary: rows read, written, quarantined, versions. */
public final class JobReport {
  private final String jobName;
  private final AtomicLong rowsRead = new AtomicLong();
  private final AtomicLong rowsWritten = new AtomicLong();
  private final AtomicLong rowsQuarantined = new AtomicLong();
  private final Map<String, Long> versions = new LinkedHashMap<>();
  private final Map<String, Object> metrics = new LinkedHashMap<>();

  public JobReport(String jobName) {
    this.jobName = jobName;
  }

  public void addRead(long rows) {
    rowsRead.addAndGet(rows);
  }

  public void addWritten(long rows) {
    rowsWritten.addAndGet(rows);
  }

  public void addQuarantined(long rows) {
    rowsQuarantined.addAndGet(rows);
  }

  /** The Delta version this run committed to {@code table} (the last one if several). */
  public synchronized void committed(String table, long version) {
    versions.put(table, version);
  }

  /** Any further figure worth a place in the summary (faults retried, unpriced events, ...). */
  public synchronized void metric(String name, Object value) {
    metrics.put(name, value);
  }

  public synchronized void addMetric(String name, long delta) {
    metrics.merge(name, delta, (a, b) -> ((Number) a).longValue() + ((Number) b).longValue());
  }

  public long rowsRead() {
    return rowsRead.get();
  }

  public long rowsWritten() {
    return rowsWritten.get();
  }

  public long rowsQuarantined() {
    return rowsQuarantined.get();
  }

  public synchronized Map<String, Long> versions() {
    return Map.copyOf(versions);
  }

  public synchronized Map<String, Object> metrics() {
    return new LinkedHashMap<>(metrics);
  }

  public synchronized String summaryLine(long elapsedMillis) {
    String v = versions.entrySet().stream().map(e -> e.getKey() + "@v" + e.getValue())
        .collect(Collectors.joining(","));
    String m = metrics.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(" "));
    return String.format("SUMMARY job=%s status=ok read=%d written=%d quarantined=%d versions=[%s] seconds=%.1f%s",
        jobName, rowsRead.get(), rowsWritten.get(), rowsQuarantined.get(), v, elapsedMillis / 1000.0,
        m.isEmpty() ? "" : " " + m);
  }
}
