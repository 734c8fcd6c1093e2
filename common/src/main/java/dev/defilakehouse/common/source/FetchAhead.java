package dev.defilakehouse.common.source;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Fetches independent units (days, snapshot dates) on up to {@code parallelism} threads while the
 * caller's thread consumes (commits) the results strictly in the units' order. A paginated fetch
 * is sequential within a unit (each page's cursor comes from the previous page), so overlapping
 * units is what keeps {@code rate × latency} requests in flight; fetching ahead while the caller
 * commits keeps the source busy during the commits.
 *
 * <p>At most {@code ahead} units (by default {@code 2 × parallelism}) are fetched ahead of the one
 * being consumed, which bounds the rows held in memory. A failed fetch surfaces when its turn
 * comes, so every unit before it is consumed first, exactly as a sequential loop would; the units
 * after it are cancelled.
 */
public final class FetchAhead {
  private FetchAhead() {}

  /** For each key in order: {@code consume(key, fetch(key))}; at most {@code 2 × parallelism} fetched ahead. */
  public static <K, V> void forEachInOrder(String name, List<K> keys, int parallelism, Function<K, V> fetch,
                                           BiConsumer<K, V> consume) {
    forEachInOrder(name, keys, parallelism, 2 * parallelism, fetch, consume);
  }

  /**
   * As above with {@code ahead} units fetched ahead of the one being consumed: a caller that slices
   * a unit into n keys passes n times the look-ahead, so slicing does not shrink it in days.
   */
  public static <K, V> void forEachInOrder(String name, List<K> keys, int parallelism, int ahead,
                                           Function<K, V> fetch, BiConsumer<K, V> consume) {
    if (parallelism <= 1 || keys.size() <= 1) {
      for (K key : keys) {
        consume.accept(key, fetch.apply(key));
      }
      return;
    }
    int threads = Math.min(parallelism, keys.size());
    AtomicInteger counter = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, name + "-fetch-" + counter.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    List<Future<V>> futures = new ArrayList<>(keys.size());
    try {
      int submitted = 0;
      for (int i = 0; i < keys.size(); i++) {
        while (submitted < keys.size() && submitted <= i + ahead) {
          K key = keys.get(submitted++);
          futures.add(pool.submit(() -> fetch.apply(key)));
        }
        consume.accept(keys.get(i), await(futures.get(i), name));
      }
    } finally {
      futures.forEach(f -> f.cancel(true));
      pool.shutdownNow();
    }
  }

  private static <V> V await(Future<V> future, String name) {
    try {
      return future.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(name + ": a fetch failed: " + cause, cause);
    } catch (CancellationException e) {
      throw new IllegalStateException(name + ": a fetch was cancelled", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(name + ": interrupted while waiting for a fetch", e);
    }
  }
}
