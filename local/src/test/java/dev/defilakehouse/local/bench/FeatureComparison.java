package dev.defilakehouse.local.bench;

import dev.defilakehouse.common.transform.features.FeatureColumns;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Spark's features against the peer's: every wallet on both sides, every feature equal within a
 * relative 1e-9 (both null counts as equal; one null does not). A difference of two sums
 * ({@code borrow_repay_diff_eth}, {@code withdraw_deposit_diff_eth}) is relative to its sums: a
 * wallet that repaid what it borrowed leaves only rounding noise (1e-16 .. 1e-13 ETH, with either
 * side the one off zero), which no relative tolerance on the near-zero result can accept.
 */
public final class FeatureComparison {
  public static final double RELATIVE_TOLERANCE = 1e-9;
  /** Each difference feature and the two sum features it subtracts. */
  static final Map<String, List<String>> DIFFERENCES = Map.of(
      "borrow_repay_diff_eth", List.of("borrow_amount_sum_eth", "repay_amount_sum_eth"),
      "withdraw_deposit_diff_eth", List.of("withdraw_amount_sum_eth", "deposit_amount_sum_eth"));
  /** Mismatches listed in full; the rest are only counted. */
  static final int LISTED = 20;

  /** What differed: counts, and the first {@link #LISTED} differences in words. */
  public record Result(long sparkWallets, long peerWallets, long mismatches, List<String> examples) {
    public boolean identical() {
      return mismatches == 0 && sparkWallets == peerWallets;
    }

    public String describe() {
      if (identical()) {
        return "identical: " + sparkWallets + " wallets x " + FeatureColumns.FEATURES.size() + " features";
      }
      return mismatches + " mismatch(es) (spark " + sparkWallets + " wallets, peer " + peerWallets + "): "
          + String.join("; ", examples) + (mismatches > examples.size() ? "; ..." : "");
    }
  }

  private FeatureComparison() {}

  /** Features by wallet from a Spark frame with {@code wallet_address} and the feature columns. */
  public static Map<String, Object[]> fromSpark(Dataset<Row> features) {
    List<String> names = FeatureColumns.names();
    Map<String, Object[]> byWallet = new HashMap<>();
    for (Row row : features.selectExpr(selectList()).collectAsList()) {
      Object[] values = new Object[names.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = row.get(i + 1);
      }
      put(byWallet, row.getString(0), values, "spark");
    }
    return byWallet;
  }

  /** Features by wallet from a DuckDB query (or a Parquet file read by one). */
  public static Map<String, Object[]> fromDuckDb(Connection connection, String sql) throws SQLException {
    List<String> names = FeatureColumns.names();
    Map<String, Object[]> byWallet = new HashMap<>();
    try (Statement s = connection.createStatement();
         ResultSet rs = s.executeQuery("SELECT " + String.join(", ", selectList()) + " FROM (" + sql + ")")) {
      while (rs.next()) {
        Object[] values = new Object[names.size()];
        for (int i = 0; i < values.length; i++) {
          values[i] = rs.getObject(i + 2);
        }
        put(byWallet, rs.getString(1), values, "duckdb");
      }
    }
    return byWallet;
  }

  public static Result compare(Map<String, Object[]> spark, Map<String, Object[]> peer) {
    List<String> names = FeatureColumns.names();
    long mismatches = 0;
    List<String> examples = new ArrayList<>();
    TreeSet<String> wallets = new TreeSet<>(spark.keySet());
    wallets.addAll(peer.keySet());
    for (String wallet : wallets) {
      Object[] a = spark.get(wallet);
      Object[] b = peer.get(wallet);
      if (a == null || b == null) {
        mismatches++;
        note(examples, "wallet " + wallet + " only in " + (a == null ? "the peer" : "spark"));
        continue;
      }
      for (int i = 0; i < names.size(); i++) {
        if (!equal(a[i], b[i], scale(names, names.get(i), a, b))) {
          mismatches++;
          note(examples, wallet + " " + names.get(i) + ": spark " + a[i] + " vs peer " + b[i]);
        }
      }
    }
    return new Result(spark.size(), peer.size(), mismatches, examples);
  }

  /** The magnitude a feature's error is relative to: its operands' for a difference, else 0. */
  private static double scale(List<String> names, String feature, Object[] a, Object[] b) {
    double scale = 0;
    for (String operand : DIFFERENCES.getOrDefault(feature, List.of())) {
      int i = names.indexOf(operand);
      for (Object value : new Object[] {a[i], b[i]}) {
        if (value instanceof Number n && Double.isFinite(n.doubleValue())) {
          scale = Math.max(scale, Math.abs(n.doubleValue()));
        }
      }
    }
    return scale;
  }

  /** Nulls equal each other; numbers within a relative {@link #RELATIVE_TOLERANCE}. */
  static boolean equal(Object a, Object b) {
    return equal(a, b, 0);
  }

  /** As {@link #equal(Object, Object)}, relative to the larger of the values and {@code scale}. */
  static boolean equal(Object a, Object b, double scale) {
    if (a == null || b == null) {
      return a == b;
    }
    double x = ((Number) a).doubleValue();
    double y = ((Number) b).doubleValue();
    if (x == y) {
      return true;
    }
    if (Double.isNaN(x) || Double.isNaN(y)) {
      return false;
    }
    return Math.abs(x - y) <= RELATIVE_TOLERANCE * Math.max(scale, Math.max(Math.abs(x), Math.abs(y)));
  }

  private static String[] selectList() {
    List<String> columns = new ArrayList<>();
    columns.add(FeatureColumns.WALLET_ADDRESS);
    columns.addAll(FeatureColumns.names());
    return columns.toArray(String[]::new);
  }

  private static void put(Map<String, Object[]> byWallet, String wallet, Object[] values, String side) {
    if (byWallet.put(wallet, values) != null) {
      throw new IllegalStateException(side + " has wallet " + wallet + " twice: features must have one row per wallet");
    }
  }

  private static void note(List<String> examples, String text) {
    if (examples.size() < LISTED) {
      examples.add(text);
    }
  }
}
