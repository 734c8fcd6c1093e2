package dev.defilakehouse.local.reliability;

import static dev.defilakehouse.common.transform.stage.StageFixtures.event;
import static dev.defilakehouse.common.transform.stage.StageFixtures.json;
import static dev.defilakehouse.common.transform.stage.StageFixtures.market;
import static dev.defilakehouse.common.transform.stage.StageFixtures.position;
import static dev.defilakehouse.common.transform.stage.StageFixtures.rawEvent;
import static dev.defilakehouse.common.transform.stage.StageFixtures.rawEventWithPayload;
import static dev.defilakehouse.common.transform.stage.StageFixtures.tx;
import static dev.defilakehouse.common.transform.stage.StageFixtures.with;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.defilakehouse.common.catalog.JobSpec;
import dev.defilakehouse.common.catalog.TableCatalog;
import dev.defilakehouse.common.catalog.TableSpec;
import dev.defilakehouse.common.config.Env;
import dev.defilakehouse.common.config.Interval;
import dev.defilakehouse.common.config.RunConfig;
import dev.defilakehouse.common.delta.LakehouseTables;
import dev.defilakehouse.common.testing.SparkTestSession;
import dev.defilakehouse.jobs.JobRegistry;
import dev.defilakehouse.jobs.JobRunner;
import dev.defilakehouse.local.SandboxSources;
import dev.defilakehouse.sandbox.Market;
import dev.defilakehouse.sandbox.Sandbox;
import dev.defilakehouse.sandbox.SandboxOptions;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, bad input: the stage quarantine matrix run end to end. Sandbox data is ingested, bad
 * rows of every rule are added next to it in three raw tables, then stage, analytics and features
 * run as scheduled. Every raw row must end as a stage row, a quarantine row (with the rule that
 * sent it there) or a collapsed exact duplicate; the features are still computed.
 */
// Runs a whole small pipeline or more: in `make reliability`, not in `make test` (the CI budget).
@org.junit.jupiter.api.Tag("reliability-long")
class BadInputEndToEndTest {
  private static final String AREA = "bad input";
  private static final LocalDate START = LocalDate.parse("2024-01-01");
  private static final LocalDate END = LocalDate.parse("2024-01-02");
  private static final String T = "2024-01-01T12:00:00Z";

  private final SparkSession spark = SparkTestSession.get();

  /** Bad rows for one raw table: the rows, and per rule how many quarantined raw rows it must count. */
  private record Injection(String rawTable, String partition, LocalDate date, List<Row> rows, int exactDuplicates,
                           Map<String, Long> rules) {}

