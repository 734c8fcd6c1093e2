package dev.defilakehouse.common.transform.analytics;

import static org.apache.spark.sql.functions.col;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Stage positions, stage market data and {@code token_prices_daily} to valued positions (the
 * input of {@link HealthFactor}): each position with its amount in whole tokens, the token's ETH
 * price and the market's thresholds, all from the same protocol and snapshot block. A position
 * whose market or price is missing keeps null thresholds or price (counted by HealthFactor).
 *
 * <p>Besides the documented columns it carries {@code position_id, market_id, token_symbol} and
 * {@code balance} (the decimal amount) for {@link CurrentPositions}.
 */
public final class ValuedPositions {
  private ValuedPositions() {}

  public static Dataset<Row> transform(Dataset<Row> stagePositions, Dataset<Row> stageMarkets, Dataset<Row> prices) {
    Dataset<Row> markets = stageMarkets.select(col("protocol").as("_m_protocol"), col("snapshot_block").as("_m_block"),
        col("market_id").as("_m_market"), col("token_symbol").as("_m_symbol"),
        col("liquidation_threshold").cast("double").as("_m_lt"), col("max_ltv").cast("double").as("_m_ltv"));
    Dataset<Row> tokenPrices = prices.select(col("protocol").as("_t_protocol"), col("snapshot_block").as("_t_block"),
        col("token_address").as("_t_token"), col("price_eth").as("_t_price_eth"));

    Column sameMarket = col("protocol").equalTo(col("_m_protocol"))
        .and(col("snapshot_block").equalTo(col("_m_block")))
        .and(col("market_id").equalTo(col("_m_market")));
    Column sameToken = col("protocol").equalTo(col("_t_protocol"))
        .and(col("snapshot_block").equalTo(col("_t_block")))
        .and(col("token_address").equalTo(col("_t_token")));

    return stagePositions
        .join(markets, sameMarket, "left")
        .join(tokenPrices, sameToken, "left")
        .select(col("wallet_address"), col("protocol"), col("snapshot_date"), col("snapshot_block"),
            col("token_address"), col("side"), col("is_collateral"),
            col("balance").cast("double").as("amount"),
            col("_t_price_eth").as("price_eth"),
            col("_m_lt").as("liquidation_threshold"), col("_m_ltv").as("max_ltv"),
            col("position_id"), col("market_id"), col("_m_symbol").as("token_symbol"),
            col("balance").cast("decimal(38,18)").as("balance"));
  }
}
