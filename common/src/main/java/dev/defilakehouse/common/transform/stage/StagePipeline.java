package dev.defilakehouse.common.transform.stage;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.arrays_overlap;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * The shared tail of every stage transformation: flag conflicting duplicates, evaluate all rules in
 * one pass into an array of failed rule names, and collapse exact duplicates (same key, same content)
 * into one row that remembers how many raw rows it stands for.
 *
 * <p>Input: the typed stage columns plus {@link #PAYLOAD}, {@link #RECORD_DATE}, {@link #RECORD_KEY}
 * and whatever helper columns the rules read.
 */
public final class StagePipeline {
  public static final String PAYLOAD = "_payload";
  public static final String RECORD_DATE = "_record_date";
  public static final String RECORD_KEY = "_record_key";
  public static final String FAILED_RULES = "_failed_rules";
  public static final String QUARANTINED = "_quarantined";
  public static final String COPIES = "_copies";
  public static final String CONFLICTING_DUPLICATE = "conflicting_duplicate";

  private static final String FINGERPRINT = "_fingerprint";
  private static final String CONFLICTING = "_conflicting";
  private static final String GROUP = "_group";
  private static final String RULES_TEXT = "_rules_text";

  private StagePipeline() {}

  public static StageResult finish(Dataset<Row> typed, List<String> stageColumns, List<String> keyColumns,
                                   List<ValidationRule> rowRules) {
    Column[] keys = keyColumns.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
    Column keysComplete = lit(true);
    for (Column key : keys) {
      keysComplete = keysComplete.and(key.isNotNull());
    }
    // Content = every stage column but run_id; the same key with two contents is a conflict.
    Column[] content = stageColumns.stream().filter(c -> !c.equals("run_id"))
        .map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
    // Rows with an incomplete key only collapse with byte-identical copies of themselves.
    Column group = when(keysComplete, to_json(struct(keys)))
        .otherwise(concat_ws("|", lit("incomplete"), col(RECORD_KEY), coalesce(col(PAYLOAD), lit(""))));
    // Both windows are partitioned by the group first, so they share one shuffle (a group is one
    // key when the key is complete, and conflicts are only flagged then); two fingerprints differ
    // exactly when the group's set of fingerprints has more than one element. Group and rule text
    // are real columns: an expression in a window's partitioning gets a fresh alias per window,
    // and Spark then cannot see that two windows are partitioned alike.
    WindowSpec sameGroup = Window.partitionBy(col(GROUP));
    Dataset<Row> fingerprinted = typed
        .withColumn(FINGERPRINT, sha2(to_json(struct(content)), 256))
        .withColumn(GROUP, group)
        .withColumn(CONFLICTING, keysComplete.and(
            min(col(FINGERPRINT)).over(sameGroup).notEqual(max(col(FINGERPRINT)).over(sameGroup))));

    List<ValidationRule> rules = new ArrayList<>(rowRules);
    rules.add(ValidationRule.error(CONFLICTING_DUPLICATE, col(CONFLICTING),
        "the same key arrived with different content; every copy is quarantined"));
    Dataset<Row> validated = withFailedRules(fingerprinted, rules);

    WindowSpec sameRow = Window.partitionBy(col(GROUP), col(FINGERPRINT), col(RULES_TEXT))
        .orderBy(col(PAYLOAD).asc_nulls_last(), col(RECORD_DATE));
    List<Column> out = new ArrayList<>();
    stageColumns.forEach(c -> out.add(col(c)));
    List.of(FAILED_RULES, QUARANTINED, COPIES, RECORD_DATE).forEach(c -> out.add(col(c)));
    // Only quarantine rows carry the raw payload and key on: callers cache these rows, and the
    // payload is most of a row's bytes.
    out.add(when(col(QUARANTINED), col(PAYLOAD)).as(PAYLOAD));
    out.add(when(col(QUARANTINED), col(RECORD_KEY)).as(RECORD_KEY));
    Dataset<Row> collapsed = validated
        .withColumn(COPIES, count(lit(1)).over(sameRow.rowsBetween(Window.unboundedPreceding(), Window.unboundedFollowing())))
        .withColumn("_copy", row_number().over(sameRow))
        .where(col("_copy").equalTo(1))
        .select(out.toArray(Column[]::new));
    return new StageResult(collapsed, stageColumns, rules);
  }

  /**
   * Adds {@link #FAILED_RULES} (names of all failed rules, in rule order), {@code _rules_text}
   * (the same names joined by commas) and {@link #QUARANTINED} (any ERROR failed). Built from
   * {@code concat_ws}, which skips the rules that passed, rather than by filtering an array: a
   * higher-order function has no generated code, so Spark would interpret every rule per row.
   */
  public static Dataset<Row> withFailedRules(Dataset<Row> rows, List<ValidationRule> rules) {
    Column[] checks = rules.stream().map(r -> when(r.failsWhen(), lit(r.name()))).toArray(Column[]::new);
    Column[] errors = rules.stream().filter(r -> r.severity() == ValidationRule.Severity.ERROR)
        .map(r -> lit(r.name())).toArray(Column[]::new);
    return rows
        .withColumn(RULES_TEXT, concat_ws(",", checks))
        .withColumn(FAILED_RULES, when(col(RULES_TEXT).equalTo(""), array().cast("array<string>"))
            .otherwise(split(col(RULES_TEXT), ",")))
        .withColumn(QUARANTINED, arrays_overlap(col(FAILED_RULES), array(errors)));
  }
}
