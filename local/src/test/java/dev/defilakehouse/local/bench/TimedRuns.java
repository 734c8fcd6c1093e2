package dev.defilakehouse.local.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;

/** Wall seconds of repeated runs of one measurement, and what its last run returned. */
record TimedRuns<T>(List<Double> seconds, T lastResult) {
  static <T> TimedRuns<T> of(int runs, Callable<T> run) throws Exception {
    List<Double> seconds = new ArrayList<>();
    T result = null;
    for (int i = 0; i < runs; i++) {
      long started = System.nanoTime();
      result = run.call();
      seconds.add(Rates.seconds(System.nanoTime() - started));
    }
    return new TimedRuns<>(List.copyOf(seconds), result);
  }

  double best() {
    return Collections.min(seconds);
  }
}
