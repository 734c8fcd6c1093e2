package dev.defilakehouse.local.athena;

import java.util.List;
import java.util.function.Function;

/**
 * The analyst queries of docs/athena.md, in SQL that Athena/Trino and Spark both run; table
 * references are {@code {table}} placeholders filled per engine.
 */
public final class AnalystQueries {
  private AnalystQueries() {}

  /** The ten riskiest wallets as known at 00:00 UTC of {@code asOfDate} (yyyy-MM-dd). */
  public static String topRiskiestWallets(String asOfDate) {
    return """
        SELECT wallet_address, risk_factor, max_risk_factor, total_collateral_eth, borrow_amount_sum_eth
        FROM {wallet_features}
        WHERE as_of_date = DATE '%s'
        ORDER BY risk_factor DESC NULLS LAST, wallet_address
        LIMIT 10""".formatted(asOfDate);
  }

  /** Liquidations per UTC day and protocol: count, collateral seized and debt repaid in ETH. */
  public static String dailyLiquidationsInEth() {
    return """
        SELECT block_date, protocol, count(*) AS liquidations,
               sum(amount_eth) AS collateral_seized_eth, sum(amount_liquidated_eth) AS debt_repaid_eth
        FROM {transpose_liquidation_events}
        GROUP BY block_date, protocol
        ORDER BY block_date, protocol""";
  }

  /** One wallet's features over every as-of date. */
  public static String walletFeatureHistory(String wallet) {
    return """
        SELECT as_of_date, risk_factor, avg_risk_factor, total_collateral_eth, borrow_count,
               liquidation_count, time_since_last_liquidated
        FROM {wallet_features}
        WHERE wallet_address = '%s'
        ORDER BY as_of_date""".formatted(wallet.replace("'", "''"));
  }

  /** {@code sql} with each {@code {name}} of an analytics table replaced by {@code reference(name)}. */
  public static String resolve(String sql, Function<String, String> reference) {
    String out = sql;
    for (String table : List.of("wallet_features", "transpose_liquidation_events")) {
      out = out.replace("{" + table + "}", reference.apply(table));
    }
    return out;
  }
}
