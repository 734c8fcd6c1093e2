package dev.defilakehouse.local.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.defilakehouse.common.catalog.JobSpec;
import dev.defilakehouse.common.catalog.TableCatalog;
import dev.defilakehouse.common.catalog.TableSpec;
import dev.defilakehouse.common.config.Env;
import dev.defilakehouse.common.config.Interval;
import dev.defilakehouse.common.config.RunConfig;
import dev.defilakehouse.common.config.Secrets;
import dev.defilakehouse.common.testing.SparkTestSession;
import dev.defilakehouse.jobs.JobRegistry;
import dev.defilakehouse.jobs.JobRunner;
import dev.defilakehouse.local.SandboxSources;
import dev.defilakehouse.sandbox.EndpointFaults;
import dev.defilakehouse.sandbox.Sandbox;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 11, kills: a job run by the launcher in a child JVM is killed with {@code kill -9} at a
 * given point (while fetching, while writing a data file, right before and right after the Delta
 * commit). Every table it writes is then at its old or its new version, never in between, and a
 * re-run of the job gives exactly the tables of an uninterrupted run (content checksums).
 *
 * <p>The lakehouse of an uninterrupted pipeline run ({@link SmallPipelineLakehouse}) is the
 * reference. Each case copies it, removes the interval's rows from the job's tables (the "old"
 * version: the job has not run for the interval yet), runs the job for the interval in a child JVM
 * and kills it at the point. The default run kills one job per layer at one point each;
 * {@code make reliability} (tag {@code reliability-long}) kills every catalog job at every point.
 */
// make test: the small pipeline once, then one kill per layer (~3 min); the other 86 cases are
// tagged reliability-long (make reliability, ~36 min) to keep CI well under 30 minutes.
class KillTest {
  /** The run's interval: events of START, the snapshot and features of END. */
  private static final LocalDate START = SmallPipelineLakehouse.START;
  private static final LocalDate END = SmallPipelineLakehouse.END;
  private static final TableCatalog CATALOG = TableCatalog.get();
  private static final List<String> LEAN_SPARK = List.of("--option", "spark.master=local[2]",
      "--option", "spark.sql.shuffle.partitions=2", "--option", "spark.databricks.delta.snapshotPartitions=2",
      "--option", "spark.ui.enabled=false");

  private static SmallPipelineLakehouse reference;
  private static Sandbox sandbox;

  @BeforeAll
  static void runThePipelineUninterrupted() throws Exception {
    reference = SmallPipelineLakehouse.get();
    sandbox = reference.sandbox();
  }

  /** One job per layer, each at a different point: the default run's budget. */
  static Stream<Arguments> oneJobPerLayer() {
    return Stream.of(
        Arguments.of("raw.transpose_borrow_events", KillPoint.FETCHING),
        Arguments.of("stage.transpose_borrow_events", KillPoint.WRITING),
        Arguments.of("analytics.transpose_borrow_events", KillPoint.BEFORE_COMMIT),
        Arguments.of("analytics.wallet_features", KillPoint.AFTER_COMMIT));
  }

