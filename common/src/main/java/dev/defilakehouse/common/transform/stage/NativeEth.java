package dev.defilakehouse.common.transform.stage;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;

/**
 * Ether has three spellings across the sources, and stage types all of them as WETH's address so
 * decimals, prices and ETH values join whatever source a row came from (docs/tables.md, "One ETH"):
 * Transpose's lending events say {@code 0x000…000} (Spectral's defi-features-data-pipeline,
 * {@code analytics/transformations/transformations.sql}), Messari's Compound cETH market says
 * {@code 0xeee…eee} (messari/subgraphs compound-v2 {@code src/constants.ts} ETH_ADDRESS), Aave's
 * WETH market says WETH. The raw payload keeps the source's spelling.
 */
public final class NativeEth {
  /** Wrapped ether on Ethereum mainnet: the one ETH identity of stage and analytics. */
  public static final String WETH = "0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2";
  public static final String TRANSPOSE_NATIVE = "0x0000000000000000000000000000000000000000";
  public static final String MESSARI_NATIVE = "0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee";
  static final List<String> NATIVE_SPELLINGS = List.of(TRANSPOSE_NATIVE, MESSARI_NATIVE);

  private NativeEth() {}

  /** A token address lowercased, with native ETH in any spelling as WETH. */
  public static Column tokenIdentity(Column addressText) {
    Column lowered = lower(trim(addressText));
    return when(lowered.isin(NATIVE_SPELLINGS.toArray()), lit(WETH)).otherwise(lowered);
  }

  /** The same for one address given as text. */
  public static String tokenIdentity(String address) {
    String lowered = address.trim().toLowerCase(Locale.ROOT);
    return NATIVE_SPELLINGS.contains(lowered) ? WETH : lowered;
  }
}
