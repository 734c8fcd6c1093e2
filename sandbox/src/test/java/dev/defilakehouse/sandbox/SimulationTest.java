package dev.defilakehouse.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SimulationTest {
  private static final SandboxOptions OPTIONS = SandboxOptions.builder().seed(11).wallets(1_500).days(8)
      .startDate(LocalDate.parse("2024-03-01")).build();
  private static Simulation sim;

  @BeforeAll
  static void generate() {
    sim = Simulation.generate(OPTIONS);
  }

  @Test
  void theSameOptionsGiveTheSameEventsAndAnotherSeedDoesNot() {
    Simulation again = Simulation.generate(OPTIONS);
    assertEquals(render(sim), render(again));
    Simulation other = Simulation.generate(OPTIONS.toBuilder().seed(12).build());
    assertNotEquals(render(sim), render(other));
  }

  private static List<String> render(Simulation s) {
    return s.events().stream().map(s::eventJson).collect(Collectors.toList());
  }

  @Test
  void liquidationsHitOnlyWalletsBelowHealthFactorOneAtThePriceUpdate() {
    List<LendingEvent> liquidations = sim.liquidations();
    assertTrue(liquidations.size() >= 5, "a crash should liquidate someone, got " + liquidations.size());
    for (LendingEvent e : liquidations) {
      LocalDate day = e.timestamp().atOffset(ZoneOffset.UTC).toLocalDate();
      long priceUpdate = sim.firstBlockOfDay(day);
      assertTrue(e.blockNumber() > priceUpdate);
      Double hf = sim.healthFactor(e.accountAddress(), e.protocol().id(), priceUpdate);
      assertNotNull(hf, "a liquidated wallet has debt: " + e.eventId());
      assertTrue(hf < 1.0, "HF " + hf + " at block " + priceUpdate + " before " + e.eventId());
      assertEquals(e.liquidatorAddress(), e.senderAddress());
      assertTrue(e.quantity().signum() > 0 && e.quantityLiquidated().signum() > 0);
    }
  }

  @Test
  void aRealDrawdownProducesLiquidations() {
    String weth = MarketCatalog.WETH.address();
    boolean found = false;
    for (int d = 1; d < OPTIONS.days(); d++) {
      LocalDate day = OPTIONS.startDate().plusDays(d);
      BigDecimal before = sim.priceUsd("aave_v2", weth, sim.firstBlockOfDay(day.minusDays(1)));
      BigDecimal after = sim.priceUsd("aave_v2", weth, sim.firstBlockOfDay(day));
      long liquidatedThatDay = sim.liquidations().stream()
          .filter(e -> e.timestamp().atOffset(ZoneOffset.UTC).toLocalDate().equals(day)).count();
      if (after.doubleValue() < 0.85 * before.doubleValue() && liquidatedThatDay > 0) {
        found = true;
      }
    }
    assertTrue(found, "some day with a drop of 15 % or more in ETH should liquidate wallets");
  }

  @Test
  void borrowsStayWithinTheLimitSoHealthIsAtLeastOneRightAfter() {
    List<LendingEvent> borrows = sim.events().stream().filter(e -> e.kind() == EventKind.BORROW)
        .limit(40).collect(Collectors.toList());
    assertTrue(borrows.size() >= 40);
    for (LendingEvent e : borrows) {
      Double hf = sim.healthFactor(e.accountAddress(), e.protocol().id(), e.blockNumber());
      assertTrue(hf != null && hf >= 1.0, "HF " + hf + " after " + e.eventId());
    }
  }

  @Test
  void marketsAreRealisticAndEveryProtocolHasAnEtherMarket() {
    for (String p : sim.protocols()) {
      List<Market> markets = sim.markets(p);
      // Aave lists WETH; Compound's cETH takes ether itself, which Messari reports as 0xeee…eee
      String ether = p.startsWith("aave") ? "0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2" : Token.MESSARI_NATIVE_ETH;
      assertTrue(markets.stream().anyMatch(m -> m.inputTokenAddress().equals(ether) && m.inputTokenDecimals() == 18
          && m.listedAt(sim.firstBlock()) && !m.unpricedOn(0)), p);
      assertEquals(Set.of(6, 8, 18), markets.stream().map(Market::inputTokenDecimals).collect(Collectors.toSet()), p);
      for (Market m : markets) {
        assertTrue(m.liquidationThreshold().compareTo(m.maximumLTV()) >= 0, m.toString());
        assertTrue(m.liquidationThreshold().compareTo(BigDecimal.valueOf(100)) < 0, "percent: " + m);
        assertTrue(m.id().matches("0x[0-9a-f]{40}"));
      }
    }
    long last = sim.headBlock();
    for (Market m : sim.markets("aave_v3")) {
      double price = sim.priceUsd("aave_v3", m.inputTokenAddress(), last).doubleValue();
      if (m.token().isStable()) {
        assertEquals(1.0, price, 0.01, m.inputTokenSymbol());
      }
    }
  }

  @Test
  void blocksAreTwelveSecondsApartAndDaysStartAtTheirFirstBlock() {
    LocalDate day = LocalDate.parse("2024-03-05");
    long first = sim.firstBlockOfDay(day);
    assertTrue(!sim.blockTimestamp(first).isBefore(day.atStartOfDay(ZoneOffset.UTC).toInstant()));
    assertTrue(sim.blockTimestamp(first - 1).isBefore(day.atStartOfDay(ZoneOffset.UTC).toInstant()));
    assertEquals(12, sim.blockTimestamp(first + 1).getEpochSecond() - sim.blockTimestamp(first).getEpochSecond());
    assertEquals(sim.firstBlockOfDay(OPTIONS.endDate()), sim.headBlock());
    for (LendingEvent e : sim.events()) {
      assertEquals(sim.blockTimestamp(e.blockNumber()), e.timestamp());
      assertTrue(e.blockNumber() >= sim.firstBlock() && e.blockNumber() < sim.headBlock());
    }
  }

  @Test
  void theLiquidationCategoryLiteralIsConfigurable() {
    Simulation s = Simulation.generate(OPTIONS.toBuilder().wallets(300).liquidationCategory("liquidate").build());
    assertTrue(s.liquidations().stream().allMatch(e -> e.category().equals("liquidate")));
    assertTrue(s.eventJson(s.liquidations().get(0)).contains("\"category\":\"liquidate\""));
  }

  @Test
  void positionsDoNotDependOnTheOrderSnapshotsAreAskedFor() {
    Simulation fresh = Simulation.generate(OPTIONS);
    long early = sim.firstBlockOfDay(LocalDate.parse("2024-03-03")) + 777;
    long late = sim.firstBlockOfDay(LocalDate.parse("2024-03-07"));
    for (String p : sim.protocols()) {
      List<Position> lateFirst = List.copyOf(fresh.positionsAt(p, late));
      List<Position> earlyAfter = List.copyOf(fresh.positionsAt(p, early));
      for (long b = early; b <= late; b += 3_000) {
        fresh.positionsAt(p, b); // walk forward through more blocks than the cache holds
      }
      assertEquals(lateFirst, fresh.positionsAt(p, late), p);
      assertEquals(earlyAfter, Simulation.generate(OPTIONS).positionsAt(p, early), p);
      assertTrue(earlyAfter.size() < lateFirst.size(), p);
    }
  }

  @Test
  void theSmallestSimulationWorksAndKeepsItsEtherMarket() {
    Simulation tiny = Simulation.generate(SandboxOptions.builder().seed(3).wallets(1).days(1).markets(2).build());
    for (String p : tiny.protocols()) {
      assertEquals(2, tiny.markets(p).size());
      assertTrue(tiny.markets(p).stream().anyMatch(m -> m.token().priceKey().equals(MarketCatalog.WETH.address())), p);
    }
    assertEquals(tiny.firstBlockOfDay(LocalDate.parse("2024-01-02")), tiny.headBlock());
    for (LendingEvent e : tiny.events()) {
      assertTrue(e.blockNumber() < tiny.headBlock());
    }
  }

  @Test
  void healthFactorIsNullWithoutDebt() {
    String lender = sim.positionsAt("aave_v2", sim.headBlock()).stream()
        .collect(Collectors.groupingBy(Position::account)).entrySet().stream()
        .filter(en -> en.getValue().stream().noneMatch(Position::isBorrow))
        .map(java.util.Map.Entry::getKey).findFirst().orElseThrow();
    assertEquals(null, sim.healthFactor(lender, "aave_v2", sim.headBlock()));
  }
}
