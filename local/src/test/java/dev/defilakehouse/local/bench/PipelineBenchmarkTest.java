package dev.defilakehouse.local.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.defilakehouse.common.catalog.TableCatalog;
import dev.defilakehouse.common.config.Env;
import dev.defilakehouse.common.config.Interval;
import dev.defilakehouse.common.config.RunConfig;
import dev.defilakehouse.common.delta.LakehouseTables;
import dev.defilakehouse.common.testing.SparkTestSession;
import dev.defilakehouse.common.transform.features.FeatureColumns;
import dev.defilakehouse.jobs.JobRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark harness on a tiny simulation: the raw tables it writes pass the stage jobs whole,
 * and DuckDB's features equal the feature job's. No timings are asserted.
 */
class PipelineBenchmarkTest {
  private static final BenchScale TINY = new BenchScale("tiny", 40, 3, BenchScale.START, 7);

  @TempDir
  Path dir;

  @Test
  void rawTablesPassStageAndDuckDbAgreesWithSpark() throws Exception {
    SparkSession spark = SparkTestSession.get();
    RunConfig config = new RunConfig(Env.LOCAL, dir.resolve("lakehouse").toString(),
        Interval.of(TINY.start(), TINY.end()), Map.of(), "bench-test");
    PipelineBenchmark bench = new PipelineBenchmark(spark, config);
    LakehouseTables tables = new LakehouseTables(spark, Env.LOCAL, config.lakehouseRoot(), "check", TableCatalog.get());

    // --raw-only, then --resume in another process: the raw tables are written once, the stages after
    bench.run(TINY, BenchProgress.start(dir, TINY), true, dir.resolve("peer"), true, 2);
    assertTrue(tables.exists(tables.catalog().table("raw.the_graph_historical_account_positions")));
    assertFalse(tables.exists(tables.catalog().table("stage.the_graph_historical_account_positions")),
        "--raw-only ran a stage job");
    BenchProgress resumed = BenchProgress.resume(dir, TINY);
    PipelineBenchmark.Outcome outcome = bench.run(TINY, resumed, false, dir.resolve("peer"), true, 2);
    assertEquals(1L, resumed.raw().get("process"), "the resumed run loaded the raw tables again");
    assertEquals(2L, resumed.job("analytics.wallet_features").get("process"));

    for (String name : List.of("transpose_ethereum_daily_blocks", "the_graph_historical_market_data",
        "the_graph_historical_account_positions", "transpose_deposit_events", "transpose_borrow_events",
        "transpose_repay_events", "transpose_withdraw_events")) {
      if (!JobRegistry.standard().has("stage." + name)) {
        continue; // in the catalog, not built yet: the benchmark lists it as not registered
      }
      long raw = tables.read(tables.catalog().table("raw." + name)).count();
      // three tiny days need not hold every event kind; snapshots and deposits they always hold
      if (!name.endsWith("_events") || name.contains("deposit")) {
        assertTrue(raw > 0, "the simulation produced no rows for raw." + name);
      }
      assertEquals(raw, tables.read(tables.catalog().table("stage." + name)).count(),
          "stage." + name + " should hold every raw row the harness wrote");
    }
    var quarantine = tables.catalog().table("stage.quarantine");
    if (tables.exists(quarantine)) {
      assertEquals(0, tables.read(quarantine).count(), "stage quarantined rows the harness wrote");
    }

    assertTrue(outcome.comparison().sparkWallets() > 0, "no wallet features to compare");
    assertTrue(outcome.comparison().identical(), outcome.comparison().describe());
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> stages = (List<Map<String, Object>>) outcome.results().get("stages");
    assertEquals(List.of("stage", "analytics", "features", "gate"), stages.stream().map(s -> s.get("name")).toList());
    for (Map<String, Object> stage : stages) {
      assertNull(stage.get("failed"), "stage " + stage.get("name") + " failed");
      assertTrue((long) stage.get("files_written") > 0, "stage " + stage.get("name") + " wrote no file");
    }
    // each engine is timed PEER_RUNS times and its best run is the one compared
    @SuppressWarnings("unchecked")
    Map<String, Object> peer = (Map<String, Object>) outcome.results().get("peer");
    for (String engine : List.of("duckdb", "spark_same_input")) {
      @SuppressWarnings("unchecked")
      List<Double> runs = (List<Double>) peer.get(engine + "_runs_seconds");
      assertEquals(PipelineBenchmark.PEER_RUNS, runs.size(), engine + " runs");
      assertEquals(Collections.min(runs), (double) peer.get(engine + "_seconds"), 0.0, engine + " best run");
    }
    assertTrue(ResultsTable.render(outcome.results()).contains("identical"));

    // resuming a finished run times nothing again: every stage keeps the figures it was measured with
    PipelineBenchmark.Outcome again = bench.run(TINY, BenchProgress.resume(dir, TINY), false, dir.resolve("peer"),
        false, 2);
    assertEquals(outcome.results().get("stages"), again.results().get("stages"));
    assertEquals(3, ((List<?>) again.results().get("processes")).size());
    Path json = PipelineBenchmark.writeJson(outcome.results(), dir.resolve("results"), "tiny");
    assertTrue(Files.readString(json).contains("\"ratio_features_job_to_duckdb\""));
  }

