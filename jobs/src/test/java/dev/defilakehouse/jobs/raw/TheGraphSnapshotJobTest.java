package dev.defilakehouse.jobs.raw;

import static dev.defilakehouse.jobs.raw.RawJobTestSupport.SUBGRAPH_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.defilakehouse.common.job.JobReport;
import dev.defilakehouse.common.source.SourceAuthException;
import dev.defilakehouse.common.source.SourceException;
import dev.defilakehouse.common.testing.CapturedLogs;
import dev.defilakehouse.common.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import mockwebserver3.MockWebServer;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daily blocks job, then the snapshot jobs reading its table, all in one lakehouse: the blocks
 * are written once for the class; each test uses its own snapshot table or fails before writing.
 */
class TheGraphSnapshotJobTest {
  private static final SparkSession spark = SparkTestSession.get();
  private static final String AAVE2 = "QmAaveV2";
  private static final String AAVE3 = "QmAaveV3";
  private static final String COMP2 = "QmCompoundV2";

  @TempDir
  static Path root;
  private static MockWebServer transposeServer;
  private static MockWebServer subgraphServer;
  private static FakeSubgraph subgraph;

  static String market(String id, String price) {
    return "{\"id\":\"" + id + "\",\"name\":\"m " + id + "\",\"liquidationThreshold\":\"82.50\",\"maximumLTV\":\"75\","
        + "\"inputToken\":{\"id\":\"0xtoken" + id + "\",\"symbol\":\"T\",\"decimals\":18},\"inputTokenPriceUSD\":\"" + price + "\"}";
  }

  static String position(String id, String balance) {
    return "{\"id\":\"" + id + "\",\"account\":{\"id\":\"0xacc\"},\"market\":{\"id\":\"0xm\"},\"side\":\"COLLATERAL\","
        + "\"isCollateral\":true,\"balance\":\"" + balance + "\"}";
  }

  @BeforeAll
  static void blocksAndSources() throws Exception {
    spark.sql("DROP DATABASE IF EXISTS db_raw_local CASCADE");
    FakeTranspose transpose = new FakeTranspose(RawJobTestSupport.TRANSPOSE_KEY)
        .block(1001, "2024-01-01T00:00:17Z").block(1000, "2024-01-01T00:00:05Z")
        .block(2000, "2024-01-02T00:00:03Z").block(2999, "2024-01-02T23:59:59Z")
        .block(3000, "2024-01-03T00:00:11Z");
    transposeServer = RawJobTestSupport.server(transpose);
    subgraph = new FakeSubgraph(SUBGRAPH_KEY)
        .indexedUpTo(AAVE2, 5000).indexedUpTo(COMP2, 5000).indexedUpTo(AAVE3, 5000)
        .entities(AAVE2, "markets", 2000, List.of(market("0xa3", "1.00"), market("0xa1", "2000.5"), market("0xa2", "1")))
        .entities(AAVE2, "markets", 3000, List.of(market("0xa1", "1500.25"), market("0xa2", "1"), market("0xa3", "0.99")))
        .entities(COMP2, "markets", 2000, List.of(market("0xc1", "30000")))
        .entities(COMP2, "markets", 3000, List.of(market("0xc1", "31000")))
        .entities(AAVE3, "markets", 2000, List.of(market("0xb1", "1"), market("0xb2", "2")))
        .entities(AAVE3, "markets", 3000, List.of(market("0xb1", "1"), market("0xb2", "3")))
        .entities(AAVE2, "positions", 2000, List.of(position("0xp1", "1000000000000000000000000000001")))
        .entities(AAVE3, "positions", 2000, List.of(position("0xq1", "5"), position("0xq2", "6")))
        .entities(AAVE2, "positions", 3000, List.of(position("0xp1", "7")));
    subgraphServer = RawJobTestSupport.server(subgraph);

    RawJobTestSupport.run(spark, TransposeDailyBlocksJob.NAME, root, "2024-01-01", "2024-01-03", options(), "blocks-1");
  }

  @AfterAll
  static void stop() {
    transposeServer.close();
    subgraphServer.close();
  }

  private static Map<String, String> options(String... more) {
    Map<String, String> options = RawJobTestSupport.options(transposeServer, more);
    options.put("subgraph.url", subgraphServer.url("/").toString());
    options.put("subgraph.deployment.aave_v2", AAVE2);
    options.put("subgraph.deployment.aave_v3", AAVE3);
    options.put("subgraph.deployment.compound_v2", COMP2);
    return options;
  }

