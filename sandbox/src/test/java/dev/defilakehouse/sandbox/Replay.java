package dev.defilakehouse.sandbox;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;

/**
 * The tests' own replay of events into balances, written independently of the simulation's:
 * key {@code account|market|SUPPLY or BORROW}, non-zero balances only.
 */
final class Replay {
  private Replay() {}

  static Map<String, BigInteger> balances(Simulation sim, String protocol, long block) {
    Map<String, BigInteger> out = new HashMap<>();
    for (LendingEvent e : sim.events(protocol)) {
      if (e.blockNumber() > block) {
        break;
      }
      String supply = e.accountAddress() + "|" + e.marketAddress() + "|SUPPLY";
      String borrowAt = e.accountAddress() + "|" + e.marketAddress() + "|BORROW";
      switch (e.kind()) {
        case DEPOSIT: out.merge(supply, e.quantity(), BigInteger::add); break;
        case WITHDRAW: out.merge(supply, e.quantity().negate(), BigInteger::add); break;
        case BORROW: out.merge(borrowAt, e.quantity(), BigInteger::add); break;
        case REPAY: out.merge(borrowAt, e.quantity().negate(), BigInteger::add); break;
        case LIQUIDATION:
          out.merge(supply, e.quantity().negate(), BigInteger::add);
          String debtMarket = e.debtMarket().id();
          out.merge(e.accountAddress() + "|" + debtMarket + "|BORROW", e.quantityLiquidated().negate(), BigInteger::add);
          break;
        default: throw new AssertionError(e.kind());
      }
    }
    out.values().removeIf(v -> v.signum() == 0);
    return out;
  }

  static String side(String subgraphSide) {
    return "BORROWER".equals(subgraphSide) ? "BORROW" : "SUPPLY";
  }
}
