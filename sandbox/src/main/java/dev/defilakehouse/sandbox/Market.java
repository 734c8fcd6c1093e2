package dev.defilakehouse.sandbox;

import java.math.BigDecimal;

/**
 * One lending market of a protocol (an aToken or cToken). Thresholds are in percent, as the
 * Messari subgraph gives them.
 *
 * @param index position in {@link Simulation#markets(String)} (ordered by id)
 * @param liquidationBonus extra share of collateral a liquidator receives (0.05 = 5 %)
 */
public record Market(Protocol protocol, int index, String id, String name, Token token,
    BigDecimal liquidationThreshold, BigDecimal maximumLTV, double liquidationBonus) {

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