  @Test
  void dailyBlocksHoldTheFirstBlockOfEveryDayFromStartToEnd() {
    List<String> rows = RawJobTestSupport.table(spark, root, "transpose_ethereum_daily_blocks").orderBy("block_date")
        .selectExpr("CAST(block_date AS STRING)", "block_number", "CAST(block_timestamp AS STRING)", "payload")
        .collectAsList().stream().map(Row::toString).toList();
    assertEquals(List.of(
        "[2024-01-01,1000,2024-01-01 00:00:05,{\"block_number\":1000,\"timestamp\":\"2024-01-01T00:00:05Z\"}]",
        "[2024-01-02,2000,2024-01-02 00:00:03,{\"block_number\":2000,\"timestamp\":\"2024-01-02T00:00:03Z\"}]",
        "[2024-01-03,3000,2024-01-03 00:00:11,{\"block_number\":3000,\"timestamp\":\"2024-01-03T00:00:11Z\"}]"), rows);
  }

  @Test
  void marketsAreSnapshotAtEachDaysFirstBlockAndAReRunIsIdentical() throws Exception {
    int callsBefore = subgraph.calls.size();
    RawJobTestSupport.run(spark, "raw.the_graph_historical_market_data", root, "2024-01-01", "2024-01-03",
        options("subgraph.page_size", "2"), "markets-1");

    List<Row> rows = RawJobTestSupport.table(spark, root, "the_graph_historical_market_data")
        .orderBy("snapshot_date", "protocol", "market_id").collectAsList();
    Map<String, Long> perDateAndProtocol = rows.stream().collect(Collectors.groupingBy(
        r -> r.getAs("snapshot_date").toString() + "/" + r.getAs("protocol") + "@" + r.getAs("snapshot_block"),
        Collectors.counting()));
    assertEquals(Map.of("2024-01-02/aave_v2@2000", 3L, "2024-01-02/aave_v3@2000", 2L, "2024-01-02/compound_v2@2000", 1L,
        "2024-01-03/aave_v2@3000", 3L, "2024-01-03/aave_v3@3000", 2L, "2024-01-03/compound_v2@3000", 1L), perDateAndProtocol);
    Row first = rows.get(0);
    assertEquals("0xa1", first.getAs("market_id"));
    assertEquals(market("0xa1", "2000.5"), first.getAs("payload"));
    assertEquals("2024-01-02 00:00:03.0", first.getAs("snapshot_timestamp").toString());
    assertFalse(rows.stream().anyMatch(r -> ((String) r.getAs("request")).contains(SUBGRAPH_KEY)));

    // every entity page is pinned to the snapshot date's block, and each date starts with _meta
    List<FakeSubgraph.Call> calls = subgraph.calls.subList(callsBefore, subgraph.calls.size());
    assertTrue(calls.get(0).body().path("query").asText().contains("_meta"));
    // dates are fetched concurrently: their pages may interleave, each date's own pages stay in cursor order
    List<String> aaveV2Pages = calls.stream().filter(c -> c.deployment().equals(AAVE2) && c.body().path("query").asText()
        .contains("markets(")).sorted(java.util.Comparator.comparingLong(c -> c.body().path("variables").path("block")
        .asLong())).map(c -> c.body().path("variables").toString()).toList();
    assertEquals(List.of("{\"block\":2000,\"first\":2,\"lastId\":\"\"}", "{\"block\":2000,\"first\":2,\"lastId\":\"0xa2\"}",
        "{\"block\":3000,\"first\":2,\"lastId\":\"\"}", "{\"block\":3000,\"first\":2,\"lastId\":\"0xa2\"}"), aaveV2Pages);

    List<String> before = RawJobTestSupport.content(spark, root, "the_graph_historical_market_data",
        "snapshot_date", "protocol", "market_id");
    RawJobTestSupport.run(spark, "raw.the_graph_historical_market_data", root, "2024-01-01", "2024-01-03",
        options("subgraph.page_size", "2"), "markets-2");
    assertEquals(before, RawJobTestSupport.content(spark, root, "the_graph_historical_market_data",
        "snapshot_date", "protocol", "market_id"));
  }

