package dev.defilakehouse.common.transform.stage;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sort_array;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;

/** Assertions on a {@link StageResult} shared by the stage tests. */
public final class StageAssertions {
  private StageAssertions() {}

  /** record_key → sorted reasons of every quarantined row. */
  public static Map<String, List<String>> reasonsByKey(StageResult result) {
    Map<String, List<String>> out = new TreeMap<>();
    for (Row r : result.quarantineRows("stage.test", "run").select(col("record_key"), sort_array(col("reasons")))
        .collectAsList()) {
      List<String> reasons = r.getList(1);
      out.merge(r.getString(0), reasons, (a, b) -> {
        throw new AssertionError("two quarantine rows for " + r.getString(0) + " with " + a + " and " + b
            + "; use quarantinedRows() for conflicting copies");
      });
    }
    return out;
  }

  /** "record_key reason,reason" of each quarantined row, sorted (Java string order). */
  public static List<String> quarantinedReasons(StageResult result) {
    List<String> rows = new java.util.ArrayList<>(result.quarantineRows("stage.test", "run")
        .selectExpr("concat(record_key, ' ', array_join(sort_array(reasons), ',')) AS r")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
    java.util.Collections.sort(rows);
    return rows;
  }

  public static List<String> sorted(String... values) {
    List<String> list = new java.util.ArrayList<>(List.of(values));
    java.util.Collections.sort(list);
    return list;
  }

  /** Stage + quarantined + collapsed duplicates = raw rows: nothing is lost. */
  public static StageCounts assertEveryRawRowAccountedFor(StageResult result, long rawRows) {
    StageCounts counts = StageCounts.of(result);
    assertEquals(rawRows, counts.rawRows(), "raw rows seen");
    assertEquals(rawRows, result.stageRows().count() + result.quarantineRows("t", "r").count() + counts.collapsedDuplicates(),
        "stage + quarantine + collapsed duplicates");
    return counts;
  }
}
