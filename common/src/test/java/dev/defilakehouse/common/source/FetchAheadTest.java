package dev.defilakehouse.common.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FetchAheadTest {
  private static final List<Integer> UNITS = IntStream.range(0, 12).boxed().toList();

  @Test
  void consumesInOrderOnTheCallersThreadWhileFetchesOverlap() {
    CountDownLatch bothInFlight = new CountDownLatch(2);
    List<Integer> consumed = new ArrayList<>();
    List<String> consumerThreads = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger maxInFlight = new AtomicInteger();

    FetchAhead.forEachInOrder("test", UNITS, 3, unit -> {
      maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      if (unit < 2) {
        // units 0 and 1 only finish once both are running: a sequential loop would never get here
        bothInFlight.countDown();
        await(bothInFlight);
      }
      if (unit % 3 == 0) {
        Thread.yield(); // let later units overtake
      }
      inFlight.decrementAndGet();
      return unit * 10;
    }, (unit, value) -> {
      consumerThreads.add(Thread.currentThread().getName());
      assertEquals(unit * 10, value);
      consumed.add(unit);
    });

    assertEquals(UNITS, consumed);
    assertTrue(maxInFlight.get() >= 2 && maxInFlight.get() <= 3, "in flight: " + maxInFlight.get());
    assertTrue(consumerThreads.stream().allMatch(Thread.currentThread().getName()::equals));
  }

  @Test
  void aFailedFetchSurfacesAfterEveryEarlierUnitIsConsumedAndStopsTheRest() {
    SourceException failure = new SourceException("transpose", "day 5 failed for good");
    List<Integer> consumed = new ArrayList<>();

    SourceException thrown = assertThrows(SourceException.class, () -> FetchAhead.forEachInOrder("test", UNITS, 4,
        unit -> {
          if (unit == 5) {
            throw failure;
          }
          return unit;
        }, (unit, value) -> consumed.add(unit)));

    assertSame(failure, thrown);
    assertEquals(List.of(0, 1, 2, 3, 4), consumed);
  }

  @Test
  void oneThreadIsAPlainLoopOnTheCallersThread() {
    List<String> threads = new ArrayList<>();
    List<Integer> consumed = new ArrayList<>();
    FetchAhead.forEachInOrder("test", UNITS, 1, unit -> {
      threads.add(Thread.currentThread().getName());
      return unit;
    }, (unit, value) -> consumed.add(value));
    assertEquals(UNITS, consumed);
    assertTrue(threads.stream().allMatch(Thread.currentThread().getName()::equals));
  }

  @Test
  void fetchesAtMostTwiceTheParallelismAheadOfTheConsumer() {
    AtomicInteger fetched = new AtomicInteger();
    List<Integer> aheadWhenConsuming = new ArrayList<>();
    FetchAhead.forEachInOrder("test", UNITS, 2, unit -> {
      fetched.incrementAndGet();
      return unit;
    }, (unit, value) -> aheadWhenConsuming.add(fetched.get() - unit - 1));
    assertTrue(aheadWhenConsuming.stream().allMatch(a -> a <= 4), "fetched ahead: " + aheadWhenConsuming);

    fetched.set(0);
    aheadWhenConsuming.clear();
    FetchAhead.forEachInOrder("test", UNITS, 2, 1, unit -> {
      fetched.incrementAndGet();
      return unit;
    }, (unit, value) -> aheadWhenConsuming.add(fetched.get() - unit - 1));
    assertTrue(aheadWhenConsuming.stream().allMatch(a -> a <= 1), "fetched ahead: " + aheadWhenConsuming);
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new AssertionError("the fetches never overlapped");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
