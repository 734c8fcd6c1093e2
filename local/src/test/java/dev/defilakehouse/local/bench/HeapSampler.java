package dev.defilakehouse.local.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/** Polls the JVM's used heap every few milliseconds on a daemon thread and keeps the peak since the last reset. */
final class HeapSampler implements AutoCloseable {
  private static final long INTERVAL_MS = 20;

  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private final Poller poller;
  private volatile long peak;

  HeapSampler() {
    poller = new Poller("bench-heap-sampler", INTERVAL_MS, this::sample);
  }

  private void sample() {
    long used = memory.getHeapMemoryUsage().getUsed();
    if (used > peak) {
      peak = used;
    }
  }

  /** Starts a new measurement from the heap in use now. */
  void reset() {
    peak = memory.getHeapMemoryUsage().getUsed();
  }

  long peakBytes() {
    sample();
    return peak;
  }

  @Override
  public void close() {
    poller.close();
  }
}
