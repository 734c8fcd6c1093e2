package dev.defilakehouse.common.transform.stage;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The outcome of a stage transformation: {@code checked} holds one row per distinct raw row (exact
 * duplicates collapsed, {@code _copies} counting them) with its failed rules, and its raw payload
 * and key when quarantined; the stage and quarantine rows are two views of it, so together with
 * the collapsed copies they account for every raw row.
 */
public record StageResult(Dataset<Row> checked, List<String> stageColumns, List<ValidationRule> rules) {

  public StageResult {
    stageColumns = List.copyOf(stageColumns);
    rules = List.copyOf(rules);
  }

  /** Rows that passed every ERROR rule, with exactly the stage table's columns. */
  public Dataset<Row> stageRows() {
    return checked.where(col(StagePipeline.QUARANTINED).unary_$bang())
        .select(stageColumns.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new));
  }

  /** Rows that failed an ERROR rule, shaped as {@code stage.quarantine} rows, with every failed rule. */
  public Dataset<Row> quarantineRows(String sourceTable, String runId) {
    return checked.where(col(StagePipeline.QUARANTINED)).select(
        lit(sourceTable).as("source_table"),
        col(StagePipeline.RECORD_DATE).as("record_date"),
        col(StagePipeline.RECORD_KEY).as("record_key"),
        col(StagePipeline.FAILED_RULES).as("reasons"),
        col(StagePipeline.PAYLOAD).as("payload"),
        lit(runId).as("run_id"),
        current_timestamp().as("quarantined_at"));
  }

  public StageResult withChecked(Dataset<Row> other) {
    return new StageResult(other, stageColumns, rules);
  }
}
