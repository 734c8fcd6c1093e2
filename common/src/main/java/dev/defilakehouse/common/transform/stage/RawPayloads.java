package dev.defilakehouse.common.transform.stage;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Schemas to parse the raw {@code payload} JSON with (docs/tables.md, "Raw payloads"). Every leaf
 * is read as STRING: a JSON number then keeps all its digits (amounts beyond 2^64 survive), a
 * number given as a string is accepted the same way, and typing happens afterwards with try_cast
 * so one bad field never nulls the whole record.
 */
public final class RawPayloads {
  private RawPayloads() {}

  public static final StructType LENDING_EVENT = strings(
      "timestamp", "block_number", "log_index", "transaction_hash", "protocol_name", "contract_version",
      "market_address", "token_address", "category", "account_address", "sender_address", "quantity",
      "liquidator_address", "liquidated_token_address", "quantity_liquidated");

  public static final StructType MARKET = strings("id", "name", "liquidationThreshold", "maximumLTV",
      "inputTokenPriceUSD")
      .add("inputToken", strings("id", "symbol", "decimals"));

  public static final StructType POSITION = strings("id", "side", "isCollateral", "balance")
      .add("account", strings("id"))
      .add("market", strings("id"));

  private static StructType strings(String... names) {
    StructType type = new StructType();
    for (String name : names) {
      type = type.add(name, DataTypes.StringType);
    }
    return type;
  }
}
