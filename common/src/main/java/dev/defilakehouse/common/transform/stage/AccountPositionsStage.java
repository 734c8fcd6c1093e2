package dev.defilakehouse.common.transform.stage;

import static dev.defilakehouse.common.transform.stage.StageColumns.isJsonObject;
import static dev.defilakehouse.common.transform.stage.StageColumns.malformedAddress;
import static dev.defilakehouse.common.transform.stage.StageColumns.normalised;
import static dev.defilakehouse.common.transform.stage.StageColumns.rawAmount;
import static dev.defilakehouse.common.transform.stage.StageColumns.recordKey;
import static dev.defilakehouse.common.transform.stage.StageColumns.unknownProtocol;
import static dev.defilakehouse.common.transform.stage.StageColumns.wholeTokens;
import static dev.defilakehouse.common.transform.stage.ValidationRule.error;
import static dev.defilakehouse.common.transform.stage.ValidationRule.warning;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.when;

import dev.defilakehouse.common.config.Interval;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * raw → stage {@code the_graph_historical_account_positions}: side SUPPLY/BORROW from either
 * subgraph schema (LENDER in compound-forks 2.x, COLLATERAL in aave-forks 3.x), a null
 * {@code isCollateral} as not collateral, balances in base units and whole tokens (decimals of the
 * market at the same protocol and snapshot block).
 */
public final class AccountPositionsStage {
  public static final String TABLE = "stage.the_graph_historical_account_positions";
  public static final List<String> KEYS = List.of("protocol", "snapshot_block", "position_id");
  public static final List<String> COLUMNS = List.of("protocol", "snapshot_date", "snapshot_block", "snapshot_timestamp",
      "position_id", "wallet_address", "market_id", "token_address", "token_decimals", "side", "is_collateral",
      "balance_raw", "balance", "run_id");
  private static final List<String> RAW_KEYS = List.of("protocol", "snapshot_block", "position_id");

  private AccountPositionsStage() {}

  /**
   * @param markets stage market rows (at least {@code protocol, snapshot_block, market_id,
   *     token_address, token_decimals}) of the same snapshots
   */
  public static StageResult transform(Dataset<Row> raw, Dataset<Row> markets, Interval interval, String runId) {
    Dataset<Row> marketTokens = broadcast(markets.select(
        col("protocol").as("_m_protocol"), col("snapshot_block").as("_m_block"), col("market_id").as("_m_market"),
        col("token_address").as("_m_token"), col("token_decimals").as("_m_decimals")));
    Dataset<Row> parsed = raw
        .withColumn("_p", from_json(col("payload"), RawPayloads.POSITION))
        .withColumn("_protocol", normalised(col("protocol")))
        .withColumn("_market_id", lower(col("_p.market.id")))
        .withColumn("_side_text", upper(trim(col("_p.side"))))
        .withColumn("_flag_text", lower(trim(col("_p.isCollateral"))));
    Dataset<Row> joined = parsed.join(marketTokens, col("_protocol").equalTo(col("_m_protocol"))
        .and(col("snapshot_block").equalTo(col("_m_block"))).and(col("_market_id").equalTo(col("_m_market"))), "left");

    Column side = when(col("_side_text").isin("LENDER", "COLLATERAL"), lit("SUPPLY"))
        .when(col("_side_text").equalTo("BORROWER"), lit("BORROW"));
    Column flag = when(col("_flag_text").equalTo("true"), lit(true)).when(col("_flag_text").equalTo("false"), lit(false));
    // A borrow is never collateral. A supply position's null flag means "never enabled": aave-forks
    // sets it only once the reserve is enabled as collateral (messari/subgraphs aave-forks
    // src/mapping.ts _handleDeposit), compound-forks sets it on every LENDER position.
    Column isCollateral = when(side.equalTo("BORROW"), lit(false))
        .when(flag.isNotNull(), flag)
        .otherwise(lit(false));
    Column balanceRaw = rawAmount(col("_p.balance"));

    Dataset<Row> typed = joined.select(
        col("_protocol").as("protocol"),
        col("snapshot_date"),
        col("snapshot_block"),
        col("snapshot_timestamp"),
        lower(col("_p.id")).as("position_id"),
        lower(col("_p.account.id")).as("wallet_address"),
        col("_market_id").as("market_id"),
        col("_m_token").as("token_address"),
        col("_m_decimals").as("token_decimals"),
        side.as("side"),
        when(side.isNotNull(), isCollateral).as("is_collateral"),
        balanceRaw.as("balance_raw"),
        wholeTokens(balanceRaw, col("_m_decimals")).as("balance"),
        lit(runId).as("run_id"),
        isJsonObject(col("payload")).as("_json"),
        col("_p.account.id").as("_account_text"),
        col("_side_text"),
        col("_flag_text"),
        col("_p.balance").as("_balance_text"),
        col("_m_market").isNotNull().as("_market_known"),
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
    rules.add(error("missing_position_id", json.and(col("position_id").isNull()), "payload has no id"));
    rules.add(error("missing_wallet_address", json.and(col("_account_text").isNull()), "payload has no account.id"));
    rules.add(error("missing_market_id", json.and(col("market_id").isNull()), "payload has no market.id"));
    rules.add(error("missing_side", json.and(col("_side_text").isNull()), "payload has no side"));
    rules.add(error("missing_balance", json.and(col("_balance_text").isNull()), "payload has no balance"));
    rules.add(error("unknown_protocol", unknownProtocol(col("protocol")), "protocol is not one of " + StageColumns.PROTOCOLS));
    rules.add(error("unknown_side", col("_side_text").isNotNull().and(col("side").isNull()),
        "side is not LENDER, COLLATERAL or BORROWER"));
    rules.add(error("invalid_is_collateral", col("_flag_text").isNotNull().and(col("_flag_text").isin("true", "false").unary_$bang()),
        "isCollateral is not true, false or null"));
    rules.add(error("malformed_wallet_address", malformedAddress(col("_account_text")), "account.id is not 0x + 40 hex"));
    rules.addAll(StageColumns.amountRules("balance", col("_balance_text"), col("balance_raw"), col("token_decimals"), col("balance")));
    rules.add(error("snapshot_outside_interval", MarketDataStage.outsideSnapshotDates(col("snapshot_date"), interval),
        "snapshot_date is not a snapshot date of the run interval " + interval));
    rules.add(warning("unknown_market", json.and(col("market_id").isNotNull()).and(col("_market_known").unary_$bang()),
        "no stage market at this protocol, snapshot block and market id: token and whole-token balance are null"));
    return rules;
  }
}
