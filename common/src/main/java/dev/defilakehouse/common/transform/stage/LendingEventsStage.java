package dev.defilakehouse.common.transform.stage;

import static dev.defilakehouse.common.transform.stage.StageColumns.isJsonObject;
import static dev.defilakehouse.common.transform.stage.StageColumns.malformedAddress;
import static dev.defilakehouse.common.transform.stage.StageColumns.malformedHash;
import static dev.defilakehouse.common.transform.stage.StageColumns.normalised;
import static dev.defilakehouse.common.transform.stage.StageColumns.rawAmount;
import static dev.defilakehouse.common.transform.stage.StageColumns.recordKey;
import static dev.defilakehouse.common.transform.stage.StageColumns.unknownProtocol;
import static dev.defilakehouse.common.transform.stage.StageColumns.wholeTokens;
import static dev.defilakehouse.common.transform.stage.ValidationRule.error;
import static dev.defilakehouse.common.transform.stage.ValidationRule.warning;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import dev.defilakehouse.common.config.Interval;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * raw → stage {@code transpose_<kind>_events}, one parameterised transformation for the five
 * kinds: event id, normalised protocol and category, exact amounts, token decimals from the stage
 * market data (any snapshot of the same protocol and token; unknown tokens keep the row with a
 * null whole-token amount and a warning). Token addresses take their stage identity
 * ({@link NativeEth}: Transpose's native ETH is WETH here, as Messari's is in the market data).
 */
public final class LendingEventsStage {
  public static final List<String> KINDS = List.of("deposit", "withdraw", "borrow", "repay", "liquidation");
  public static final List<String> KEYS = List.of("protocol", "event_id");
  private static final List<String> COMMON_COLUMNS = List.of("event_id", "protocol", "block_date", "block_number",
      "block_timestamp", "log_index", "transaction_hash", "market_address", "token_address", "token_symbol",
      "token_decimals", "category", "account_address", "sender_address", "quantity_raw", "quantity");
  private static final List<String> LIQUIDATION_COLUMNS = List.of("liquidator_address", "liquidated_token_address",
      "liquidated_token_decimals", "quantity_liquidated_raw", "quantity_liquidated");
  private static final List<String> RAW_KEYS = List.of("protocol_name", "contract_version", "transaction_hash", "log_index");

  private final String kind;

  private LendingEventsStage(String kind) {
    this.kind = kind;
  }

  public static LendingEventsStage of(String kind) {
    if (!KINDS.contains(kind)) {
      throw new IllegalArgumentException("unknown event kind '" + kind + "': expected one of " + KINDS);
    }
    return new LendingEventsStage(kind);
  }

  public String kind() {
    return kind;
  }

  /** {@code stage.transpose_<kind>_events}. */
  public String table() {
    return "stage.transpose_" + kind + "_events";
  }

  public String rawTable() {
    return "raw.transpose_" + kind + "_events";
  }

  public boolean isLiquidation() {
    return kind.equals("liquidation");
  }

  public List<String> columns() {
    List<String> columns = new ArrayList<>(COMMON_COLUMNS);
    if (isLiquidation()) {
      columns.addAll(LIQUIDATION_COLUMNS);
    }
    columns.add("run_id");
    return columns;
  }

  /**
   * @param markets stage market rows (at least {@code protocol, snapshot_block, token_address,
   *     token_symbol, token_decimals}), any snapshots
   */
  public StageResult transform(Dataset<Row> raw, Dataset<Row> markets, Interval interval, String runId) {
    // One row per protocol and token: the newest snapshot's symbol and decimals.
    Dataset<Row> tokens = broadcast(markets
        .where(col("token_address").isNotNull())
        .groupBy(col("protocol"), col("token_address"))
        .agg(max_by(struct(col("token_symbol"), col("token_decimals")), col("snapshot_block")).as("t"))
        .select(col("protocol").as("_t_protocol"), col("token_address").as("_t_token"),
            col("t.token_symbol").as("_t_symbol"), col("t.token_decimals").as("_t_decimals")));

    Dataset<Row> parsed = raw
        .withColumn("_p", from_json(col("payload"), RawPayloads.LENDING_EVENT))
        .withColumn("_protocol", concat(normalised(col("_p.protocol_name")), lit("_"), normalised(col("_p.contract_version"))))
        .withColumn("_token", NativeEth.tokenIdentity(col("_p.token_address")))
        .withColumn("_liquidated_token", NativeEth.tokenIdentity(col("_p.liquidated_token_address")));
    Dataset<Row> withToken = parsed.join(tokens,
        col("_protocol").equalTo(col("_t_protocol")).and(col("_token").equalTo(col("_t_token"))), "left");
    Dataset<Row> joined = !isLiquidation() ? withToken : withToken.join(tokens.select(
            col("_t_protocol").as("_l_protocol"), col("_t_token").as("_l_token"), col("_t_decimals").as("_l_decimals")),
        col("_protocol").equalTo(col("_l_protocol")).and(col("_liquidated_token").equalTo(col("_l_token"))), "left");

    Column timestamp = col("_p.timestamp").try_cast(DataTypes.TimestampType);
    Column logIndex = col("_p.log_index").try_cast(DataTypes.IntegerType);
    Column hash = lower(col("_p.transaction_hash"));
    Column category = normalised(col("_p.category"));
    category = when(category.equalTo("liquidate"), lit("liquidation")).otherwise(category);
    Column quantityRaw = rawAmount(col("_p.quantity"));

    List<Column> select = new ArrayList<>(List.of(
        concat(hash, lit(":"), logIndex.cast(DataTypes.StringType)).as("event_id"),
        col("_protocol").as("protocol"),
        to_date(timestamp).as("block_date"),
        col("_p.block_number").try_cast(DataTypes.LongType).as("block_number"),
        timestamp.as("block_timestamp"),
        logIndex.as("log_index"),
        hash.as("transaction_hash"),
        lower(col("_p.market_address")).as("market_address"),
        col("_token").as("token_address"),
        col("_t_symbol").as("token_symbol"),
        col("_t_decimals").as("token_decimals"),
        category.as("category"),
        lower(col("_p.account_address")).as("account_address"),
        lower(col("_p.sender_address")).as("sender_address"),
        quantityRaw.as("quantity_raw"),
        wholeTokens(quantityRaw, col("_t_decimals")).as("quantity")));
    if (isLiquidation()) {
      Column liquidatedRaw = rawAmount(col("_p.quantity_liquidated"));
      select.addAll(List.of(
          lower(col("_p.liquidator_address")).as("liquidator_address"),
          col("_liquidated_token").as("liquidated_token_address"),
          col("_l_decimals").as("liquidated_token_decimals"),
          liquidatedRaw.as("quantity_liquidated_raw"),
          wholeTokens(liquidatedRaw, col("_l_decimals")).as("quantity_liquidated")));
    }
    select.add(lit(runId).as("run_id"));
    select.addAll(List.of(
        isJsonObject(col("payload")).as("_json"),
        col("_p").as("_p"),
        col("_t_token").isNotNull().as("_token_known"),
        col("payload").as(StagePipeline.PAYLOAD),
        col("block_date").as(StagePipeline.RECORD_DATE),
        recordKey(RAW_KEYS).as(StagePipeline.RECORD_KEY)));
    if (isLiquidation()) {
      select.add(col("_l_token").isNotNull().as("_liquidated_token_known"));
    }
    Dataset<Row> typed = joined.select(select.toArray(Column[]::new));
    return StagePipeline.finish(typed, columns(), KEYS, rules(interval));
  }