  @Test
  void aDeploymentBehindTheSnapshotBlockFailsThatDateAndWritesNothingForIt() {
    subgraph.indexedUpTo(AAVE3, 2500);
    try (CapturedLogs logs = CapturedLogs.start()) {
      SourceException e = assertThrows(SourceException.class, () -> RawJobTestSupport.run(spark,
          "raw.the_graph_historical_account_positions", root, "2024-01-01", "2024-01-03", options(), "positions-1"));
      assertTrue(e.getMessage().contains("subgraph aave_v3 (deployment " + AAVE3 + ") has indexed only up to block 2500"),
          e.getMessage());
      assertTrue(e.getMessage().contains("2024-01-03 needs block 3000"), e.getMessage());
      assertFalse((logs.text() + CapturedLogs.stackTrace(e)).contains(SUBGRAPH_KEY));
    } finally {
      subgraph.indexedUpTo(AAVE3, 5000);
    }
    assertFalse(subgraph.calls.stream().anyMatch(c -> c.deployment().equals(AAVE3)
        && c.body().path("variables").path("block").asLong() == 3000), "_meta is checked before any page");
    Map<String, Long> perDate = RawJobTestSupport.table(spark, root, "the_graph_historical_account_positions")
        .groupBy("snapshot_date").count().collectAsList().stream()
        .collect(Collectors.toMap(r -> r.get(0).toString(), r -> r.getLong(1)));
    assertEquals(Map.of("2024-01-02", 3L), perDate);
    assertEquals("1000000000000000000000000000001", RawJobTestSupport.table(spark, root,
        "the_graph_historical_account_positions").where("position_id = '0xp1'")
        .selectExpr("get_json_object(payload, '$.balance')").first().getString(0));
  }

  @Test
  void anUpgradedDeploymentWithoutAFieldReadFailsBeforeAnyPageNamingIt() {
    List<String> market = subgraph.schema.get("Market");
    subgraph.schema.put("Market", market.stream().filter(f -> !f.equals("maximumLTV")).toList());
    int callsBefore = subgraph.calls.size();
    try {
      SourceException e = assertThrows(SourceException.class, () -> RawJobTestSupport.run(spark,
          "raw.the_graph_historical_market_data", root, "2024-01-01", "2024-01-02", options(), "markets-z"));
      assertTrue(e.getMessage().contains("does not serve [Market.maximumLTV]"), e.getMessage());
      assertTrue(e.getMessage().contains("schema 3.1.0"), e.getMessage());
    } finally {
      subgraph.schema.put("Market", market);
    }
    assertFalse(subgraph.calls.subList(callsBefore, subgraph.calls.size()).stream()
        .anyMatch(c -> c.body().path("query").asText().contains("markets(")), "no page is read");
  }

  @Test
  void theSummaryNamesEachDeploymentsHashAndSchemaVersion() throws Exception {
    JobReport report = RawJobTestSupport.run(spark, "raw.the_graph_historical_market_data", root, "2024-01-01",
        "2024-01-02", options(), "markets-v");
    assertEquals("Qm" + AAVE2 + "Hash", report.metrics().get("subgraph_aave_v2_deployment"));
    assertEquals("3.1.0", report.metrics().get("subgraph_compound_v2_schema"));
  }

  @Test
  void aMissingDailyBlockSaysWhichJobToRun() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> RawJobTestSupport.run(spark,
        "raw.the_graph_historical_market_data", root, "2024-01-03", "2024-01-05", options(), "markets-x"));
    assertTrue(e.getMessage().contains("has no first block for [2024-01-04, 2024-01-05]"), e.getMessage());
    assertTrue(e.getMessage().contains("run raw.transpose_ethereum_daily_blocks"), e.getMessage());
  }

  @Test
  void aWrongKeyFailsAtOnceNamingTheVariable() throws Exception {
    FakeSubgraph otherKey = new FakeSubgraph("a-different-key");
    try (MockWebServer server = RawJobTestSupport.server(otherKey); CapturedLogs logs = CapturedLogs.start()) {
      Map<String, String> options = options();
      options.put("subgraph.url", server.url("/").toString());
      // one protocol: several would be fetched ahead concurrently, one first request each
      options.put("protocols", "aave_v2");
      SourceAuthException e = assertThrows(SourceAuthException.class, () -> RawJobTestSupport.run(spark,
          "raw.the_graph_historical_market_data", root, "2024-01-01", "2024-01-02", options, "markets-y"));
      assertEquals(1, server.getRequestCount(), "the gateway's auth error is not retried");
      assertTrue(e.getMessage().contains("SUBGRAPH_API_KEY"), e.getMessage());
      assertFalse((logs.text() + CapturedLogs.stackTrace(e)).contains(SUBGRAPH_KEY));
    }
  }
}
