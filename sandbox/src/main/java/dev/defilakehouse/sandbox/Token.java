package dev.defilakehouse.sandbox;

/**
 * An asset a market takes: address as Messari's subgraph reports it, symbol, decimals, and the
 * parameters of its simulated price.
 *
 * @param basePriceUsd price on the first simulated day
 * @param beta exposure to the common crypto market move (0 for stablecoins)
 * @param idioVol daily volatility of its own moves
 */
public record Token(String address, String symbol, String name, int decimals,
    double basePriceUsd, double beta, double idioVol) {

  /** Messari's native-ETH placeholder (messari/subgraphs compound-v2 {@code src/constants.ts} ETH_ADDRESS). */
  public static final String MESSARI_NATIVE_ETH = "0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee";
  /** How Transpose's lending events spell native ETH (Spectral's defi-features-data-pipeline transformations.sql). */
  public static final String TRANSPOSE_NATIVE_ETH = "0x0000000000000000000000000000000000000000";

  public boolean isStable() { return beta == 0.0; }

  /** Ether itself (Compound's cETH market), not an ERC-20. */
  public boolean isNativeEth() { return MESSARI_NATIVE_ETH.equals(address); }

  /** The token address in Transpose's lending events (native ETH is the zero address), lowercase. */
  public String transposeAddress() { return isNativeEth() ? TRANSPOSE_NATIVE_ETH : address; }

  /** Whose price path this token follows: native ETH trades at WETH's price. */
  public String priceKey() { return isNativeEth() ? MarketCatalog.WETH.address() : address; }
}
