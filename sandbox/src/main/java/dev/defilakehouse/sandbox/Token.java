package dev.defilakehouse.sandbox;

/**
 * An ERC-20 asset: mainnet address, symbol, decimals, and the parameters of its simulated price.
 *
 * @param basePriceUsd price on the first simulated day
 * @param beta exposure to the common crypto market move (0 for stablecoins)
 * @param idioVol daily volatility of its own moves
 */
public record Token(String address, String symbol, String name, int decimals,
    double basePriceUsd, double beta, double idioVol) {

  public boolean isStable() { return beta == 0.0; }
}