  /** Every catalog job at every point that applies to it (fetching: raw jobs only). */
  static Stream<Arguments> everyJobAtEveryPoint() {
    List<Arguments> cases = new ArrayList<>();
    for (JobSpec job : CATALOG.jobsInDependencyOrder()) {
      for (KillPoint point : KillPoint.values()) {
        if (point != KillPoint.FETCHING || job.layer().equals("raw")) {
          cases.add(Arguments.of(job.name(), point));
        }
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "kill -9 {0} {1}")
  @MethodSource("oneJobPerLayer")
  void aKilledJobLeavesItsTablesOldOrNewAndTheRerunCompletesThem(String job, KillPoint point, @TempDir Path tmp)
      throws Exception {
    killAndRerun(job, point, tmp);
  }

  @Tag("reliability-long")
  @ParameterizedTest(name = "kill -9 {0} {1}")
  @MethodSource("everyJobAtEveryPoint")
  void everyJobKilledAtEveryPointLeavesItsTablesOldOrNewAndTheRerunCompletesThem(String job, KillPoint point,
      @TempDir Path tmp) throws Exception {
    killAndRerun(job, point, tmp);
  }

  private static void killAndRerun(String jobName, KillPoint point, Path tmp) throws Exception {
    SparkSession spark = SparkTestSession.get();
    JobSpec job = CATALOG.job(jobName);
    List<TableSpec> written = job.writes().stream().map(CATALOG::table).toList();
    TableSpec target = written.get(0);
    Path root = reference.copyTo(tmp.resolve("lakehouse"));
    Map<String, String> uninterrupted = reference.checksums();
    for (TableSpec t : written) {
      removeTheDay(spark, root.toString(), t);
    }
    Map<String, String> old = new LinkedHashMap<>();
    Map<String, Long> oldVersions = new LinkedHashMap<>();
    for (TableSpec t : written) {
      old.put(t.id(), LakehouseChecksums.of(spark, root.toString(), t));
      oldVersions.put(t.id(), LakehouseChecksums.version(spark, root.toString(), t));
    }

    List<String> args = new ArrayList<>(List.of(jobName, "--env", "local", "--start", START.toString(),
        "--end", END.toString(), "--lakehouse-root", root.toString()));
    args.addAll(LEAN_SPARK);
    Map<String, String> options = new LinkedHashMap<>(SandboxSources.jobOptions(sandbox));
    EndpointFaults endpoint = job.source().equals("the_graph")
        ? sandbox.faults().subgraph() : sandbox.faults().transpose();
    switch (point) {
      // small pages, each held by the sandbox a while: the job is killed between its first and last page
      case FETCHING -> {
        options.put("transpose.page_size", "1");
        options.put("subgraph.page_size", "1");
        endpoint.latency(Duration.ofMillis(500));
      }
      case WRITING -> {
        options.put("spark.hadoop.fs.file.impl", PausingLocalFileSystem.class.getName());
        // FileSystem.get would otherwise hand out a cached plain local file system
        options.put("spark.hadoop.fs.file.impl.disable.cache", "true");
      }
      case BEFORE_COMMIT, AFTER_COMMIT ->
          options.put("spark.delta.logStore.file.impl", PausingLogStore.class.getName());
    }
    options.forEach((k, v) -> args.addAll(List.of("--option", k + "=" + v)));
    Secrets secrets = SandboxSources.secrets(sandbox);
    Map<String, String> env = Map.of(Secrets.SUBGRAPH_API_KEY, sandbox.subgraphApiKey(),
        Secrets.TRANSPOSE_API_KEY, sandbox.transposeApiKey());
    Map<String, String> pause = Map.of(KillPoint.AT, point.name(),
        KillPoint.TABLE, "/" + target.layer() + "/" + target.name() + "/");

    String pausedAt;
    int exit;
    long requestsBefore = endpoint.requests();
    try (KillableJobProcess child = KillableJobProcess.start(args, pause, env, tmp)) {
      boolean reached = point == KillPoint.FETCHING
          ? child.awaitOrExit(() -> endpoint.requests() >= requestsBefore + 2)
          : child.awaitOrExit(() -> child.pauseLine() != null);
      if (!reached) {
        // e.g. a day without liquidations: no data file to interrupt, no page after the first
        int code = child.awaitExit();
        assertEquals(0, code, jobName + " failed before reaching " + point + ":\n" + child.output());
        ReliabilityLog.record(ReliabilityLog.Case.notApplicable("kills", "kill -9 " + jobName + " " + point.label(),
            "the job ended (exit 0) before reaching the point"));
        assumeTrue(false, jobName + " never reached " + point);
      }
      pausedAt = point == KillPoint.FETCHING
          ? "request " + (endpoint.requests() - requestsBefore) + " to " + endpoint.name()
          : child.pauseLine().substring(child.pauseLine().indexOf(' ', KillPoint.MARKER.length() + 1) + 1)
              .replace("file:" + root, "<root>");
      exit = child.kill();
      assertEquals(137, exit, "the child died of SIGKILL:\n" + child.output());
    } finally {
      endpoint.reset();
    }

    // Right after the kill: every table at its old or its new version, nothing in between.
    List<String> states = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (TableSpec t : written) {
      String now = LakehouseChecksums.of(spark, root.toString(), t);
      long version = LakehouseChecksums.version(spark, root.toString(), t);
      boolean isOld = now.equals(old.get(t.id()));
      boolean isNew = now.equals(uninterrupted.get(t.id()));
      if (!isOld && !isNew) {
        problems.add(t.id() + " is neither old (" + old.get(t.id()) + ") nor new (" + uninterrupted.get(t.id())
            + "): " + now + " at v" + version);
      }
      if (t.equals(target)) {
        boolean committed = point == KillPoint.AFTER_COMMIT;
        long expected = committed ? oldVersions.get(t.id()) + 1 : oldVersions.get(t.id());
        if (version != expected || !(committed ? isNew : isOld)) {
          problems.add(t.id() + " should be at its " + (committed ? "new" : "old") + " version v" + expected
              + " but is at v" + version + " with " + now);
        }
      }
      String which = isOld && isNew ? "old = new" : isOld ? "old" : isNew ? "new" : "BROKEN";
      states.add(t.id() + "@v" + version + " (" + which + ")");
    }
    if (!problems.isEmpty()) {
      ReliabilityLog.record(new ReliabilityLog.Case("kills", "kill -9 " + jobName + " " + point.label(),
          "kill -9 " + point.label() + ": " + pausedAt, "exit " + exit + "; " + String.join("; ", problems), 0, false));
    }
    assertTrue(problems.isEmpty(), "after kill -9 " + point.label() + ": " + problems);

    // The re-run completes the job: exactly the uninterrupted run's tables.
    RunConfig rerun = new RunConfig(Env.LOCAL, root.toString(), Interval.of(START, END),
        SandboxSources.jobOptions(sandbox), "kill-rerun");
    new JobRunner(JobRegistry.standard(), line -> { }).run(jobName, rerun, spark, secrets);
    long lost = 0;
    List<String> mismatches = new ArrayList<>();
    for (TableSpec t : written) {
      String after = LakehouseChecksums.of(spark, root.toString(), t);
      if (!after.equals(uninterrupted.get(t.id()))) {
        mismatches.add(t.id() + ": " + after + " vs uninterrupted " + uninterrupted.get(t.id()));
        lost += Math.max(0, LakehouseChecksums.rows(uninterrupted.get(t.id())) - LakehouseChecksums.rows(after));
      }
    }
    ReliabilityLog.record(new ReliabilityLog.Case("kills", "kill -9 " + jobName + " " + point.label(),
        "kill -9 " + point.label() + ": " + pausedAt,
        "exit " + exit + "; " + String.join(", ", states) + "; re-run "
            + (mismatches.isEmpty() ? "equal to the uninterrupted run" : "DIFFERENT: " + mismatches),
        lost, mismatches.isEmpty()));
    assertTrue(mismatches.isEmpty(), "the re-run after kill -9 " + point + " differs: " + mismatches);
  }

  /** The interval's rows removed from the table: events of START, snapshots and features of END. */
  private static void removeTheDay(SparkSession spark, String root, TableSpec table) {
    String location = table.location(root);
    if (LakehouseChecksums.version(spark, root, table) < 0) {
      return;
    }
    List<String> columns = Arrays.asList(spark.read().format("delta").load(location).columns());
    String where;
    if (columns.contains("block_date")) {
      where = "block_date = DATE'" + START + "'";
    } else if (columns.contains("snapshot_date")) {
      where = "snapshot_date = DATE'" + END + "'";
    } else if (columns.contains("as_of_date")) {
      where = "as_of_date = DATE'" + END + "'";
    } else if (columns.contains("record_date")) {
      where = "record_date = DATE'" + START + "'";
    } else {
      where = "true"; // a table a run replaces whole (the current positions)
    }
    spark.sql("DELETE FROM delta.`" + location + "` WHERE " + where);
  }
}
