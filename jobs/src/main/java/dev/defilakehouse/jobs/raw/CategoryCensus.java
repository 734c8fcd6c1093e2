package dev.defilakehouse.jobs.raw;

import dev.defilakehouse.common.job.JobReport;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Transpose holds per category on the days an events job read, against what the job read. The
 * public record spells the liquidation literal two ways, so a renamed or new literal must show up
 * in the summary ({@code transpose_unknown_categories}) and the log, not as a quiet zero.
 */
final class CategoryCensus {
  private static final Logger LOG = LoggerFactory.getLogger(CategoryCensus.class);

  private final String kind;
  private final List<String> categories;
  private final Set<String> known;
  private final Map<String, Long> unknown = new TreeMap<>();
  private final Map<LocalDate, Long> expected = new TreeMap<>();
  private long mismatchedDays;

  CategoryCensus(String kind, List<String> categories, Set<String> known) {
    this.kind = kind;
    this.categories = categories;
    this.known = known;
  }

  /** One day's count per category (every category of the configured protocols). */
  void day(LocalDate day, Map<String, Long> counts) {
    long mine = 0;
    Map<String, Long> strangers = new TreeMap<>();
    for (Map.Entry<String, Long> e : counts.entrySet()) {
      if (categories.contains(e.getKey())) {
        mine += e.getValue();
      } else if (!known.contains(e.getKey())) {
        strangers.put(e.getKey(), e.getValue());
        unknown.merge(e.getKey(), e.getValue(), Long::sum);
      }
    }
    expected.put(day, mine);
    if (!strangers.isEmpty()) {
      LOG.warn("{}: Transpose has lending events of {} in categories no job reads: {}; if one is a {} literal,"
          + " add it with --option transpose.liquidation_categories (for liquidations) and re-run the day", kind, day,
          strangers, kind);
    }
  }

  /** What the job read for the day; a difference from the count is logged (events may still be arriving). */
  void fetched(LocalDate day, long rows) {
    Long counted = expected.get(day);
    if (counted != null && counted != rows) {
      mismatchedDays++;
      LOG.warn("{}: read {} events of {} {} but Transpose counted {} a moment before; a day still being indexed"
          + " changes between the two requests, otherwise re-run the day", kind, rows, day, categories, counted);
    }
  }

  /** {@code transpose_unknown_categories} (category:events,... or none) and {@code transpose_count_mismatch_days}. */
  void publish(JobReport report) {
    report.metric("transpose_unknown_categories", unknown.isEmpty() ? "none"
        : unknown.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()).collect(Collectors.joining(",")));
    report.metric("transpose_count_mismatch_days", mismatchedDays);
  }
}