  @Test
  void resumeSaysWhatIsWrongWithTheRoot() throws Exception {
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
        () -> BenchProgress.resume(dir, TINY));
    assertTrue(none.getMessage().contains("no " + BenchProgress.FILE), none.getMessage());
    BenchProgress.start(dir, TINY);
    IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
        () -> BenchProgress.resume(dir, TINY.resized(41, null)));
    assertTrue(other.getMessage().contains("tiny-41w-3d") && other.getMessage().contains("--wallets"),
        other.getMessage());
    assertEquals(2, BenchProgress.resume(dir, TINY).process(), "the same size resumes, as the run's second process");
  }

  @Test
  void comparisonReportsEveryKindOfDifference() {
    int n = FeatureColumns.FEATURES.size();
    Object[] base = new Object[n];
    for (int i = 0; i < n; i++) {
      base[i] = 1000.0 + i;
    }
    base[3] = null;
    Map<String, Object[]> spark = Map.of("0xa", base.clone(), "0xb", base.clone(), "0xc", base.clone());
    Map<String, Object[]> peer = new HashMap<>();
    Object[] close = base.clone();
    close[0] = 1000.0 * (1 + 1e-12); // within 1e-9 relative
    peer.put("0xa", close);
    Object[] off = base.clone();
    off[1] = 1001.0 * (1 + 1e-6); // beyond
    off[3] = 0.0; // null vs 0
    peer.put("0xb", off);
    peer.put("0xd", base.clone()); // 0xc missing, 0xd extra

    FeatureComparison.Result result = FeatureComparison.compare(spark, peer);

    assertFalse(result.identical());
    assertEquals(4, result.mismatches(), result.describe());
    String text = result.describe();
    assertTrue(text.contains("0xb " + FeatureColumns.FEATURES.get(1).name()), text);
    assertTrue(text.contains("0xb " + FeatureColumns.FEATURES.get(3).name() + ": spark null vs peer 0.0"), text);
    assertTrue(text.contains("wallet 0xc only in spark") && text.contains("wallet 0xd only in the peer"), text);
    assertTrue(FeatureComparison.compare(spark, new HashMap<>(spark)).identical());
  }

  @Test
  void aDifferenceOfTwoSumsIsComparedRelativeToTheSums() {
    List<String> names = FeatureColumns.names();
    Object[] base = new Object[names.size()];
    Arrays.fill(base, 1.0);
    base[names.indexOf("borrow_amount_sum_eth")] = 250.0;
    base[names.indexOf("repay_amount_sum_eth")] = 250.0;
    int diff = names.indexOf("borrow_repay_diff_eth");
    base[diff] = 0.0;
    Object[] noise = base.clone();
    noise[diff] = -5.6843418860808015E-14; // M run: summation-order noise of a wallet that repaid all
    Object[] real = base.clone();
    real[diff] = 1e-3; // a thousandth of an ETH is a real difference at 250 ETH

    assertTrue(FeatureComparison.compare(Map.of("0xa", base), Map.of("0xa", noise)).identical());
    FeatureComparison.Result off = FeatureComparison.compare(Map.of("0xa", base), Map.of("0xa", real));
    assertEquals(1, off.mismatches(), off.describe());
    // a feature that is not a difference keeps the plain relative rule, even next to large sums
    Object[] count = base.clone();
    count[names.indexOf("borrow_count")] = 1.0 + 1e-6;
    assertEquals(1, FeatureComparison.compare(Map.of("0xa", base), Map.of("0xa", count)).mismatches());
  }
}
