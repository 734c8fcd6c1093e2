package dev.defilakehouse.common.transform.analytics;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_position;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import java.util.Arrays;
import dev.defilakehouse.common.transform.stage.NativeEth;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;

/**
 * Stage market data to {@code token_prices_daily}: one USD and ETH price per protocol, snapshot date
 * and token. The ETH price of a token is its USD price divided by the USD price of the ETH
 * reference market of the same protocol and block. Stage gives native ETH WETH's address
 * ({@link NativeEth}), so Aave's WETH market and Compound's cETH market are both that reference.
 * A USD price of 0 is Messari's "no oracle price" (its {@code inputTokenPriceUSD} is non-null):
 * such a token has no price that day, never a price of 0; without a reference price_eth is null.
 */
public final class TokenPrices {
  /** Wrapped ether on Ethereum mainnet: the market whose price is the ETH price. */
  public static final String WETH = NativeEth.WETH;

  private TokenPrices() {}

  /** With WETH as the ETH reference token. */
  public static Dataset<Row> transform(Dataset<Row> stageMarkets) {
    return transform(stageMarkets, List.of(WETH));
  }

  /**
   * @param ethReferenceTokens token addresses whose USD price is the ETH price, in order of
   *     preference (the first one priced on a protocol and block wins).
   */
  public static Dataset<Row> transform(Dataset<Row> stageMarkets, List<String> ethReferenceTokens) {
    if (ethReferenceTokens.isEmpty()) {
      throw new IllegalArgumentException("at least one ETH reference token address is needed (WETH is "
          + WETH + ")");
    }
    String[] references = ethReferenceTokens.stream().map(NativeEth::tokenIdentity).distinct().toArray(String[]::new);
    Column reported = col("input_token_price_usd").cast("double");
    Dataset<Row> markets = stageMarkets.where(col("token_address").isNotNull())
        .select(col("protocol"), col("snapshot_date"), col("snapshot_block"), col("snapshot_timestamp"),
            col("market_id"), col("token_address"), col("token_symbol"),
            when(reported.gt(0), reported).as("price_usd"));

    // A token listed by two markets of one protocol keeps one price: the priced market, lowest id.
    Dataset<Row> perToken = markets
        .withColumn("_rank", row_number().over(Window.partitionBy("protocol", "snapshot_date", "token_address")
            .orderBy(col("price_usd").isNull(), col("snapshot_block").desc(), col("market_id"))))
        .where(col("_rank").equalTo(1))
        .drop("_rank", "market_id");

    Dataset<Row> ethUsd = perToken
        .where(col("token_address").isin((Object[]) references).and(col("price_usd").gt(0)))
        .groupBy(col("protocol").as("_eth_protocol"), col("snapshot_block").as("_eth_block"))
        .agg(min_by(col("price_usd"), array_position(array(Arrays.stream(references).map(functions::lit).toArray(Column[]::new)),
            col("token_address"))).as("_eth_usd"));

    return perToken
        .join(ethUsd, col("protocol").equalTo(col("_eth_protocol")).and(col("snapshot_block").equalTo(col("_eth_block"))),
            "left")
        .select(col("protocol"), col("snapshot_date"), col("snapshot_block"), col("snapshot_timestamp"),
            col("token_address"), col("token_symbol"), col("price_usd"),
            when(col("_eth_usd").gt(0), col("price_usd").divide(col("_eth_usd"))).otherwise(lit(null).cast("double"))
                .as("price_eth"));
  }
}
