package dev.defilakehouse.sandbox;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Rows of the Transpose tables as maps, with the value types the /sql endpoint renders. Addresses
 * are EIP-55 mixed case, as Transpose returns them ({@link Eip55}); hashes stay lowercase.
 */
final class TransposeRows {
  private TransposeRows() {}

  static Map<String, Object> eventRow(LendingEvent e) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("timestamp", Instant.ofEpochSecond(e.timestampSecond()).toString());
    row.put("block_number", e.blockNumber());
    row.put("log_index", e.logIndex());
    row.put("transaction_hash", e.transactionHash());
    row.put("protocol_name", e.protocolName());
    row.put("contract_version", e.contractVersion());
    row.put("market_address", Eip55.checksum(e.marketAddress()));
    row.put("token_address", Eip55.checksum(e.tokenAddress()));
    row.put("category", e.category());
    row.put("account_address", Eip55.checksum(e.accountAddress()));
    row.put("sender_address", Eip55.checksum(e.senderAddress()));
    row.put("quantity", e.quantity());
    row.put("liquidator_address", Eip55.checksum(e.liquidatorAddress()));
    row.put("liquidated_token_address", Eip55.checksum(e.liquidatedTokenAddress()));
    row.put("quantity_liquidated", e.quantityLiquidated());
    return row;
  }

  static Map<String, Object> blockRow(long block, long timestampSecond) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("block_number", block);
    row.put("timestamp", Instant.ofEpochSecond(timestampSecond).toString());
    return row;
  }
}
