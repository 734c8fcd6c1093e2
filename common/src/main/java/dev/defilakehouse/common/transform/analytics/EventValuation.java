package dev.defilakehouse.common.transform.analytics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Stage events plus {@code token_prices_daily} to analytics events: {@code amount} (= quantity),
 * {@code price_eth}, {@code price_date}, {@code amount_eth}, and for liquidations the debt repaid
 * ({@code amount_liquidated}, {@code liquidated_price_eth}, {@code amount_liquidated_eth}).
 *
 * <p>The price is the newest daily price of the same protocol and token whose snapshot (first block
 * of its day) is at or before the event and at most {@code maxAgeDays} days older than the event's
 * day; otherwise the price and ETH amount are null and the row is kept.
 *
 * <p>As-of join without a range join: each price is copied forward onto the {@code maxAgeDays + 1}
 * days it may serve, and those copies are reduced to one row per protocol, token and day (the
 * same-day price, valid only from its snapshot on, and the newest earlier one). Events then meet
 * prices in a plain equi-join on protocol, token and day: one match per event, no event is copied,
 * and the work grows linearly with events and prices.
 */
public final class EventValuation {
  public static final int DEFAULT_MAX_AGE_DAYS = 7;
  private static final String DECIMAL = "decimal(38,18)";

  private EventValuation() {}

  public static Dataset<Row> transform(Dataset<Row> stageEvents, Dataset<Row> prices, int maxAgeDays) {
    if (maxAgeDays < 0) {
      throw new IllegalArgumentException("the maximum price age must be 0 or more days, got " + maxAgeDays);
    }
    Dataset<Row> lookup = priceLookup(prices, maxAgeDays);
    List<String> stageColumns = Arrays.asList(stageEvents.columns());
    boolean liquidation = stageColumns.contains("liquidated_token_address");

    Dataset<Row> valued = withPrice(stageEvents, lookup, "token_address", "price_eth", "price_date");
    List<Column> out = new ArrayList<>();
    stageColumns.forEach(c -> out.add(col(c)));
    out.add(col("quantity").cast(DECIMAL).as("amount"));
    out.add(col("price_eth"));
    out.add(col("price_date"));
    out.add(col("quantity").cast("double").multiply(col("price_eth")).as("amount_eth"));
    if (liquidation) {
      valued = withPrice(valued, lookup, "liquidated_token_address", "liquidated_price_eth", "liquidated_price_date");
      out.add(col("quantity_liquidated").cast(DECIMAL).as("amount_liquidated"));
      out.add(col("liquidated_price_eth"));
      out.add(col("quantity_liquidated").cast("double").multiply(col("liquidated_price_eth")).as("amount_liquidated_eth"));
    }
    return valued.select(out.toArray(Column[]::new));
  }

  /** Per protocol, token and day: the price of that day's snapshot and the newest one before it. */
  static Dataset<Row> priceLookup(Dataset<Row> prices, int maxAgeDays) {
    return prices.where(col("price_eth").isNotNull())
        .withColumn("_age", explode(sequence(lit(0), lit(maxAgeDays))))
        .groupBy(col("protocol").as("_p_protocol"), col("token_address").as("_p_token"),
            date_add(col("snapshot_date"), col("_age")).as("_p_day"))
        .agg(
            max(when(col("_age").equalTo(0), struct(col("snapshot_date").as("date"),
                col("snapshot_timestamp").as("timestamp"), col("price_eth").as("price_eth")))).as("_p_same_day"),
            // struct order compares the date first: the newest earlier price
            max(when(col("_age").gt(0), struct(col("snapshot_date").as("date"), col("price_eth").as("price_eth"))))
                .as("_p_before"));
  }

  private static Dataset<Row> withPrice(Dataset<Row> events, Dataset<Row> lookup, String tokenColumn,
                                        String priceColumn, String dateColumn) {
    Column onDay = col("protocol").equalTo(col("_p_protocol"))
        .and(col(tokenColumn).equalTo(col("_p_token")))
        .and(to_date(col("block_timestamp")).equalTo(col("_p_day")));
    Column sameDayValid = col("_p_same_day.timestamp").leq(col("block_timestamp"));
    return events.join(lookup, onDay, "left")
        .withColumn(priceColumn, when(sameDayValid, col("_p_same_day.price_eth")).otherwise(col("_p_before.price_eth")))
        .withColumn(dateColumn, when(sameDayValid, col("_p_same_day.date")).otherwise(col("_p_before.date")))
        .drop("_p_protocol", "_p_token", "_p_day", "_p_same_day", "_p_before");
  }
}
