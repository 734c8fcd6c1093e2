package dev.defilakehouse.common.transform.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

/** Assertions on a {@link StageResult} shared by the stage tests. */
public final class StageAssertions {
  private StageAssertions() {}

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
