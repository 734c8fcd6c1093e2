package dev.defilakehouse.common.config;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** The data interval {@code [start, end)} in UTC, as Airflow's data_interval_start/end. */
public record Interval(Instant start, Instant end) {

  public Interval {
    if (!end.isAfter(start)) {
      throw new IllegalArgumentException("--end (" + end + ") must be after --start (" + start + ")");
    }
  }

  public static Interval of(LocalDate start, LocalDate end) {
    return new Interval(startOfDay(start), startOfDay(end));
  }

  /** Accepts {@code 2024-01-01}, {@code 2024-01-01T06:00:00Z} or an offset date-time like Airflow's. */
  public static Instant parseInstant(String flag, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(flag + " is required (a date like 2024-01-01 or an ISO instant)");
    }
    try {
      if (value.length() == 10) {
        return startOfDay(LocalDate.parse(value));
      }
      return java.time.OffsetDateTime.parse(value.replace(' ', 'T')).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(flag + " '" + value
          + "' is not a date (2024-01-01) or an ISO instant (2024-01-01T00:00:00Z)");
    }
  }

  public static Instant startOfDay(LocalDate date) {
    return date.atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  public static LocalDate dateOf(Instant instant) {
    return LocalDate.ofInstant(instant, ZoneOffset.UTC);
  }

  /**
   * The date a run computes "as of": the date of {@code --end}, which must then be a UTC midnight
   * (features as of D use what was known at D 00:00 UTC).
   */
  public LocalDate asOfDate() {
    LocalDate date = dateOf(end);
    if (!startOfDay(date).equals(end)) {
      throw new BadArgumentException("--end " + end + " is not a UTC midnight: features are computed as of "
          + "a date T (instant T 00:00 UTC); pass --end " + date + " or --end " + date.plusDays(1));
    }
    return date;
  }

  public LocalDate startDate() {
    return dateOf(start);
  }

  /** The UTC date holding the last instant of the interval. */
  public LocalDate lastDate() {
    return dateOf(end.minusNanos(1));
  }

  /** UTC dates that overlap {@code [start, end)}: the partitions an event job touches. */
  public List<LocalDate> eventDates() {
    List<LocalDate> dates = new ArrayList<>();
    for (LocalDate d = startDate(); !d.isAfter(lastDate()); d = d.plusDays(1)) {
      dates.add(d);
    }
    return dates;
  }

  /**
   * Snapshot dates: every day d with start &lt; d &lt;= end (d meaning its 00:00 UTC), so the newest
   * snapshot of a run is the state at the end of its interval.
   */
  public List<LocalDate> snapshotDates() {
    List<LocalDate> dates = new ArrayList<>();
    LocalDate d = dateOf(start).plusDays(1);
    for (; !startOfDay(d).isAfter(end); d = d.plusDays(1)) {
      dates.add(d);
    }
    return dates;
  }

  /** Day-sized pieces of the interval, each committed on its own during backfills. */
  public List<Interval> dayChunks() {
    List<Interval> chunks = new ArrayList<>();
    Instant cursor = start;
    while (cursor.isBefore(end)) {
      Instant nextMidnight = cursor.truncatedTo(ChronoUnit.DAYS).plus(1, ChronoUnit.DAYS);
      Instant chunkEnd = nextMidnight.isBefore(end) ? nextMidnight : end;
      chunks.add(new Interval(cursor, chunkEnd));
      cursor = chunkEnd;
    }
    return chunks;
  }

  public boolean contains(Instant instant) {
    return !instant.isBefore(start) && instant.isBefore(end);
  }

  @Override
  public String toString() {
    return "[" + start + ", " + end + ")";
  }
}
