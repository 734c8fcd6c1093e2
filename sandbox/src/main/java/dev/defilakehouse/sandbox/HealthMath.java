package dev.defilakehouse.sandbox;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;

/**
 * The one health-factor formula used both to decide liquidations and to answer
 * {@link Simulation#healthFactor}: Σ collateral·price·LT / Σ debt·price, over a protocol's markets
 * in index order (same order, same floating-point result).
 */
final class HealthMath {
  private HealthMath() {}

  static double tokens(BigInteger baseUnits, int decimals) {
    return new BigDecimal(baseUnits).movePointLeft(decimals).doubleValue();
  }

  /** Null when there is no debt; a market whose price is not positive (unpriced) counts in neither sum. */
  static Double healthFactor(List<Market> markets, BigInteger[] supply, boolean[] collateral,
      BigInteger[] debt, double[] pricesUsd) {
    double weighted = 0;
    double borrowed = 0;
    for (Market m : markets) {
      int i = m.index();
      if (!(pricesUsd[i] > 0)) {
        continue;
      }
      if (supply[i] != null && supply[i].signum() > 0 && collateral[i]) {
        weighted += tokens(supply[i], m.inputTokenDecimals()) * pricesUsd[i] * m.liquidationThresholdFraction();
      }
      if (debt[i] != null && debt[i].signum() > 0) {
        borrowed += tokens(debt[i], m.inputTokenDecimals()) * pricesUsd[i];
      }
    }
    return borrowed > 0 ? weighted / borrowed : null;
  }
}
