package dev.defilakehouse.local.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/** Polls the JVM's used heap every few milliseconds on a daemon thread and keeps the peak since the last reset. */
final class HeapSampler implements AutoCloseable {
  private static final long INTERVAL_MS = 20;

  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private final Thread thread;
  private volatile long peak;
  private volatile boolean running = true;

  HeapSampler() {
    thread = new Thread(this::loop, "bench-heap-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    while (running) {
      sample();
      try {
        Thread.sleep(INTERVAL_MS);
      } catch (InterruptedException e) {
        return;
      }
    }
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
    running = false;
    thread.interrupt();
  }
}
