package dev.defilakehouse.common.transform.stage;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDate;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What a stage run did with its raw rows, counted in raw rows: {@code rawRows = stageRows +
 * quarantinedRows + collapsedDuplicates}. Rule counts are raw rows failing each rule, over all rows
 * and over the quarantined ones.
 */
public record StageCounts(long rawRows, long stageRows, long quarantinedRows, long quarantinedRawRows,
                          long collapsedDuplicates, Map<String, Long> ruleCounts, Map<String, Long> quarantineRuleCounts) {

  public StageCounts {
    ruleCounts = sortedByCountDescending(ruleCounts);
    quarantineRuleCounts = sortedByCountDescending(quarantineRuleCounts);
  }

  /**
   * The counts per raw partition date ({@link StagePipeline#RECORD_DATE}), in date order: two small
   * aggregations grouped by date, so a multi-day run is counted in two passes instead of two per day.
   */
  public static SortedMap<LocalDate, StageCounts> byDate(StageResult result) {
    Dataset<Row> checked = result.checked();
    Column date = col(StagePipeline.RECORD_DATE);
    Map<LocalDate, Row> totals = new HashMap<>();
    for (Row r : checked.groupBy(date).agg(
        sum(col(StagePipeline.COPIES)),
        sum(when(col(StagePipeline.QUARANTINED).unary_$bang(), lit(1L)).otherwise(lit(0L))),
        sum(when(col(StagePipeline.QUARANTINED), lit(1L)).otherwise(lit(0L))),
        sum(when(col(StagePipeline.QUARANTINED), col(StagePipeline.COPIES)).otherwise(lit(0L))),
        sum(col(StagePipeline.COPIES).minus(1))).collectAsList()) {
      totals.put(dateAt(r, 0), r);
    }
    Map<LocalDate, Map<String, Long>> all = new HashMap<>();
    Map<LocalDate, Map<String, Long>> quarantined = new HashMap<>();
    for (Row r : checked.select(date.as("d"), explode(col(StagePipeline.FAILED_RULES)).as("rule"),
            col(StagePipeline.QUARANTINED).as("q"), col(StagePipeline.COPIES).as("n"))
        .groupBy("d", "rule", "q").agg(sum("n").as("n")).collectAsList()) {
      LocalDate d = dateAt(r, 0);
      long n = r.getLong(3);
      all.computeIfAbsent(d, k -> new LinkedHashMap<>()).merge(r.getString(1), n, Long::sum);
      if (r.getBoolean(2)) {
        quarantined.computeIfAbsent(d, k -> new LinkedHashMap<>()).merge(r.getString(1), n, Long::sum);
      }
    }
    SortedMap<LocalDate, StageCounts> out = new TreeMap<>(Comparator.nullsFirst(Comparator.naturalOrder()));
    totals.forEach((d, t) -> out.put(d, new StageCounts(longOrZero(t, 1), longOrZero(t, 2), longOrZero(t, 3),
        longOrZero(t, 4), longOrZero(t, 5), all.getOrDefault(d, Map.of()), quarantined.getOrDefault(d, Map.of()))));
    return out;
  }

  /** The sum of several counts (e.g. the days of a run). */
  public static StageCounts total(Iterable<StageCounts> parts) {
    long raw = 0;
    long stage = 0;
    long quarantinedRows = 0;
    long quarantinedRaw = 0;
    long collapsed = 0;
    Map<String, Long> all = new LinkedHashMap<>();
    Map<String, Long> quarantined = new LinkedHashMap<>();
    for (StageCounts c : parts) {
      raw += c.rawRows;
      stage += c.stageRows;
      quarantinedRows += c.quarantinedRows;
      quarantinedRaw += c.quarantinedRawRows;
      collapsed += c.collapsedDuplicates;
      c.ruleCounts.forEach((k, v) -> all.merge(k, v, Long::sum));
      c.quarantineRuleCounts.forEach((k, v) -> quarantined.merge(k, v, Long::sum));
    }
    return new StageCounts(raw, stage, quarantinedRows, quarantinedRaw, collapsed, all, quarantined);
  }

  /** The counts over all dates: {@link #byDate} summed (cache {@link StageResult#checked()} first). */
  public static StageCounts of(StageResult result) {
    return total(byDate(result).values());
  }

  /** Quarantined raw rows over raw rows; 0 when there were no raw rows. */
  public double quarantinedShare() {
    return rawRows == 0 ? 0.0 : (double) quarantinedRawRows / rawRows;
  }

  /** Sessions return java.sql.Date unless spark.sql.datetime.java8API.enabled is set. */
  private static LocalDate dateAt(Row row, int i) {
    Object v = row.get(i);
    return v instanceof java.sql.Date d ? d.toLocalDate() : (LocalDate) v;
  }

  private static long longOrZero(Row row, int i) {
    return row.isNullAt(i) ? 0L : ((Number) row.get(i)).longValue();
  }

  private static Map<String, Long> sortedByCountDescending(Map<String, Long> counts) {
    Map<String, Long> sorted = new LinkedHashMap<>();
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return java.util.Collections.unmodifiableMap(sorted);
  }
}
