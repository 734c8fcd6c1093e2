package dev.defilakehouse.jobs.features;

import dev.defilakehouse.common.config.Interval;
import java.time.Instant;
import java.time.LocalDate;

/** The as-of date of a feature run: the date of {@code --end}, which must be a UTC midnight. */
final class AsOfDate {
  private AsOfDate() {}

  static LocalDate of(Interval interval) {
    Instant end = interval.end();
    LocalDate date = Interval.dateOf(end);
    if (!Interval.startOfDay(date).equals(end)) {
      throw new IllegalArgumentException("--end " + end + " is not a UTC midnight: features are computed as of "
          + "a date T (instant T 00:00 UTC); pass --end " + date + " or --end " + date.plusDays(1));
    }
    return date;
  }

  static String partitionPredicate(LocalDate asOf) {
    return "as_of_date = '" + asOf + "'";
  }
}
