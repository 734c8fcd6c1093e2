package dev.defilakehouse.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * What real data has that a naive simulation would not, each in the simulation and consistent
 * with its truth API: senders other than the account, actions in the snapshot block, a market
 * listed mid-history, a token without a price for two days, null {@code isCollateral}.
 */
class RealDataQuirksTest {
  private static final SandboxOptions OPTIONS = SandboxOptions.builder().seed(5).wallets(600).days(7).build();
  private static final Simulation SIM = Simulation.generate(OPTIONS);

  @Test
  void depositsOnBehalfAndRepaymentsForOthersHaveAnotherSender() {
    List<LendingEvent> aaveDeposits = SIM.events().stream()
        .filter(e -> e.kind() == EventKind.DEPOSIT && e.protocol() != Protocol.COMPOUND_V2).toList();
    assertTrue(aaveDeposits.stream().anyMatch(e -> !e.senderAddress().equals(e.accountAddress())),
        "some Aave deposit is made on behalf of another account");
    assertTrue(SIM.events("compound_v2").stream().filter(e -> e.kind() == EventKind.DEPOSIT)
        .allMatch(e -> e.senderAddress().equals(e.accountAddress())), "Compound mints only for the sender");
    assertTrue(SIM.events().stream().anyMatch(e -> e.kind() == EventKind.REPAY
        && !e.senderAddress().equals(e.accountAddress())), "some debt is repaid by someone else");
    // the position moves for the account, not the sender
    LendingEvent behalf = aaveDeposits.stream().filter(e -> !e.senderAddress().equals(e.accountAddress()))
        .findFirst().orElseThrow();
    assertTrue(SIM.positionsAt(behalf.protocol().id(), behalf.blockNumber(), behalf.accountAddress()).stream()
        .anyMatch(p -> p.market().equals(behalf.market()) && !p.isBorrow() && p.balance().signum() > 0));
  }

  @Test
  void someActionsHappenInTheDaysFirstBlockAndCountInThatDaysSnapshot() {
    LendingEvent first = SIM.events().stream().filter(e -> e.kind() != EventKind.LIQUIDATION
        && e.blockNumber() == SIM.firstBlockOfDay(e.timestamp().atOffset(java.time.ZoneOffset.UTC).toLocalDate()))
        .findFirst().orElseThrow(() -> new AssertionError("no action in a day's first block"));
    String protocol = first.protocol().id();
    // the day's snapshot (state at its first block) already holds the action's effect
    assertFalse(Replay.balances(SIM, protocol, first.blockNumber())
        .equals(Replay.balances(SIM, protocol, first.blockNumber() - 1)), "the action changed a balance");
  }

  @Test
  void aMarketListedMidHistoryExistsOnlyFromItsListingBlock() {
    Market late = SIM.markets("aave_v3").stream().filter(m -> m.listedBlock() > SIM.firstBlock()).findFirst()
        .orElseThrow(() -> new AssertionError("aave_v3 lists a market mid-history"));
    LocalDate listingDay = OPTIONS.startDate().plusDays(Math.max(1, OPTIONS.days() / 3));
    assertTrue(late.listedBlock() > SIM.firstBlockOfDay(listingDay) && late.listedBlock() < SIM.firstBlockOfDay(listingDay.plusDays(1)));
    assertFalse(SIM.marketsAt("aave_v3", SIM.firstBlockOfDay(listingDay)).contains(late));
    assertTrue(SIM.marketsAt("aave_v3", SIM.firstBlockOfDay(listingDay.plusDays(1))).contains(late));
    assertTrue(SIM.events("aave_v3").stream().filter(e -> e.market().equals(late))
        .allMatch(e -> e.blockNumber() >= late.listedBlock()));
    assertTrue(SIM.events("aave_v3").stream().anyMatch(e -> e.market().equals(late)), "and is used once listed");
  }

  @Test
  void aTokenWithoutAPriceReportsZeroAndCountsInNoHealthFactor() {
    Market unpriced = SIM.markets("aave_v2").stream().filter(m -> m.unpricedUntilDay() > 0).findFirst().orElseThrow();
    int from = Math.max(1, OPTIONS.days() / 2);
    long outage = SIM.firstBlockOfDay(OPTIONS.startDate().plusDays(from));
    assertEquals(BigDecimal.ZERO, SIM.reportedPriceUsd(unpriced, outage));
    assertTrue(SIM.marketJson(unpriced, outage).contains("\"inputTokenPriceUSD\":\"0\""));
    assertTrue(SIM.priceUsd("aave_v2", unpriced.inputTokenAddress(), outage).signum() > 0, "the oracle still has one");
    long priced = SIM.firstBlockOfDay(OPTIONS.startDate().plusDays(from + 2));
    assertTrue(SIM.reportedPriceUsd(unpriced, priced).signum() > 0, "two days later the price is back");
    // every protocol keeps an ether price throughout
    for (String p : SIM.protocols()) {
      for (Market m : SIM.markets(p)) {
        if (m.token().priceKey().equals(MarketCatalog.WETH.address())) {
          assertTrue(m.listedAt(SIM.firstBlock()) && m.unpricedUntilDay() == 0, p);
        }
      }
    }
  }

  @Test
  void isCollateralIsNullWhereTheForkLeavesItNull() {
    long head = SIM.headBlock();
    for (String p : List.of("aave_v2", "aave_v3")) {
      List<Position> positions = SIM.positionsAt(p, head);
      assertTrue(positions.stream().filter(Position::isBorrow).allMatch(x -> x.isCollateral() == null), p);
      assertTrue(positions.stream().filter(Position::isBorrow).allMatch(x -> x.id().contains("-BORROWER-VARIABLE-")), p);
      assertTrue(positions.stream().anyMatch(x -> !x.isBorrow() && x.isCollateral() == null),
          p + ": a supply never enabled as collateral has isCollateral null");
      assertTrue(positions.stream().noneMatch(x -> Boolean.FALSE.equals(x.isCollateral())), p);
    }
    List<Position> compound = SIM.positionsAt("compound_v2", head);
    assertTrue(compound.stream().filter(x -> !x.isBorrow()).allMatch(x -> x.isCollateral() != null));
    assertTrue(compound.stream().anyMatch(x -> Boolean.FALSE.equals(x.isCollateral())));
    assertNull(compound.stream().filter(Position::isBorrow).map(Position::isCollateral).filter(Objects::nonNull)
        .findFirst().orElse(null));
    assertTrue(SIM.positionJson(compound.stream().filter(Position::isBorrow).findFirst().orElseThrow())
        .contains("\"isCollateral\":null"));
  }

  @Test
  void eip55MatchesThePublishedExamples() {
    // EIP-55's own test vectors and mainnet WETH's published checksum spelling
    assertEquals("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", Eip55.checksum("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"));
    assertEquals("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359", Eip55.checksum("0xFB6916095CA1DF60BB79CE92CE3EA74C37C5D359"));
    assertEquals("0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2", Eip55.checksum(MarketCatalog.WETH.address()));
    assertEquals(Token.TRANSPOSE_NATIVE_ETH, Eip55.checksum(Token.TRANSPOSE_NATIVE_ETH));
  }
}
