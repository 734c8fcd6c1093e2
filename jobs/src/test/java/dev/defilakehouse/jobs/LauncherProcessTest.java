package dev.defilakehouse.jobs;

import static dev.defilakehouse.common.testing.RawDailyBlocks.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.defilakehouse.common.testing.ChildJvm;
import dev.defilakehouse.common.testing.RawDailyBlocks;
import dev.defilakehouse.common.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher in fresh JVMs, as bin/lakehouse runs it: each run opens the Derby metastore under
 * the lakehouse root, so a later JVM finds the tables by name.
 */
class LauncherProcessTest {
  private static final String JOB = "stage.transpose_ethereum_daily_blocks";
  private static final String SUBGRAPH_SECRET = "sg-SECRET-7f3a9c";
  private static final String TRANSPOSE_SECRET = "tp-SECRET-51b2e8";
  private static final Map<String, String> SECRETS_ENV =
      Map.of("SUBGRAPH_API_KEY", SUBGRAPH_SECRET, "TRANSPOSE_API_KEY", TRANSPOSE_SECRET);
  private static final List<String> LEAN_SPARK = List.of("--option", "spark.master=local[2]",
      "--option", "spark.sql.shuffle.partitions=2", "--option", "spark.databricks.delta.snapshotPartitions=2");

  private final SparkSession spark = SparkTestSession.get();

  private static ChildJvm.Result launcher(Path workDir, List<String> args) throws Exception {
    List<String> all = new ArrayList<>(args);
    all.addAll(LEAN_SPARK);
    return ChildJvm.run(ChildJvm.testClasspath(), Launcher.class.getName(), all, SECRETS_ENV, workDir);
  }

  private static List<String> job(Path root, String... extra) {
    List<String> args = new ArrayList<>(List.of(JOB, "--env", "local", "--start", "2024-01-01", "--end", "2024-01-03",
        "--lakehouse-root", root.toString()));
    args.addAll(List.of(extra));
    return args;
  }

  private static void assertNoSecret(ChildJvm.Result result) {
    assertFalse(result.output().contains(SUBGRAPH_SECRET) || result.output().contains(TRANSPOSE_SECRET),
        "a secret reached the output:\n" + result);
  }

  /** The stage table's rows without run_id (each run stamps its own). */
  private List<String> stageRows(Path root) {
    return spark.read().format("delta").load(root.resolve("stage/transpose_ethereum_daily_blocks").toString())
        .drop("run_id").orderBy("block_date").collectAsList().stream().map(Object::toString).toList();
  }

  @Test
  void aJobRunTwiceInFreshJvmsLeavesTheSameTableWhichALaterJvmQueriesByName(@TempDir Path tmp) throws Exception {
    Path root = tmp.resolve("lakehouse");
    RawDailyBlocks.write(spark, root.toString(),
        "2024-01-01", payload(18_908_895, "2024-01-01T00:00:11Z"),
        "2024-01-02", payload(18_916_023, "2024-01-02T00:00:23Z"),
        "2024-01-03", payload(18_923_150, "2024-01-03T00:00:11Z"));

    ChildJvm.Result first = launcher(tmp, job(root, "--option", "note=" + TRANSPOSE_SECRET, "--verbose"));
    assertEquals(0, first.exitCode(), first::toString);
    assertTrue(first.stdout().lines().anyMatch(l -> l.startsWith("START job=" + JOB + " env=local")
        && l.contains("note=***")), "--verbose shows the options, masked: " + first);
    assertTrue(first.stdout().lines().anyMatch(l -> l.startsWith("SUMMARY job=" + JOB + " status=ok read=3 written=3")
        && l.contains("versions=[" + JOB + "@v")), first::toString);
    List<String> afterFirst = stageRows(root);
    assertEquals(3, afterFirst.size());

    ChildJvm.Result second = launcher(tmp, job(root, "--option", "note=plain"));
    assertEquals(0, second.exitCode(), second::toString);
    assertTrue(second.stdout().lines().anyMatch(l -> l.startsWith("START job=" + JOB + " env=local")
        && l.contains(" run_id=") && !l.contains("options=")), "no option dump without --verbose: " + second);
    assertEquals(afterFirst, stageRows(root), "a re-run leaves the same rows");

    ChildJvm.Result sql = launcher(tmp, List.of("sql",
        "select count(*) as n, max(block_number) as last_block from db_stage_local.transpose_ethereum_daily_blocks",
        "--lakehouse-root", root.toString()));
    assertEquals(0, sql.exitCode(), sql::toString);
    assertTrue(sql.stdout().contains("| n | last_block |") && sql.stdout().contains("| 3 | 18923150   |"), sql::toString);
    List.of(first, second, sql).forEach(LauncherProcessTest::assertNoSecret);
  }

  @Test
  void aFailingJobExitsOneWithOneMaskedLineAndNoStackTrace(@TempDir Path tmp) throws Exception {
    // The secret is part of the root, so every path the run prints would carry it.
    Path root = tmp.resolve("lake-" + SUBGRAPH_SECRET);
    ChildJvm.Result failed = launcher(tmp, job(root));
    assertEquals(1, failed.exitCode(), failed::toString);
    List<String> lines = failed.stderr().lines().filter(l -> l.startsWith("FAILED ")).toList();
    assertEquals(1, lines.size(), failed::toString);
    assertTrue(lines.get(0).startsWith("FAILED job=" + JOB + " run_id=" + JOB + "-")
        && lines.get(0).contains("raw_local.transpose_ethereum_daily_blocks does not exist yet at ")
        && lines.get(0).contains("lake-***"), lines.get(0));
    assertFalse(failed.output().contains("\tat dev.defilakehouse"), "no stack trace without --verbose:\n" + failed);
    assertNoSecret(failed);
  }
}
