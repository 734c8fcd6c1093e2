package dev.defilakehouse.local.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.defilakehouse.common.catalog.TableCatalog;
import dev.defilakehouse.common.catalog.TableSpec;
import dev.defilakehouse.common.config.Env;
import dev.defilakehouse.common.config.Interval;
import dev.defilakehouse.common.config.RunConfig;
import dev.defilakehouse.common.config.Secrets;
import dev.defilakehouse.common.delta.LakehouseTables;
import dev.defilakehouse.common.testing.SparkTestSession;
import dev.defilakehouse.jobs.JobRegistry;
import dev.defilakehouse.jobs.JobRunner;
import dev.defilakehouse.local.PipelineRunner;
import dev.defilakehouse.local.SandboxSources;
import dev.defilakehouse.local.report.HeadlessChromium;
import dev.defilakehouse.local.report.LakehouseReport;
import dev.defilakehouse.local.report.ReportInBrowser;
import dev.defilakehouse.local.report.ReportPage;
import dev.defilakehouse.local.report.RunReport;
import dev.defilakehouse.local.report.SampleReport;
import dev.defilakehouse.sandbox.EventKind;
import dev.defilakehouse.sandbox.LendingEvent;
import dev.defilakehouse.sandbox.Market;
import dev.defilakehouse.sandbox.Position;
import dev.defilakehouse.sandbox.Sandbox;
import dev.defilakehouse.sandbox.SandboxOptions;
import dev.defilakehouse.sandbox.Simulation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole pipeline, raw to features, against the sandbox over HTTP, checked against the
 * simulation's own truth: the sandbox is the only place that knows the right answer. The sandbox
 * serves the real services' conventions (textual SQL parameters, EIP-55 addresses, native ETH as
 * 0x000 in Transpose and 0xeee in Messari's Compound, per-fork schemas, null isCollateral, senders
 * other than the account, a market listed mid-history, a token without a price for two days); the
 * main run serves the liquidation literal {@code liquidation}, a second small run {@code liquidate}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SandboxPipelineE2ETest {
  private static final LocalDate START = LocalDate.parse("2024-01-01");
  private static final LocalDate END = LocalDate.parse("2024-01-04");
  private static final Set<String> RUN_METADATA = Set.of("run_id", "ingested_at", "computed_at", "quarantined_at",
      "checked_at", "request");
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Stage's one ETH identity (docs/tables.md, "One ETH"). */
  private static final String WETH = "0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2";

  private static SparkSession spark;
  private static Sandbox sandbox;
  private static Simulation sim;
  private static LakehouseTables tables;
  private static RunConfig config;
  private static Path root;

  @BeforeAll
  static void runThePipelineOnce() throws Exception {
    spark = SparkTestSession.get();
    // The interval plus its end day, whose first block is the newest snapshot; day 2 has a price crash.
    // Seed 22: liquidations in all three protocols within the interval (a small simulation has few).
    sandbox = Sandbox.start(SandboxOptions.builder().seed(22).wallets(100).startDate(START).days(4).build());
    sim = sandbox.simulation();
    root = Files.createTempDirectory("e2e-lakehouse");
    config = new RunConfig(Env.LOCAL, root.toString(), Interval.of(START, END), SandboxSources.jobOptions(sandbox), "e2e-1");
    tables = new LakehouseTables(spark, Env.LOCAL, root.toString(), "e2e-1", TableCatalog.get());
    runPipeline(config);
  }

  @AfterAll
  static void stopSandbox() {
    if (sandbox != null) {
      sandbox.close();
    }
  }

  private static void runPipeline(RunConfig runConfig) throws Exception {
    Secrets secrets = SandboxSources.secrets(sandbox);
    new PipelineRunner(JobRegistry.standard(), line -> { }).runAll(spark, runConfig, secrets);
  }

  private static Dataset<Row> table(String id) {
    return tables.read(TableCatalog.get().table(id));
  }

  private static List<LocalDate> snapshotDates() {
    return config.interval().snapshotDates();
  }

  private static boolean inInterval(LendingEvent e) {
    return config.interval().contains(e.timestamp());
  }

  private static String category(EventKind kind) {
    return kind.category(sim.options().liquidationCategory());
  }

  // ---- raw ----------------------------------------------------------------------------------

  @Test
  @Order(1)
  void rawTablesHoldExactlyTheSandboxRowsForTheInterval() throws Exception {
    Map<LocalDate, Long> blocks = new TreeMap<>();
    table("raw.transpose_ethereum_daily_blocks").collectAsList()
        .forEach(r -> blocks.put(r.getDate(r.fieldIndex("block_date")).toLocalDate(), r.<Long>getAs("block_number")));
    for (LocalDate d = START; !d.isAfter(END); d = d.plusDays(1)) {
      assertEquals(sim.firstBlockOfDay(d), blocks.get(d), "first block of " + d);
    }

    Set<String> protocolsSeen = new HashSet<>();
    for (EventKind kind : EventKind.values()) {
      String name = kind.name().toLowerCase();
      List<LendingEvent> expected = sim.events().stream()
          .filter(e -> e.kind() == kind && inInterval(e)).toList();
      assertFalse(expected.isEmpty(), "the sandbox has " + name + " events in the interval");
      Map<String, Long> want = expected.stream().collect(Collectors.groupingBy(
          e -> Interval.dateOf(e.timestamp()) + "/" + e.protocolName() + "_" + e.contractVersion(), TreeMap::new,
          Collectors.counting()));
      Map<String, Long> got = new TreeMap<>();
      table("raw.transpose_" + name + "_events").groupBy("block_date", "protocol_name", "contract_version").count()
          .collectAsList().forEach(r -> got.put(r.get(0) + "/" + r.get(1) + "_" + r.get(2), r.getLong(3)));
      assertEquals(want, got, name + " events per day and protocol");
      want.keySet().forEach(k -> protocolsSeen.add(k.substring(k.indexOf('/') + 1)));

      Map<String, String> payloads = new HashMap<>();
      table("raw.transpose_" + name + "_events").select("transaction_hash", "log_index", "payload").collectAsList()
          .forEach(r -> payloads.put(r.getString(0) + ":" + r.getInt(1), r.getString(2)));
      for (LendingEvent e : expected.subList(0, Math.min(3, expected.size()))) {
        String got1 = payloads.get(e.transactionHash() + ":" + e.logIndex());
        assertNotNull(got1, "raw row for " + e.transactionHash());
        // The job selects the kind's columns (liquidation ones only for liquidations), not SELECT *.
        ObjectNode truth = (ObjectNode) JSON.readTree(sim.eventJson(e));
        if (kind != EventKind.LIQUIDATION) {
          truth.remove(List.of("liquidator_address", "liquidated_token_address", "quantity_liquidated"));
        }
        assertEquals(truth, JSON.readTree(got1), "payload kept verbatim");
        assertEquals(category(kind), JSON.readTree(got1).get("category").asText());
      }
    }

    assertEquals(Set.of("aave_v2", "aave_v3", "compound_v2"), protocolsSeen, "the events cover all three protocols");

    Map<String, Long> gotMarkets = new TreeMap<>();
    table("raw.the_graph_historical_market_data").groupBy("snapshot_date", "protocol").count().collectAsList()
        .forEach(r -> gotMarkets.put(r.get(0) + "/" + r.get(1), r.getLong(2)));
    Map<String, Long> gotPositions = new TreeMap<>();
    table("raw.the_graph_historical_account_positions").groupBy("snapshot_date", "protocol").count().collectAsList()
        .forEach(r -> gotPositions.put(r.get(0) + "/" + r.get(1), r.getLong(2)));
    Map<String, Long> wantMarkets = new TreeMap<>();
    Map<String, Long> wantPositions = new TreeMap<>();
    for (LocalDate d : snapshotDates()) {
      long block = sim.firstBlockOfDay(d);
      for (String p : sim.protocols()) {
        // a market listed mid-history is in the snapshots from its listing on
        wantMarkets.put(d + "/" + p, (long) sim.marketsAt(p, block).size());
        long open = sim.positionsAt(p, block).stream().filter(pos -> pos.balance().signum() != 0).count();
        if (open > 0) {
          wantPositions.put(d + "/" + p, open);
        }
      }
    }
    assertEquals(wantMarkets, gotMarkets, "markets per snapshot date and protocol");
    assertEquals(wantPositions, gotPositions, "open positions per snapshot date and protocol");

    LocalDate d = snapshotDates().get(0);
    // cETH: Messari reports its input token as 0xeee…eee
    Market market = sim.markets("compound_v2").stream().filter(m -> m.token().isNativeEth()).findFirst().orElseThrow();
    String payload = table("raw.the_graph_historical_market_data")
        .where("protocol = 'compound_v2' AND snapshot_date = DATE'" + d + "' AND market_id = '" + market.id() + "'")
        .select("payload").head().getString(0);
    assertEquals(JSON.readTree(sim.marketJson(market, sim.firstBlockOfDay(d))), JSON.readTree(payload));
  }

  // ---- stage ----------------------------------------------------------------------------------

  @Test
  @Order(2)
  void everyRawRowBecomesAStageRowAndNothingIsQuarantined() {
    for (TableSpec raw : TableCatalog.get().tables()) {
      if (!raw.layer().equals("raw")) {
        continue;
      }
      long rawRows = table(raw.id()).count();
      assertTrue(rawRows > 0, raw.id() + " is not empty");
      assertEquals(rawRows, table("stage." + raw.name()).count(), "stage." + raw.name() + " keeps every raw row");
    }
    assertEquals(0, table("stage.quarantine").count(), "clean sandbox data quarantines nothing");
    // An event is priced when a snapshot at or before it, at most 7 days older, priced its token:
    // none before the first snapshot (00:00 of the interval's second day), none for a market listed
    // since the last snapshot; a day without a reported price falls back to the day before.
    for (EventKind kind : EventKind.values()) {
      Set<String> expected = sim.events().stream().filter(e -> e.kind() == kind && inInterval(e) && priced(e))
          .map(LendingEvent::eventId).collect(Collectors.toSet());
      Set<String> actual = new HashSet<>();
      table("analytics.transpose_" + kind.name().toLowerCase() + "_events").where("amount_eth IS NOT NULL")
          .select("event_id").collectAsList().forEach(r -> actual.add(r.getString(0)));
      assertEquals(expected, actual, kind + " events with an ETH amount");
      assertFalse(expected.isEmpty(), kind + " events are priced at all");
    }
  }

  /** Whether the pipeline can value the event: a priced snapshot of its market at or before it, 7 days at most. */
  private static boolean priced(LendingEvent e) {
    LocalDate day = Interval.dateOf(e.timestamp());
    for (LocalDate d : snapshotDates()) {
      long block = sim.firstBlockOfDay(d);
      if (block <= e.blockNumber() && !d.isBefore(day.minusDays(7)) && e.market().listedAt(block)
          && sim.reportedPriceUsd(e.market(), block).signum() > 0) {
        return true;
      }
    }
    return false;
  }

  /** Compound lends native ETH: Transpose spells it 0x000…000, Messari 0xeee…eee; stage joins both as WETH. */
  @Test
  @Order(2)
  void compoundEtherEventsHaveAmountsAndEthValues() throws Exception {
    List<LendingEvent> ether = sim.events("compound_v2").stream()
        .filter(e -> e.kind() != EventKind.LIQUIDATION && e.market().token().isNativeEth() && inInterval(e)).toList();
    assertFalse(ether.isEmpty(), "the sandbox has Compound ETH events");
    assertEquals("0x0000000000000000000000000000000000000000",
        JSON.readTree(sim.eventJson(ether.get(0))).get("token_address").asText());
    for (EventKind kind : List.of(EventKind.DEPOSIT, EventKind.BORROW)) {
      Dataset<Row> events = table("analytics.transpose_" + kind.name().toLowerCase() + "_events")
          .where("protocol = 'compound_v2' AND token_address = '" + WETH + "'");
      long expected = ether.stream().filter(e -> e.kind() == kind).count();
      assertEquals(expected, events.count(), "Compound ETH " + kind + " events in stage's ETH identity");
      assertEquals(0, events.where("quantity IS NULL OR token_decimals <> 18").count(), "decimals joined");
      assertEquals(ether.stream().filter(e -> e.kind() == kind && priced(e)).count(),
          events.where("amount_eth IS NOT NULL AND amount_eth = CAST(quantity AS DOUBLE)").count(),
          "an ETH amount is its own ETH value");
    }
  }

  // ---- analytics ------------------------------------------------------------------------------

  @Test
  @Order(3)
  void dailyHealthAgreesWithTheSandboxForEveryWalletAndDay() {
    Map<String, Row> health = new HashMap<>();
    table("analytics.the_graph_daily_wallet_health").collectAsList().forEach(r -> health.put(
        r.<String>getAs("wallet_address") + "/" + r.<String>getAs("protocol") + "/" + r.<Object>getAs("snapshot_date"), r));
    int compared = 0;
    int withDebt = 0;
    int compoundBorrowers = 0;
    Set<String> expectedKeys = new HashSet<>();
    for (LocalDate d : snapshotDates()) {
      long block = sim.firstBlockOfDay(d);
      for (String p : sim.protocols()) {
        Set<String> wallets = sim.positionsAt(p, block).stream().filter(pos -> pos.balance().signum() != 0)
            .map(Position::account).collect(Collectors.toSet());
        for (String w : wallets) {
          String key = w + "/" + p + "/" + d;
          expectedKeys.add(key);
          Row row = health.get(key);
          assertNotNull(row, "a health row for " + key);
          Double truth = sim.healthFactor(w, p, block);
          Object hf = row.getAs("health_factor");
          double rf = row.<Double>getAs("risk_factor");
          if (truth == null) {
            assertNull(hf, "no debt, no health factor: " + key);
            assertEquals(0.0, rf, key);
          } else {
            withDebt++;
            assertNotNull(hf, key);
            assertEquals(truth, (Double) hf, Math.abs(truth) * 1e-9, "health factor of " + key);
            double truthRisk = truth == 0 ? 1e6 : Math.min(1e6, 1 / truth);
            assertEquals(truthRisk, rf, truthRisk * 1e-9, "risk factor of " + key);
            if (p.equals("compound_v2")) {
              compoundBorrowers++;
              assertTrue(row.<Double>getAs("borrow_eth") > 0, key);
              if (truth > 0) {
                assertTrue(row.<Double>getAs("collateral_eth") > 0, key);
              }
            }
          }
          compared++;
        }
      }
    }
    assertEquals(expectedKeys, health.keySet(), "one row per wallet, protocol and day with a position");
    assertTrue(withDebt > 10, "enough borrowers to mean something: " + withDebt + " of " + compared);
    assertTrue(compoundBorrowers > 3, "Compound borrowers are valued in ETH: " + compoundBorrowers);
  }

  @Test
  @Order(4)
  void everyLiquidatedWalletWasAtRiskOnItsLastSnapshotOrPricesMovedSince() {
    Map<String, Double> risk = new HashMap<>();
    table("analytics.the_graph_daily_wallet_health").collectAsList().forEach(r -> risk.put(
        r.<String>getAs("wallet_address") + "/" + r.<String>getAs("protocol") + "/" + r.<Object>getAs("snapshot_date"),
        r.<Double>getAs("risk_factor")));
    List<LendingEvent> liquidations = sim.liquidations().stream().filter(SandboxPipelineE2ETest::inInterval).toList();
    assertFalse(liquidations.isEmpty(), "the price crash liquidates someone");
    int checked = 0;
    for (LendingEvent e : liquidations) {
      LocalDate day = Interval.dateOf(e.timestamp());
      String protocol = e.protocol().id();
      // The last snapshot at or before the liquidation: the first block of its own day.
      Double rf = risk.get(e.accountAddress() + "/" + protocol + "/" + day);
      if (rf == null) {
        assertTrue(day.equals(START), "a liquidated wallet has a snapshot before its liquidation: " + e.accountAddress());
        continue;
      }
      checked++;
      if (rf > 1) {
        continue;
      }
      long snapshot = sim.firstBlockOfDay(day);
      boolean pricesMoved = sim.positionsAt(protocol, snapshot, e.accountAddress()).stream()
          .map(pos -> pos.market().inputTokenAddress())
          .anyMatch(token -> relativeToEth(protocol, token, snapshot) != relativeToEth(protocol, token, e.blockNumber()));
      assertTrue(pricesMoved, e.accountAddress() + " was liquidated at risk_factor " + rf
          + " with no price change since its last snapshot");
    }
    assertTrue(checked > 0, "some liquidations happen after a snapshot");
  }

  private static double relativeToEth(String protocol, String token, long block) {
    return sim.priceUsd(protocol, token, block).doubleValue() / sim.ethPriceUsd(block).doubleValue();
  }

  // ---- features -------------------------------------------------------------------------------

  @Test
  @Order(5)
  void everyWalletWithAnEventOrPositionHasExactlyOneFeatureRowAndItsLiquidations() {
    Instant asOf = Interval.startOfDay(END);
    Set<String> expected = new HashSet<>();
    Map<String, Integer> liquidations = new HashMap<>();
    for (LendingEvent e : sim.events()) {
      if (!e.timestamp().isBefore(asOf)) {
        continue;
      }
      if (e.kind() == EventKind.LIQUIDATION) {
        expected.add(e.accountAddress());
        liquidations.merge(e.accountAddress(), 1, Integer::sum);
      } else {
        expected.add(e.senderAddress());
      }
    }
    for (LocalDate d : snapshotDates()) {
      for (String p : sim.protocols()) {
        sim.positionsAt(p, sim.firstBlockOfDay(d)).stream().filter(pos -> pos.balance().signum() != 0)
            .forEach(pos -> expected.add(pos.account()));
      }
    }
    List<Row> rows = table("analytics.wallet_features").where("as_of_date = DATE'" + END + "'")
        .select("wallet_address", "liquidation_count", "deposit_count", "repay_count").collectAsList();
    List<String> wallets = rows.stream().map(r -> r.getString(0)).toList();
    assertEquals(wallets.size(), new HashSet<>(wallets).size(), "one row per wallet");
    assertEquals(expected, new HashSet<>(wallets), "exactly the wallets with an event or a position");
    // deposits and repayments belong to their sender, who is not always the account (SPEC section 6)
    Map<String, Integer> deposits = new HashMap<>();
    Map<String, Integer> repays = new HashMap<>();
    long onBehalf = 0;
    for (LendingEvent e : sim.events()) {
      if (e.timestamp().isBefore(asOf) && (e.kind() == EventKind.DEPOSIT || e.kind() == EventKind.REPAY)) {
        (e.kind() == EventKind.DEPOSIT ? deposits : repays).merge(e.senderAddress(), 1, Integer::sum);
        onBehalf += e.senderAddress().equals(e.accountAddress()) ? 0 : 1;
      }
    }
    assertTrue(onBehalf > 0, "the sandbox has deposits or repayments sent by another wallet");
    for (Row r : rows) {
      assertEquals(liquidations.getOrDefault(r.getString(0), 0), r.getInt(1), "liquidations of " + r.getString(0));
      assertEquals(deposits.getOrDefault(r.getString(0), 0), r.getInt(2), "deposits sent by " + r.getString(0));
      assertEquals(repays.getOrDefault(r.getString(0), 0), r.getInt(3), "repayments sent by " + r.getString(0));
    }
    assertTrue(table("analytics.data_quality_results").where("passed = false").isEmpty(), "the gate passed");
  }

  // ---- idempotency ----------------------------------------------------------------------------

  @Test
  @Order(6)
  void rerunningTheIntervalLeavesEveryTableAsOneRunDoes() throws Exception {
    Map<String, List<String>> before = contents();
    runPipeline(new RunConfig(Env.LOCAL, root.toString(), config.interval(), config.options(), "e2e-2"));
    Map<String, List<String>> after = contents();
    for (String table : before.keySet()) {
      assertEquals(before.get(table), after.get(table), table + " changed on a re-run");
    }
  }

  /**
   * The public record spells the liquidation category two ways (Transpose's docs: {@code liquidate};
   * Spectral's production code: {@code liquidation}): a small second sandbox serving the other one,
   * through the jobs that read, stage and value liquidations.
   */
  @Test
  @Order(7)
  void theOtherLiquidationLiteralGivesTheSameLiquidations() throws Exception {
    LocalDate start = LocalDate.parse("2024-01-01");
    LocalDate end = LocalDate.parse("2024-01-03");
    // seed 12: three liquidations in these two days
    try (Sandbox other = Sandbox.start(SandboxOptions.builder().seed(12).wallets(60).startDate(start).days(2)
        .liquidationCategory("liquidate").build())) {
      Simulation truth = other.simulation();
      Path otherRoot = Files.createTempDirectory("e2e-liquidate");
      RunConfig runConfig = new RunConfig(Env.LOCAL, otherRoot.toString(), Interval.of(start, end),
          SandboxSources.jobOptions(other), "e2e-liquidate");
      JobRunner runner = new JobRunner(JobRegistry.standard(), line -> { });
      for (String job : List.of("raw.transpose_ethereum_daily_blocks", "raw.the_graph_historical_market_data",
          "stage.the_graph_historical_market_data", "raw.transpose_liquidation_events",
          "stage.transpose_liquidation_events", "analytics.token_prices_daily", "analytics.transpose_liquidation_events")) {
        runner.run(job, runConfig, spark, SandboxSources.secrets(other));
      }
      LakehouseTables otherTables = new LakehouseTables(spark, Env.LOCAL, otherRoot.toString(), "e2e-liquidate",
          TableCatalog.get());
      Set<String> expected = truth.liquidations().stream().filter(e -> runConfig.interval().contains(e.timestamp()))
          .map(LendingEvent::eventId).collect(Collectors.toSet());
      assertFalse(expected.isEmpty(), "the small sandbox liquidates someone");
      assertTrue(truth.liquidations().stream().allMatch(e -> e.category().equals("liquidate")));
      Dataset<Row> valued = otherTables.read(TableCatalog.get().table("analytics.transpose_liquidation_events"));
      Set<String> actual = new HashSet<>();
      valued.select("event_id").collectAsList().forEach(r -> actual.add(r.getString(0)));
      assertEquals(expected, actual, "every liquidation read, whatever the literal");
      assertEquals(0, valued.where("category <> 'liquidation'").count(), "stage normalises the literal");
    }
  }

  // ---- the run report ------------------------------------------------------------------------

  @Test
  @Order(8)
  void theRunReportAgreesWithTheSimulationAndItsPageDrawsInChromium() throws Exception {
    RunReport report = LakehouseReport.read(spark, tables, Env.LOCAL, root.toString(), END,
        Clock.fixed(Instant.parse("2024-01-05T00:00:00Z"), ZoneOffset.UTC));
    for (RunReport.TableState t : report.tables()) {
      assertTrue(t.exists() && t.version() >= 0, t.id());
      if (t.operation().startsWith("CREATE")) {
        assertNull(t.runId(), t.id() + ": creating a table records no run"); // the quarantine, empty here
      } else {
        assertEquals("e2e-2", t.runId(), t.id() + ": the re-run wrote every table last");
      }
    }
    Map<String, Long> liquidations = new TreeMap<>();
    sim.liquidations().stream().filter(SandboxPipelineE2ETest::inInterval).forEach(e -> liquidations.merge(
        Interval.dateOf(e.timestamp()) + "/" + e.protocol().id(), 1L, Long::sum));
    assertEquals(liquidations, report.liquidations().stream().collect(Collectors.toMap(
        l -> l.day() + "/" + l.protocol(), RunReport.LiquidationDay::events, Long::sum, TreeMap::new)));
    assertFalse(report.riskiest().isEmpty());
    for (RunReport.RiskyWallet w : report.riskiest()) {
      // debt at the as-of snapshot, straight from the simulation's positions: not the borrow events
      double debt = 0;
      for (String p : sim.protocols()) {
        long block = sim.firstBlockOfDay(END);
        for (Position pos : sim.positionsAt(p, block, w.wallet())) {
          if (pos.side().equals("BORROWER")) {
            debt += pos.balance().doubleValue() / Math.pow(10, pos.market().inputTokenDecimals())
                * relativeToEth(p, pos.market().inputTokenAddress(), block);
          }
        }
      }
      assertEquals(debt, w.debtEth(), 1e-9 * Math.max(1, debt), w.wallet());
    }
    assertEquals(report.riskiest().size(), report.wallets().size(), "a page per wallet of the list");

    Path page = Path.of(LakehouseReport.write(spark, root.toString(), report));
    assertTrue(page.startsWith(root.resolve(LakehouseReport.REPORTS_DIR)), page.toString());
    Path sample = Files.writeString(root.resolve("sample-report.html"), ReportPage.render(SampleReport.build()));
    try (HeadlessChromium chromium = HeadlessChromium.start()) {
      HeadlessChromium.Tab tab = chromium.tab();
      List<String> drawn = ReportInBrowser.check(tab, page, "pipeline");
      assertTrue(drawn.containsAll(List.of("risk-histogram", "risk-share", "liquidations", "rows-raw", "rows-stage",
          "rows-analytics")), drawn.toString());
      // every kind of section, and data that tries to run as script
      drawn = ReportInBrowser.check(tab, sample, "sample");
      assertTrue(drawn.contains("quarantine"), drawn.toString());
      assertTrue(tab.evaluate("window.pwned === undefined").asBoolean(), "a check's message ran as script");
    }
  }

  /** Every table's rows (run metadata aside), sorted, as strings. */
  private static Map<String, List<String>> contents() {
    Map<String, List<String>> contents = new TreeMap<>();
    for (TableSpec t : TableCatalog.get().tables()) {
      if (!tables.exists(t)) {
        continue;
      }
      Dataset<Row> rows = tables.read(t);
      String[] columns = Arrays.stream(rows.columns()).filter(c -> !RUN_METADATA.contains(c)).sorted()
          .toArray(String[]::new);
      List<String> lines = new ArrayList<>();
      rows.selectExpr(columns).collectAsList().forEach(r -> lines.add(r.toString()));
      lines.sort(null);
      contents.put(t.id(), lines);
    }
    return contents;
  }
}
