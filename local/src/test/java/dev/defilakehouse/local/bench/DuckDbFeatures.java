package dev.defilakehouse.local.bench;

import dev.defilakehouse.common.transform.features.FeatureColumns;
import dev.defilakehouse.common.transform.features.WalletFeatures;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * The single-machine peer: the wallet features of {@link WalletFeatures} (spec section 6,
 * docs/features.md) as one DuckDB query over the analytics tables exported to Parquet
 * ({@code <dir>/<kind>_events/*.parquet}, {@code <dir>/daily_wallet_health/*.parquet}). Same steps
 * as the Spark code: distinct events per wallet and kind, then per wallet, kind and protocol, then
 * per wallet; daily health per wallet and day (max rf across protocols, sums), then per wallet;
 * one full outer join.
 */
public final class DuckDbFeatures {
  /** Events of one kind and the column naming the wallet they belong to. */
  private static final Map<String, String> WALLET_COLUMN = Map.of(
      "deposit", "sender_address", "withdraw", "sender_address", "borrow", "sender_address",
      "repay", "sender_address", "liquidation", "account_address");
  private static final List<String> KINDS = List.of("deposit", "withdraw", "borrow", "repay", "liquidation");

  private DuckDbFeatures() {}

  /** An in-process DuckDB using {@code threads} threads (the same cores Spark gets). */
  public static Connection open(int threads) throws SQLException {
    Connection connection = DriverManager.getConnection("jdbc:duckdb:");
    try (Statement s = connection.createStatement()) {
      s.execute("SET threads = " + threads);
      s.execute("SET TimeZone = 'UTC'");
    }
    return connection;
  }

  /** Writes the features as of {@code asOf} to {@code out} (one Parquet file); returns the wallet count. */
  public static long writeParquet(Connection connection, Path exportDir, LocalDate asOf, Path out) throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute("COPY (" + query(exportDir, asOf) + ") TO '" + sqlPath(out) + "' (FORMAT parquet)");
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM read_parquet('" + sqlPath(out) + "')")) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** The feature query; columns {@code wallet_address} then the 26 features in table order. */
  public static String query(Path exportDir, LocalDate asOf) {
    String t = "TIMESTAMP '" + asOf + " 00:00:00'";
    String asOfDate = "DATE '" + asOf + "'";
    StringBuilder events = new StringBuilder();
    for (String kind : KINDS) {
      if (!events.isEmpty()) {
        events.append("\n  UNION ALL ");
      }
      String wallet = WALLET_COLUMN.get(kind);
      events.append("SELECT ").append(wallet).append(" AS wallet_address, '").append(kind)
          .append("' AS kind, event_id, protocol, block_timestamp, CAST(amount_eth AS DOUBLE) AS amount_eth FROM ")
          .append(parquet(exportDir, kind + "_events")).append(" WHERE block_timestamp < ").append(t)
          .append(" AND ").append(wallet).append(" IS NOT NULL");
    }
    return """
        WITH ev AS (
          %s
        ), dist AS (
          SELECT wallet_address, kind, event_id, protocol, min(block_timestamp) AS block_timestamp,
                 max(amount_eth) AS amount_eth
          FROM ev GROUP BY wallet_address, kind, event_id, protocol
        ), per_protocol AS (
          SELECT wallet_address, kind, protocol, count(*) AS n, sum(amount_eth) AS amount_sum,
                 count(amount_eth) AS priced, min(block_timestamp) AS first_at, max(block_timestamp) AS last_at
          FROM dist GROUP BY wallet_address, kind, protocol
        ), from_events AS (
          SELECT wallet_address,
            sum(n) FILTER (WHERE kind = 'borrow') AS borrow_n,
            sum(amount_sum) FILTER (WHERE kind = 'borrow') AS borrow_sum,
            CASE WHEN sum(priced) FILTER (WHERE kind = 'borrow') > 0
              THEN sum(amount_sum) FILTER (WHERE kind = 'borrow') / sum(priced) FILTER (WHERE kind = 'borrow') END AS borrow_avg,
            count(*) FILTER (WHERE kind = 'borrow') AS borrow_protocols,
            sum(n) FILTER (WHERE kind = 'repay') AS repay_n,
            sum(amount_sum) FILTER (WHERE kind = 'repay') AS repay_sum,
            CASE WHEN sum(priced) FILTER (WHERE kind = 'repay') > 0
              THEN sum(amount_sum) FILTER (WHERE kind = 'repay') / sum(priced) FILTER (WHERE kind = 'repay') END AS repay_avg,
            sum(n) FILTER (WHERE kind = 'deposit') AS deposit_n,
            sum(amount_sum) FILTER (WHERE kind = 'deposit') AS deposit_sum,
            min(first_at) FILTER (WHERE kind = 'deposit') AS first_deposit_at,
            count(*) FILTER (WHERE kind = 'deposit') AS deposit_protocols,
            sum(amount_sum) FILTER (WHERE kind = 'withdraw') AS withdraw_sum,
            sum(n) FILTER (WHERE kind = 'liquidation') AS liquidation_n,
            sum(amount_sum) FILTER (WHERE kind = 'liquidation') AS liquidation_sum,
            max(last_at) FILTER (WHERE kind = 'liquidation') AS last_liquidated_at
          FROM per_protocol GROUP BY wallet_address
        ), days AS (
          SELECT wallet_address, snapshot_date, max(CAST(risk_factor AS DOUBLE)) AS rf,
                 sum(CAST(collateral_eth AS DOUBLE)) AS collateral,
                 sum(CAST(available_borrows_eth AS DOUBLE)) AS available,
                 sum(CAST(borrow_eth AS DOUBLE)) AS borrow
          FROM %s
          WHERE snapshot_date <= %s AND wallet_address IS NOT NULL
          GROUP BY wallet_address, snapshot_date
        ), from_health AS (
          SELECT wallet_address,
            max(rf) FILTER (WHERE snapshot_date = %s) AS rf_at_t,
            sum(collateral) FILTER (WHERE snapshot_date = %s) AS collateral_at_t,
            sum(available) FILTER (WHERE snapshot_date = %s) AS available_at_t,
            avg(collateral) AS collateral_avg,
            avg(available) AS available_avg,
            sum(rf * borrow) AS rf_x_borrow_total,
            sum(borrow) AS borrow_total,
            sum(CASE WHEN rf > CAST('%s' AS DOUBLE) THEN 1 ELSE 0 END) AS days_above_threshold,
            avg(rf) AS rf_avg,
            max(rf) AS rf_max
          FROM days GROUP BY wallet_address
        )
        SELECT wallet_address,
          CAST(coalesce(rf_at_t, 0.0) AS DOUBLE) AS risk_factor,
          CAST(coalesce(collateral_at_t, 0.0) AS DOUBLE) AS total_collateral_eth,
          CAST(collateral_avg AS DOUBLE) AS total_collateral_avg_eth,
          CAST(coalesce(available_at_t, 0.0) AS DOUBLE) AS total_available_borrows_eth,
          CAST(available_avg AS DOUBLE) AS total_available_borrows_avg_eth,
          CAST(CASE WHEN borrow_total > 0 THEN rf_x_borrow_total / borrow_total ELSE 0.0 END AS DOUBLE) AS avg_weighted_risk_factor,
          CAST(coalesce(days_above_threshold, 0) AS INTEGER) AS %s,
          CAST(rf_avg AS DOUBLE) AS avg_risk_factor,
          CAST(rf_max AS DOUBLE) AS max_risk_factor,
          CAST(coalesce(borrow_sum, 0) AS DOUBLE) AS borrow_amount_sum_eth,
          CAST(borrow_avg AS DOUBLE) AS borrow_amount_avg_eth,
          CAST(coalesce(borrow_n, 0) AS INTEGER) AS borrow_count,
          CAST(coalesce(repay_sum, 0) AS DOUBLE) AS repay_amount_sum_eth,
          CAST(repay_avg AS DOUBLE) AS repay_amount_avg_eth,
          CAST(coalesce(repay_n, 0) AS INTEGER) AS repay_count,
          CAST(coalesce(borrow_sum, 0) - coalesce(repay_sum, 0) AS DOUBLE) AS borrow_repay_diff_eth,
          CAST(coalesce(deposit_n, 0) AS INTEGER) AS deposit_count,
          CAST(coalesce(deposit_sum, 0) AS DOUBLE) AS deposit_amount_sum_eth,
          CAST(epoch(%s) AS BIGINT) - CAST(epoch(first_deposit_at) AS BIGINT) AS time_since_first_deposit,
          CAST(coalesce(withdraw_sum, 0) AS DOUBLE) AS withdraw_amount_sum_eth,
          CAST(greatest(0.0, coalesce(withdraw_sum, 0) - coalesce(deposit_sum, 0)) AS DOUBLE) AS withdraw_deposit_diff_eth,
          CAST(coalesce(liquidation_n, 0) AS INTEGER) AS liquidation_count,
          CAST(epoch(%s) AS BIGINT) - CAST(epoch(last_liquidated_at) AS BIGINT) AS time_since_last_liquidated,
          CAST(coalesce(liquidation_sum, 0) AS DOUBLE) AS liquidation_amount_sum_eth,
          CAST(coalesce(borrow_protocols, 0) AS INTEGER) AS unique_borrow_protocol_count,
          CAST(coalesce(deposit_protocols, 0) AS INTEGER) AS unique_lending_protocol_count
        FROM from_events FULL OUTER JOIN from_health USING (wallet_address)
        """.formatted(events, parquet(exportDir, "daily_wallet_health"), asOfDate, asOfDate, asOfDate, asOfDate,
        Double.toString(WalletFeatures.RISK_FACTOR_THRESHOLD), FeatureColumns.DAILY_COUNT, t, t);
  }

  private static String parquet(Path dir, String name) {
    return "read_parquet('" + sqlPath(dir.resolve(name)) + "/*.parquet')";
  }

  private static String sqlPath(Path path) {
    return path.toAbsolutePath().toString().replace("'", "''");
  }
}
