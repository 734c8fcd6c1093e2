package dev.defilakehouse.common.transform.stage;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
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

  /** Two small aggregations over {@link StageResult#checked()} (cache it first). */
  public static StageCounts of(StageResult result) {
    Dataset<Row> checked = result.checked();
    Row totals = checked.agg(
        sum(col(StagePipeline.COPIES)),
        sum(when(col(StagePipeline.QUARANTINED).unary_$bang(), lit(1L)).otherwise(lit(0L))),
        sum(when(col(StagePipeline.QUARANTINED), lit(1L)).otherwise(lit(0L))),
        sum(when(col(StagePipeline.QUARANTINED), col(StagePipeline.COPIES)).otherwise(lit(0L))),
        sum(col(StagePipeline.COPIES).minus(1))).head();
    Map<String, Long> all = new LinkedHashMap<>();
    Map<String, Long> quarantined = new LinkedHashMap<>();
    for (Row r : checked.select(explode(col(StagePipeline.FAILED_RULES)).as("rule"),
            col(StagePipeline.QUARANTINED).as("q"), col(StagePipeline.COPIES).as("n"))
        .groupBy("rule", "q").agg(sum("n").as("n")).collectAsList()) {
      long n = r.getLong(2);
      all.merge(r.getString(0), n, Long::sum);
      if (r.getBoolean(1)) {
        quarantined.merge(r.getString(0), n, Long::sum);
      }
    }
    return new StageCounts(longOrZero(totals, 0), longOrZero(totals, 1), longOrZero(totals, 2), longOrZero(totals, 3),
        longOrZero(totals, 4), all, quarantined);
  }

  /** Quarantined raw rows over raw rows; 0 when there were no raw rows. */
  public double quarantinedShare() {
    return rawRows == 0 ? 0.0 : (double) quarantinedRawRows / rawRows;
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
