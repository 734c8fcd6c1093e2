package dev.defilakehouse.common.source;

import dev.defilakehouse.common.job.JobReport;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/** Requests sent, retries and faults per reason of one source, for the job summary. */
public final class SourceStats {
  private final String source;
  private final AtomicLong attempts = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();
  private final Map<String, Long> faults = new TreeMap<>();

  public SourceStats(String source) {
    this.source = source;
  }

  void attempt() {
    attempts.incrementAndGet();
  }

  void retry() {
    retries.incrementAndGet();
  }

  synchronized void fault(String reason) {
    faults.merge(reason, 1L, Long::sum);
  }

  public long attempts() {
    return attempts.get();
  }

  public long retries() {
    return retries.get();
  }

  public synchronized Map<String, Long> faults() {
    return new TreeMap<>(faults);
  }

  /** Faults of every reason: each failed attempt, retried or not. */
  public synchronized long faultsSeen() {
    return faults.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * Adds {@code <source>_requests}, {@code _faults_seen}, {@code _retries} and {@code _faults}
   * (reason:count,...) to the report.
   */
  public void publish(JobReport report) {
    report.metric(source + "_requests", attempts());
    report.metric(source + "_faults_seen", faultsSeen());
    report.metric(source + "_retries", retries());
    String f = faults().entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()).collect(Collectors.joining(","));
    report.metric(source + "_faults", f.isEmpty() ? "none" : f);
  }

  @Override
  public String toString() {
    return source + " requests=" + attempts() + " retries=" + retries() + " faults=" + faults();
  }
}
