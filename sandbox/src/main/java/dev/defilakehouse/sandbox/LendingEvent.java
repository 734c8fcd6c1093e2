package dev.defilakehouse.sandbox;

import java.math.BigInteger;
import java.time.Instant;

/**
 * One row of {@code ethereum.lending_events}. For liquidations {@code market}/{@code quantity}
 * are the collateral seized and {@code debtMarket}/{@code quantityLiquidated} the debt repaid;
 * for other kinds the liquidation fields are null.
 */
public record LendingEvent(
    Protocol protocol,
    long blockNumber,
    int logIndex,
    long timestampSecond,
    String transactionHash,
    Market market,
    EventKind kind,
    String category,
    String accountAddress,
    String senderAddress,
    BigInteger quantity,
    String liquidatorAddress,
    Market debtMarket,
    BigInteger quantityLiquidated) {

  public Instant timestamp() { return Instant.ofEpochSecond(timestampSecond); }

  public String protocolName() { return protocol.protocolName(); }

  public String contractVersion() { return protocol.contractVersion(); }

  public String marketAddress() { return market.id(); }

  public String tokenAddress() { return market.token().address(); }

  /** Debt token repaid by a liquidation, else null. */
  public String liquidatedTokenAddress() { return debtMarket == null ? null : debtMarket.token().address(); }

  /** {@code <transaction_hash>:<log_index>}, the stage event id. */
  public String eventId() { return transactionHash + ":" + logIndex; }
}