  @Test
  void everyRawRowBecomesAStageRowAQuarantineRowOrACollapsedDuplicate(@TempDir Path root) throws Exception {
    try (Sandbox sandbox = Sandbox.start(SandboxOptions.builder().seed(41).wallets(30).markets(3).startDate(START)
        .days(2).build())) {
      Map<String, String> options = new LinkedHashMap<>(SandboxSources.jobOptions(sandbox));
      // The bad rows are a large share of this tiny day: let them all through to quarantine.
      options.put("quarantine.max_share", "1");
      RunConfig config = new RunConfig(Env.LOCAL, root.toString(), Interval.of(START, END), options, "bad-input");
      LakehouseTables tables = new LakehouseTables(spark, Env.LOCAL, root.toString(), "bad-input", TableCatalog.get());
      JobRunner runner = new JobRunner(JobRegistry.standard(), line -> { });
      List<JobSpec> jobs = TableCatalog.get().jobsInDependencyOrder();
      for (JobSpec job : jobs) {
        if (job.layer().equals("raw")) {
          runner.run(job.name(), config, spark, SandboxSources.secrets(sandbox));
        }
      }

      Market market = sandbox.simulation().markets("aave_v2").get(0);
      List<Injection> injections = List.of(events(tables, market), markets(tables), positions(tables, market));
      for (Injection i : injections) {
        TableSpec raw = table(i.rawTable());
        Dataset<Row> day = tables.read(raw).where(col(i.partition()).equalTo(Date.valueOf(i.date())));
        tables.replaceWhere(raw, day.unionByName(spark.createDataFrame(i.rows(), day.schema())),
            i.partition() + " = DATE'" + i.date() + "'");
      }

      for (JobSpec job : jobs) {
        if (!job.layer().equals("raw")) {
          runner.run(job.name(), config, spark, SandboxSources.secrets(sandbox));
        }
      }

      Dataset<Row> quarantine = tables.read(table("stage.quarantine")).cache();
      long totalLost = 0;
      for (TableSpec raw : TableCatalog.get().tables()) {
        if (!raw.layer().equals("raw")) {
          continue;
        }
        String stageTable = "stage." + raw.name();
        Injection injection = injections.stream().filter(i -> i.rawTable().equals(raw.id())).findFirst().orElse(null);
        long rawRows = tables.read(raw).count();
        long stageRows = tables.read(table(stageTable)).count();
        Dataset<Row> quarantined = quarantine.where(col("source_table").equalTo(stageTable));
        long quarantinedRows = quarantined.count();
        long duplicates = injection == null ? 0 : injection.exactDuplicates();
        long lost = rawRows - stageRows - quarantinedRows - duplicates;
        totalLost += Math.abs(lost);
        Map<String, Long> byRule = new TreeMap<>();
        quarantined.select(explode(col("reasons")).as("rule")).groupBy("rule").count().collectAsList()
            .forEach(r -> byRule.put(r.getString(0), r.getLong(1)));
        Map<String, Long> expectedRules = injection == null ? Map.of() : injection.rules();
        long expectedQuarantined = injection == null ? 0 : injection.rows().size() - injection.exactDuplicates();
        Map<String, Long> seenRules = new TreeMap<>(byRule);
        seenRules.keySet().retainAll(expectedRules.keySet());
        boolean passed = lost == 0 && quarantinedRows == expectedQuarantined && seenRules.equals(expectedRules);
        ReliabilityLog.record(new ReliabilityLog.Case(AREA, raw.id() + " → " + stageTable + ", end to end",
            injection == null ? "-" : injection.rows().size() + " bad rows: " + describe(expectedRules)
                + (duplicates > 0 ? ", " + duplicates + " x exact duplicate" : ""),
            "raw " + rawRows + " = stage " + stageRows + " + quarantined " + quarantinedRows + " + collapsed " + duplicates
                + (byRule.isEmpty() ? "" : "; quarantine reasons " + describe(byRule)), lost, passed));
        assertEquals(0, lost, raw.id() + ": raw " + rawRows + " = stage " + stageRows + " + quarantined " + quarantinedRows
            + " + collapsed duplicates " + duplicates);
        assertEquals(expectedQuarantined, quarantinedRows, stageTable + ": the sandbox's own rows are clean");
        assertEquals(expectedRules, seenRules, stageTable + ": quarantined raw rows per rule");
      }
      quarantine.unpersist();

      long wallets = tables.read(table("analytics.wallet_features")).where(col("as_of_date").equalTo(Date.valueOf(END)))
          .count();
      long failedChecks = tables.read(table("analytics.data_quality_results")).where("NOT passed").count();
      ReliabilityLog.record(new ReliabilityLog.Case(AREA, "features after bad input", "the bad rows above",
          wallets + " wallet feature rows as of " + END + ", " + failedChecks + " failed quality checks", totalLost,
          wallets > 0 && totalLost == 0));
      assertTrue(wallets > 0, "features are computed despite the bad rows");
    }
  }

  /** Deposit events on the interval's day: the stage matrix of LendingEventsStageTest. */
  private Injection events(LakehouseTables tables, Market market) {
    String token = market.inputTokenAddress();
    Row existing = firstRow(tables, "raw.transpose_deposit_events");
    List<Row> rows = new ArrayList<>(List.of(
        existing,                                                                                   // fetched twice
        rawEvent(START, with(event("deposit", tx(2), 1, T, token, "1"), "transaction_hash", null)),
        rawEventWithPayload(START, tx(3), 1, "{\"timestamp\": \"" + T + "\", \"quantity\": "),
        rawEvent(START, event("deposit", tx(4), 1, T, token, "12abc")),
        rawEvent(START, event("deposit", tx(5), 1, T, token, "-5")),
        rawEvent(START, event("deposit", tx(6), 1, T, token, "1" + "0".repeat(38))),
        rawEvent(START, with(event("deposit", tx(8), 1, T, token, "1"), "account_address", "0xabc")),
        rawEvent(START, event("flashloan", tx(10), 1, T, token, "1")),
        rawEvent(START, event("borrow", tx(11), 1, T, token, "1")),
        rawEvent(START, event("deposit", tx(12), 1, "2024-01-02T00:00:00Z", token, "1")),
        rawEvent(START, event("deposit", tx(13), 1, T, token, "1")),
        rawEvent(START, event("deposit", tx(13), 1, T, token, "2")),
        rawEvent(START, with(event("deposit", tx(14), 1, T, token, "1"), "contract_version", "v9"))));
    return new Injection("raw.transpose_deposit_events", "block_date", START, rows, 1, rules(
        "missing_transaction_hash", 1, "invalid_json", 1, "non_numeric_quantity", 1, "negative_quantity", 1,
        "quantity_out_of_range", 1, "malformed_account_address", 1, "unknown_category", 1, "wrong_category", 1,
        "timestamp_outside_interval", 1, "conflicting_duplicate", 2, "unknown_protocol", 1));
  }

