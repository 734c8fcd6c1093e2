package dev.defilakehouse.local.bench;

/** Runs a sample every few milliseconds on a daemon thread until closed: what the benchmark's samplers share. */
final class Poller implements AutoCloseable {
  private final Thread thread;
  private volatile boolean running = true;

  Poller(String name, long intervalMs, Runnable sample) {
    thread = new Thread(() -> {
      while (running) {
        sample.run();
        try {
          Thread.sleep(intervalMs);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, name);
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
