package dev.defilakehouse.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class IntervalTest {
  @Test
  void oneDayIntervalSnapshotsItsEndAndCoversItsStartDate() {
    Interval i = Interval.of(LocalDate.parse("2024-01-01"), LocalDate.parse("2024-01-02"));
    assertEquals(List.of(LocalDate.parse("2024-01-02")), i.snapshotDates());
    assertEquals(List.of(LocalDate.parse("2024-01-01")), i.eventDates());
    assertEquals(1, i.dayChunks().size());
  }

  @Test
  void longIntervalsSplitIntoDayChunksAlignedToMidnight() {
    Interval i = new Interval(Instant.parse("2024-01-01T06:00:00Z"), Instant.parse("2024-01-03T12:00:00Z"));
    List<Interval> chunks = i.dayChunks();
    assertEquals(3, chunks.size());
    assertEquals(Instant.parse("2024-01-02T00:00:00Z"), chunks.get(0).end());
    assertEquals(Instant.parse("2024-01-03T12:00:00Z"), chunks.get(2).end());
    assertEquals(List.of(LocalDate.parse("2024-01-02"), LocalDate.parse("2024-01-03")), i.snapshotDates());
  }

  @Test
  void parsesDatesInstantsAndAirflowOffsetsAndRejectsNonsense() {
    assertEquals(Instant.parse("2024-01-01T00:00:00Z"), Interval.parseInstant("--start", "2024-01-01"));
    assertEquals(Instant.parse("2024-01-01T00:00:00Z"), Interval.parseInstant("--start", "2024-01-01T00:00:00+00:00"));
    var e = assertThrows(IllegalArgumentException.class, () -> Interval.parseInstant("--start", "2024-13-45"));
    assertTrue(e.getMessage().contains("--start"));
    var order = assertThrows(IllegalArgumentException.class,
        () -> Interval.of(LocalDate.parse("2024-01-02"), LocalDate.parse("2024-01-01")));
    assertTrue(order.getMessage().contains("--end"));
  }
}
