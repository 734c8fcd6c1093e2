package dev.defilakehouse.sandbox;

import java.math.BigDecimal;

/**
 * One lending market of a protocol (an aToken or cToken). Thresholds are in percent, as the
 * Messari subgraph gives them.
 *
 * @param index position in {@link Simulation#markets(String)} (ordered by id)
 * @param liquidationBonus extra share of collateral a liquidator receives (0.05 = 5 %)
 * @param listedBlock the block the market was listed in: the subgraph has no such market before it
 * @param unpricedFromDay first simulated day whose first block the subgraph reports price 0 for
 *     (Messari's "no oracle price"); {@code unpricedUntilDay} is the first day priced again
 */
public record Market(Protocol protocol, int index, String id, String name, Token token,
    BigDecimal liquidationThreshold, BigDecimal maximumLTV, double liquidationBonus, long listedBlock,
    int unpricedFromDay, int unpricedUntilDay) {

  /** Whether the market exists at this block. */
  public boolean listedAt(long block) { return block >= listedBlock; }

  /** Whether the subgraph reports no price (0) for the market on this simulated day. */
  public boolean unpricedOn(int day) { return day >= unpricedFromDay && day < unpricedUntilDay; }

  Market listed(long block) {
    return new Market(protocol, index, id, name, token, liquidationThreshold, maximumLTV, liquidationBonus, block,
        unpricedFromDay, unpricedUntilDay);
  }

  Market unpriced(int fromDay, int untilDay) {
    return new Market(protocol, index, id, name, token, liquidationThreshold, maximumLTV, liquidationBonus,
        listedBlock, fromDay, untilDay);
  }

  public String inputTokenAddress() { return token.address(); }

  public String inputTokenSymbol() { return token.symbol(); }

  public int inputTokenDecimals() { return token.decimals(); }

  /** Liquidation threshold as a fraction (the subgraph's percent / 100). */
  public double liquidationThresholdFraction() { return liquidationThreshold.doubleValue() / 100.0; }

  /** Maximum loan-to-value as a fraction. */
  public double maximumLtvFraction() { return maximumLTV.doubleValue() / 100.0; }

  /** Whether deposits here can back a loan. */
  public boolean canBeCollateral() { return liquidationThreshold.signum() > 0; }
}
