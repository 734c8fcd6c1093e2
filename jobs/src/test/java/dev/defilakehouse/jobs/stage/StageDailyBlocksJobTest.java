package dev.defilakehouse.jobs.stage;

import static dev.defilakehouse.common.testing.RawDailyBlocks.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.defilakehouse.common.config.Env;
import dev.defilakehouse.common.config.Interval;
import dev.defilakehouse.common.config.RunConfig;
import dev.defilakehouse.common.config.Secrets;
import dev.defilakehouse.common.job.JobReport;
import dev.defilakehouse.common.testing.RawDailyBlocks;
import dev.defilakehouse.common.testing.SparkTestSession;
import dev.defilakehouse.jobs.JobRegistry;
import dev.defilakehouse.jobs.JobRunner;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StageDailyBlocksJobTest {
  private final SparkSession spark = SparkTestSession.get();

  private JobReport run(Path root, String start, String end) throws Exception {
    RunConfig config = new RunConfig(Env.LOCAL, root.toString(),
        Interval.of(LocalDate.parse(start), LocalDate.parse(end)), Map.of(), "run-" + start);
    return new JobRunner(JobRegistry.standard()).run(StageDailyBlocksJob.NAME, config, spark, new Secrets(Map.of()));
  }

  private List<String> stageRows(Path root) {
    return spark.read().format("delta").load(root.resolve("stage/transpose_ethereum_daily_blocks").toString())
        .orderBy("block_date").collectAsList().stream()
        .map(r -> r.get(0) + " " + r.get(1) + " " + r.get(2).toString().replace(".0", "")).toList();
  }

  @Test
  void typesTheDaysFromStartToEndInclusiveFromThePayload(@TempDir Path root) throws Exception {
    RawDailyBlocks.write(spark, root.toString(),
        "2023-12-31", payload(18_901_000, "2023-12-31T00:00:05Z"),
        "2024-01-01", payload(18_908_895, "2024-01-01T00:00:11Z"),
        "2024-01-02", payload(18_916_023, "2024-01-02T00:00:23Z"),
        "2024-01-03", payload(18_923_150, "2024-01-03T00:00:11Z"));
    JobReport report = run(root, "2024-01-01", "2024-01-02");
    assertEquals(List.of("2024-01-01 18908895 2024-01-01 00:00:11", "2024-01-02 18916023 2024-01-02 00:00:23"),
        stageRows(root));
    assertEquals(2, report.rowsWritten());
    assertTrue(report.versions().containsKey("stage.transpose_ethereum_daily_blocks"), report.versions().toString());

    run(root, "2024-01-02", "2024-01-03");
    assertEquals(3, stageRows(root).size(), "the overlapping day is updated, not duplicated");
    Row schemaCheck = spark.sql("SELECT * FROM db_stage_local.transpose_ethereum_daily_blocks LIMIT 1").head();
    assertEquals(List.of("block_date", "block_number", "block_timestamp", "run_id"),
        List.of(schemaCheck.schema().fieldNames()));
  }

  @Test
  void anInvalidRawRowFailsTheRunNamingTheDayAndTheRule(@TempDir Path root) {
    RawDailyBlocks.write(spark, root.toString(),
        "2024-01-01", payload(18_908_895, "2024-01-01T00:00:11Z"),
        "2024-01-02", "{\"block_number\":\"n/a\",\"timestamp\":\"2024-01-03T00:00:00Z\"}");
    var e = assertThrows(IllegalStateException.class, () -> run(root, "2024-01-01", "2024-01-02"));
    assertTrue(e.getMessage().contains("2024-01-02 (block_number missing or not a whole number; timestamp is not on block_date)"),
        e.getMessage());
  }
}
