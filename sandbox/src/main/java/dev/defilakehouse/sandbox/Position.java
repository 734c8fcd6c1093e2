package dev.defilakehouse.sandbox;

import java.math.BigInteger;

/**
 * A Messari position: one account's supply or debt in one market. A position that goes back to
 * zero stays (closed, balance 0) and a later deposit opens the next one with a higher counter,
 * as in the subgraph. Id: {@code <account>-<market>-<side>-<counter>}.
 *
 * @param side {@code COLLATERAL} or {@code LENDER} (per protocol) for supply, {@code BORROWER} for debt
 */
public record Position(String id, String account, Market market, String side, boolean isCollateral,
    BigInteger balance) {

  public String marketId() { return market.id(); }

  public boolean isBorrow() { return "BORROWER".equals(side); }
}
