package dev.defilakehouse.jobs.analytics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.defilakehouse.common.job.JobReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The rows a job wrote and how many lack a value, counted in one pass over the written slice. */
final class WrittenRows {
  private WrittenRows() {}

  /**
   * Adds the row count of {@code written} to the report and, for each metric name, the number of
   * rows whose column (the map's value) is null.
   */
  static void report(JobReport report, Dataset<Row> written, Map<String, String> nullCountMetrics) {
    List<Map.Entry<String, String>> metrics = new ArrayList<>(nullCountMetrics.entrySet());
    List<Column> nulls = new ArrayList<>();
    for (Map.Entry<String, String> m : metrics) {
      nulls.add(sum(when(col(m.getValue()).isNull(), lit(1L)).otherwise(lit(0L))));
    }
    Row row = written.agg(count(lit(1)), nulls.toArray(Column[]::new)).head();
    report.addWritten(row.getLong(0));
    for (int i = 0; i < metrics.size(); i++) {
      report.metric(metrics.get(i).getKey(), row.isNullAt(i + 1) ? 0L : row.getLong(i + 1));
    }
  }
}
