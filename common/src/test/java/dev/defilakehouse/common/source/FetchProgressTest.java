package dev.defilakehouse.common.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.defilakehouse.common.testing.CapturedLogs;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FetchProgressTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void aLongFetchOfUnitsSaysHowFarItIsAndAboutHowLongIsLeft() {
    AtomicLong clock = new AtomicLong();
    try (CapturedLogs logs = CapturedLogs.start()) {
      FetchProgress job = FetchProgress.ofUnits("raw.x", 4, clock::get);
      FetchProgress first = job.unit("deposit events of 2024-01-01");
      clock.set(2 * SECOND);
      first.page(1000);
      first.page(500);
      clock.set(6 * SECOND);
      first.done();
      assertEquals(List.of("INFO dev.defilakehouse.common.source.FetchProgress.unit: fetched deposit events of 2024-01-01: "
          + "2 pages, 1500 rows, 250 rows/s, 6.0 s"), progressLines(logs), "a unit's line, on its own logger");

      FetchProgress second = job.unit("deposit events of 2024-01-02");
      clock.set(12 * SECOND);
      second.page(1500);
      second.done();
      // 10 s after the start, with 1 of 4 units done in 12 s: about 36 s for the other three
      assertTrue(progressLines(logs).contains("INFO dev.defilakehouse.common.source.FetchProgress: fetching raw.x: "
          + "1/4 units, 3 pages, 3000 rows, 250 rows/s, 12.0 s, about 36 s left"), logs.text());

      clock.set(13 * SECOND);
      job.unit("deposit events of 2024-01-03").done();
      assertEquals(4, progressLines(logs).size(), "nothing more within the next 10 s but the unit's line: " + logs.text());
      job.unit("deposit events of 2024-01-04").done();
      job.done();
      assertTrue(progressLines(logs).get(progressLines(logs).size() - 1).endsWith(
          "FetchProgress: fetched raw.x: 4/4 units, 3 pages, 3000 rows, 231 rows/s, 13.0 s"), logs.text());
      assertEquals(3000, job.rows());
      assertEquals(3, job.pages());
    }
  }

  @Test
  void aShortFetchOfUnitsLeavesOnlyTheUnitsLines() {
    AtomicLong clock = new AtomicLong();
    try (CapturedLogs logs = CapturedLogs.start()) {
      FetchProgress job = FetchProgress.ofUnits("raw.x", 2, clock::get);
      for (int day = 1; day <= 2; day++) {
        FetchProgress unit = job.unit("day " + day);
        clock.addAndGet(SECOND);
        unit.page(10);
        unit.done();
      }
      job.done();
      List<String> lines = progressLines(logs);
      assertEquals(2, lines.size(), logs.text());
      assertTrue(lines.stream().allMatch(l -> l.contains("FetchProgress.unit: fetched day ")), logs.text());
      assertFalse(logs.text().contains("fetched raw.x"), "the job's line only for a long fetch");
    }
  }

  @Test
  void aLongEstimateIsInMinutes() {
    AtomicLong clock = new AtomicLong();
    FetchProgress job = FetchProgress.ofUnits("raw.x", 30, clock::get);
    clock.set(60 * SECOND);
    job.unit("day 1").done();
    assertTrue(job.line(clock.get()).endsWith("1/30 units, 0 pages, 0 rows, 0 rows/s, 60.0 s, about 29 min left"),
        job.line(clock.get()));
  }

  private static List<String> progressLines(CapturedLogs logs) {
    return logs.text().lines().filter(l -> l.contains("FetchProgress")).toList();
  }
}
