package dev.defilakehouse.common.transform.stage;

import static dev.defilakehouse.common.transform.stage.StageColumns.isJsonObject;
import static dev.defilakehouse.common.transform.stage.StageColumns.malformedAddress;
import static dev.defilakehouse.common.transform.stage.StageColumns.normalised;
import static dev.defilakehouse.common.transform.stage.StageColumns.recordKey;
import static dev.defilakehouse.common.transform.stage.StageColumns.unknownProtocol;
import static dev.defilakehouse.common.transform.stage.ValidationRule.error;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;

import dev.defilakehouse.common.config.Interval;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * raw → stage {@code the_graph_historical_market_data}: typed markets, thresholds as fractions,
 * the input token in its stage identity ({@link NativeEth}: Compound's cETH input token
 * {@code 0xeee…eee} is WETH here).
 */
public final class MarketDataStage {
  public static final String TABLE = "stage.the_graph_historical_market_data";
  public static final List<String> KEYS = List.of("protocol", "snapshot_block", "market_id");
  public static final List<String> COLUMNS = List.of("protocol", "snapshot_date", "snapshot_block", "snapshot_timestamp",
      "market_id", "market_name", "token_address", "token_symbol", "token_decimals", "liquidation_threshold", "max_ltv",
      "input_token_price_usd", "run_id");
  private static final List<String> RAW_KEYS = List.of("protocol", "snapshot_block", "market_id");
  /** Decimals beyond this cannot be expressed against a decimal(38,0) amount. */
  static final int MAX_DECIMALS = 38;

  private MarketDataStage() {}

  public static StageResult transform(Dataset<Row> raw, Interval interval, String runId) {
    Dataset<Row> typed = raw
        .withColumn("_p", from_json(col("payload"), RawPayloads.MARKET))
        .select(
            normalised(col("protocol")).as("protocol"),
            col("snapshot_date"),
            col("snapshot_block"),
            col("snapshot_timestamp"),
            lower(col("_p.id")).as("market_id"),
            col("_p.name").as("market_name"),
            NativeEth.tokenIdentity(col("_p.inputToken.id")).as("token_address"),
            col("_p.inputToken.symbol").as("token_symbol"),
            col("_p.inputToken.decimals").try_cast(DataTypes.IntegerType).as("token_decimals"),
            fraction(col("_p.liquidationThreshold")).as("liquidation_threshold"),
            fraction(col("_p.maximumLTV")).as("max_ltv"),
            col("_p.inputTokenPriceUSD").try_cast(StageColumns.WHOLE_AMOUNT).as("input_token_price_usd"),
            lit(runId).as("run_id"),
            isJsonObject(col("payload")).as("_json"),
            col("_p.inputToken.id").as("_token_text"),
            col("_p.inputToken.decimals").as("_decimals_text"),
            col("_p.liquidationThreshold").as("_lt_text"),
            col("_p.maximumLTV").as("_ltv_text"),
            col("_p.inputTokenPriceUSD").as("_price_text"),
            col("payload").as(StagePipeline.PAYLOAD),
            col("snapshot_date").as(StagePipeline.RECORD_DATE),
            recordKey(RAW_KEYS).as(StagePipeline.RECORD_KEY));
    return StagePipeline.finish(typed, COLUMNS, KEYS, rules(interval));
  }

  public static List<ValidationRule> rules(Interval interval) {
    Column json = col("_json");
    List<ValidationRule> rules = new ArrayList<>();
    rules.add(error("invalid_json", json.unary_$bang(), "payload is not a JSON object"));
    for (String c : List.of("protocol", "snapshot_date", "snapshot_block", "snapshot_timestamp")) {
      rules.add(error("missing_" + c, col(c).isNull(), "raw column " + c + " is null"));
    }
    rules.add(error("missing_market_id", json.and(col("market_id").isNull()), "payload has no id"));
    rules.add(error("missing_token_address", json.and(col("_token_text").isNull()), "payload has no inputToken.id"));
    rules.add(error("unknown_protocol", unknownProtocol(col("protocol")), "protocol is not one of " + StageColumns.PROTOCOLS));
    rules.add(error("malformed_token_address", malformedAddress(col("_token_text")), "inputToken.id is not 0x + 40 hex"));
    rules.add(error("invalid_token_decimals", json.and(col("token_decimals").isNull()
            .or(col("token_decimals").lt(0)).or(col("token_decimals").gt(MAX_DECIMALS))),
        "inputToken.decimals is missing or not an integer in 0.." + MAX_DECIMALS));
    rules.add(error("invalid_liquidation_threshold", invalidPercent(col("_lt_text"), col("liquidation_threshold")),
        "liquidationThreshold is not a percent in 0..100"));
    rules.add(error("invalid_max_ltv", invalidPercent(col("_ltv_text"), col("max_ltv")), "maximumLTV is not a percent in 0..100"));
    rules.add(error("invalid_price", col("_price_text").isNotNull().and(col("input_token_price_usd").isNull()
        .or(col("input_token_price_usd").lt(0))), "inputTokenPriceUSD is not a non-negative decimal"));
    rules.add(error("snapshot_outside_interval", outsideSnapshotDates(col("snapshot_date"), interval),
        "snapshot_date is not a snapshot date of the run interval " + interval));
    return rules;
  }

  /** Snapshot days d of an interval satisfy start &lt; d &lt;= end (d at 00:00 UTC). */
  static Column outsideSnapshotDates(Column snapshotDate, Interval interval) {
    List<java.time.LocalDate> dates = interval.snapshotDates();
    if (dates.isEmpty()) {
      return snapshotDate.isNotNull();
    }
    return snapshotDate.lt(lit(dates.get(0))).or(snapshotDate.gt(lit(dates.get(dates.size() - 1))));
  }

  /** Subgraph percent (decimal string) → fraction, in decimal arithmetic, then double. */
  private static Column fraction(Column percentText) {
    return percentText.try_cast(StageColumns.WHOLE_AMOUNT).divide(lit(new BigDecimal(100))).cast(DataTypes.DoubleType);
  }

  private static Column invalidPercent(Column text, Column fraction) {
    return text.isNotNull().and(fraction.isNull().or(fraction.lt(0)).or(fraction.gt(1)));
  }
}
