package dev.defilakehouse.common.quality;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Quality checks as rows of {@code analytics.data_quality_results}, and the gate's verdict. */
public final class QualityResults {
  public static final StructType SCHEMA = new StructType()
      .add("as_of_date", DataTypes.DateType, false)
      .add("check_name", DataTypes.StringType, false)
      .add("passed", DataTypes.BooleanType, false)
      .add("observed", DataTypes.StringType)
      .add("expectation", DataTypes.StringType)
      .add("message", DataTypes.StringType)
      .add("run_id", DataTypes.StringType)
      .add("checked_at", DataTypes.TimestampType);

  private QualityResults() {}

  public static Dataset<Row> toRows(SparkSession spark, List<QualityCheck> checks, LocalDate asOf, String runId,
                                    Instant checkedAt) {
    List<Row> rows = checks.stream().map(c -> RowFactory.create(Date.valueOf(asOf), c.name(), c.passed(),
        c.observed(), c.expectation(), c.message(), runId, Timestamp.from(checkedAt))).toList();
    return spark.createDataFrame(rows, SCHEMA);
  }

  /** A message naming every failed check and what was observed, or empty when all passed. */
  public static Optional<String> failure(String table, LocalDate asOf, List<QualityCheck> checks) {
    List<QualityCheck> failed = checks.stream().filter(c -> !c.passed()).toList();
    if (failed.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of("data-quality gate failed for " + table + " as_of_date=" + asOf + ": " + failed.size()
        + " of " + checks.size() + " checks failed\n" + failed.stream()
        .map(c -> "  - " + c.name() + ": " + c.message() + " (observed: " + c.observed() + ")")
        .collect(Collectors.joining("\n")));
  }
}