  /** Markets of the snapshot date: the matrix of MarketDataStageTest. */
  private Injection markets(LakehouseTables tables) {
    Row existing = firstRow(tables, "raw.the_graph_historical_market_data");
    long block = existing.getLong(existing.fieldIndex("snapshot_block"));
    Timestamp at = existing.getTimestamp(existing.fieldIndex("snapshot_timestamp"));
    String usdc = "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48";
    List<Row> rows = List.of(
        existing,
        snapshot("aave_v2", block, at, "0xm1", "{not json"),
        snapshot("aave_v2", block, at, null, json(with(market("0xm2", "x", usdc, "USDC", 6, "80", "75", "1"), "id", null))),
        snapshot("aave_v2", block, at, "0xm3", json(market("0xm3", "x", "0xnot-an-address", "X", 6, "80", "75", "1"))),
        snapshot("maker", block, at, "0xm4", json(market("0xm4", "x", usdc, "USDC", 6, "80", "75", "1"))),
        snapshot("aave_v2", block, at, "0xm6", json(market("0xm6", "x", usdc, "USDC", -1, "180", "abc", "-2"))),
        snapshot("aave_v2", block, at, "0xm7", json(market("0xm7", "one", usdc, "USDC", 6, "80", "75", "1"))),
        snapshot("aave_v2", block, at, "0xm7", json(market("0xm7", "two", usdc, "USDC", 6, "80", "75", "1"))));
    return new Injection("raw.the_graph_historical_market_data", "snapshot_date", END, rows, 1, rules(
        "invalid_json", 1, "missing_market_id", 1, "malformed_token_address", 1, "unknown_protocol", 1,
        "invalid_token_decimals", 1, "invalid_liquidation_threshold", 1, "invalid_max_ltv", 1, "invalid_price", 1,
        "conflicting_duplicate", 2));
  }

  /** Positions of the snapshot date: the matrix of AccountPositionsStageTest. */
  private Injection positions(LakehouseTables tables, Market market) {
    Row existing = firstRow(tables, "raw.the_graph_historical_account_positions");
    long block = existing.getLong(existing.fieldIndex("snapshot_block"));
    Timestamp at = existing.getTimestamp(existing.fieldIndex("snapshot_timestamp"));
    String wallet = "0x7a16ff8270133f063aab6c9977183d9e72835428";
    String m = market.id();
    List<Row> rows = List.of(
        existing,
        snapshot("aave_v2", block, at, "p-json", "[1, 2"),
        snapshot("aave_v2", block, at, "p-side", json(position("p-side", wallet, m, "SPECTATOR", null, "1"))),
        snapshot("aave_v2", block, at, "p-account", json(with(position("p-account", wallet, m, "LENDER", true, "1"),
            "account", null))),
        snapshot("aave_v2", block, at, "p-wallet", json(position("p-wallet", "0x12", m, "LENDER", true, "1"))),
        snapshot("aave_v2", block, at, "p-nan", json(position("p-nan", wallet, m, "LENDER", true, "1.5e3"))),
        snapshot("aave_v2", block, at, "p-neg", json(position("p-neg", wallet, m, "LENDER", true, "-100"))),
        snapshot("aave_v2", block, at, "p-big", json(position("p-big", wallet, m, "LENDER", true, "1" + "0".repeat(38)))),
        snapshot("aave_v2", block, at, "p-dup", json(position("p-dup", wallet, m, "LENDER", true, "1"))),
        snapshot("aave_v2", block, at, "p-dup", json(position("p-dup", wallet, m, "LENDER", true, "2"))));
    return new Injection("raw.the_graph_historical_account_positions", "snapshot_date", END, rows, 1, rules(
        "invalid_json", 1, "unknown_side", 1, "missing_wallet_address", 1, "malformed_wallet_address", 1,
        "non_numeric_balance", 1, "negative_balance", 1, "balance_out_of_range", 1, "conflicting_duplicate", 2));
  }

  private static Row snapshot(String protocol, long block, Timestamp at, String id, String payload) {
    return RowFactory.create(protocol, Date.valueOf(END), block, at, id, payload, "{\"source\":\"the_graph\"}", at,
        "bad-input");
  }

  private static Row firstRow(LakehouseTables tables, String rawTable) {
    List<Row> rows = tables.read(table(rawTable)).orderBy(col("payload")).limit(1).collectAsList();
    assertFalse(rows.isEmpty(), rawTable + " has sandbox rows to duplicate");
    return rows.get(0);
  }

  private static Map<String, Long> rules(Object... ruleCounts) {
    Map<String, Long> out = new TreeMap<>();
    for (int i = 0; i < ruleCounts.length; i += 2) {
      out.put((String) ruleCounts[i], ((Integer) ruleCounts[i + 1]).longValue());
    }
    return out;
  }

  private static String describe(Map<String, Long> counts) {
    StringBuilder s = new StringBuilder();
    counts.forEach((rule, n) -> s.append(s.length() == 0 ? "" : ", ").append(n).append(" x ").append(rule));
    return s.toString();
  }

  private static TableSpec table(String id) {
    return TableCatalog.get().table(id);
  }
}