  public List<ValidationRule> rules(Interval interval) {
    Column json = col("_json");
    List<ValidationRule> rules = new ArrayList<>();
    rules.add(error("invalid_json", json.unary_$bang(), "payload is not a JSON object"));
    List<String> required = new ArrayList<>(List.of("transaction_hash", "log_index", "block_number", "timestamp",
        "protocol_name", "contract_version", "token_address", "account_address", "category", "quantity"));
    if (isLiquidation()) {
      required.addAll(List.of("liquidated_token_address", "quantity_liquidated"));
    }
    for (String field : required) {
      rules.add(error("missing_" + field, json.and(col("_p." + field).isNull()), "payload has no " + field));
    }
    rules.add(error("malformed_transaction_hash", malformedHash(col("_p.transaction_hash")), "transaction_hash is not 0x + 64 hex"));
    rules.add(error("invalid_log_index", col("_p.log_index").isNotNull().and(col("log_index").isNull().or(col("log_index").lt(0))),
        "log_index is not a non-negative integer"));
    rules.add(error("invalid_block_number", col("_p.block_number").isNotNull()
        .and(col("block_number").isNull().or(col("block_number").lt(0))), "block_number is not a non-negative integer"));
    rules.add(error("invalid_timestamp", col("_p.timestamp").isNotNull().and(col("block_timestamp").isNull()),
        "timestamp is not an ISO-8601 instant"));
    // A multi-day run checks each row against its own raw partition's day too: a row filed under
    // the wrong day would otherwise land in another day's stage partition and vanish on a re-run of that day.
    rules.add(error("timestamp_outside_interval", col("block_timestamp").lt(lit(interval.start()))
        .or(col("block_timestamp").geq(lit(interval.end())))
        .or(to_date(col("block_timestamp")).notEqual(col(StagePipeline.RECORD_DATE))),
        "timestamp is outside the run interval " + interval + " or not on its raw partition's day"));
    rules.add(error("unknown_protocol", unknownProtocol(col("protocol")),
        "protocol_name + contract_version is not one of " + StageColumns.PROTOCOLS));
    rules.add(error("unknown_category", col("category").isNotNull().and(col("category").isin(KINDS.toArray()).unary_$bang()),
        "category is not one of " + KINDS));
    rules.add(error("wrong_category", col("category").isin(KINDS.toArray()).and(col("category").notEqual(kind)),
        "a known category other than " + kind + " in the " + kind + " table"));
    // market and sender addresses are not required, but must be well-formed when present.
    List<String> addresses = new ArrayList<>(List.of("market_address", "token_address", "account_address", "sender_address"));
    if (isLiquidation()) {
      addresses.addAll(List.of("liquidator_address", "liquidated_token_address"));
    }
    for (String field : addresses) {
      rules.add(error("malformed_" + field, malformedAddress(col("_p." + field)), field + " is not 0x + 40 hex"));
    }
    rules.addAll(StageColumns.amountRules("quantity", col("_p.quantity"), col("quantity_raw"), col("token_decimals"), col("quantity")));
    rules.add(warning("unknown_token_decimals", col("token_address").isNotNull().and(col("_token_known").unary_$bang()),
        "no stage market of this protocol has this token: quantity (whole tokens) is null"));
    if (isLiquidation()) {
      rules.addAll(StageColumns.amountRules("quantity_liquidated", col("_p.quantity_liquidated"), col("quantity_liquidated_raw"),
          col("liquidated_token_decimals"), col("quantity_liquidated")));
      rules.add(warning("unknown_liquidated_token_decimals", col("liquidated_token_address").isNotNull()
          .and(col("_liquidated_token_known").unary_$bang()),
          "no stage market of this protocol has the liquidated token: quantity_liquidated is null"));
    }
    return rules;
  }
}
