package dev.defilakehouse.jobs.features;

import dev.defilakehouse.common.config.Interval;
import java.time.LocalDate;

/** The as-of date of a feature run: the date of {@code --end}, which must be a UTC midnight. */
final class AsOfDate {
  private AsOfDate() {}

  static LocalDate of(Interval interval) {
    return interval.asOfDate();
  }

  static String partitionPredicate(LocalDate asOf) {
    return "as_of_date = '" + asOf + "'";
  }
}
