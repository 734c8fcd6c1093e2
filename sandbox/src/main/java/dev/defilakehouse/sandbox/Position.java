package dev.defilakehouse.sandbox;

import java.math.BigInteger;

/**
 * A Messari position: one account's supply or debt in one market. A position that goes back to
 * zero stays (closed, balance 0) and a later deposit opens the next one with a higher counter,
 * as in the subgraph. Id: {@code <account>-<market>-<side>-<counter>}, debt in aave-forks
 * {@code <account>-<market>-BORROWER-VARIABLE-<counter>} (messari/subgraphs aave-forks
 * {@code src/sdk/position.ts}).
 *
 * @param side {@code COLLATERAL} or {@code LENDER} (per protocol) for supply, {@code BORROWER} for debt
 * @param isCollateral as the subgraph serves it: null for debt, and in aave-forks for supply never
 *     enabled as collateral
 */
public record Position(String id, String account, Market market, String side, Boolean isCollateral,
    BigInteger balance) {

  public String marketId() { return market.id(); }

  public boolean isBorrow() { return "BORROWER".equals(side); }

  /** Whether the position backs the account's debt (a null flag does not). */
  public boolean countsAsCollateral() { return Boolean.TRUE.equals(isCollateral); }
}
