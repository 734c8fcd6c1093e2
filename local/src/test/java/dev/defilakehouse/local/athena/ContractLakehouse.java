package dev.defilakehouse.local.athena;

import dev.defilakehouse.common.catalog.TableCatalog;
import dev.defilakehouse.common.catalog.TableSpec;
import dev.defilakehouse.common.config.Env;
import dev.defilakehouse.common.delta.LakehouseTables;
import dev.defilakehouse.common.transform.features.WalletFeatureState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A small lakehouse with every catalog table, the columns of docs/tables.md and a few rows each,
 * written through {@link LakehouseTables} so the tables get exactly the production properties. The
 * values are awkward on purpose: 38-digit decimals, nulls, thirds, several partitions.
 */
public final class ContractLakehouse {
  public static final int ROWS = 8;
  /** Three days of partitions: 2024-01-01 .. 2024-01-03. */
  static final String DAY = "date_add(DATE'2024-01-01', CAST(id % 3 AS INT))";
  static final String TS = "timestamp'2024-01-01 00:00:11' + make_interval(0, 0, 0, CAST(id % 3 AS INT), CAST(id AS INT), 0, 0)";
  static final String WALLET = "concat('0x', lpad(hex(id % 4), 40, '0'))";
  static final String TOKEN = "concat('0x', lpad(hex(100 + id % 2), 40, 'a'))";
  static final String PROTOCOL = "element_at(array('aave_v2', 'aave_v3', 'compound_v2'), CAST(id % 3 AS INT) + 1)";
  static final String TX = "concat('0x', sha2(CAST(id AS STRING), 256))";
  static final String RAW_INT = "CAST('1' || repeat('0', CAST(id AS INT)) || '23456789012345678901234567' AS DECIMAL(38,0))";
  static final String WHOLE = "CAST(id * 1234.123456789012345678 + 1 / 3 AS DECIMAL(38,18))";
  static final String ETH = "CASE WHEN id % 4 = 3 THEN NULL ELSE id / 3.0D + 0.1D END";

  private ContractLakehouse() {}

  /** Writes every catalog table under {@code root} for {@code env}. */
  public static void write(SparkSession spark, String root, Env env) {
    LakehouseTables tables = new LakehouseTables(spark, env, root, "contract-fixture", TableCatalog.get());
    for (TableSpec table : TableCatalog.get().tables()) {
      tables.overwrite(table, rows(spark, table));
    }
  }

  /** A few rows with the table's contract columns. */
  public static Dataset<Row> rows(SparkSession spark, TableSpec table) {
    Map<String, String> columns = columns(table);
    List<String> select = new ArrayList<>();
    columns.forEach((name, expr) -> select.add(expr + " AS " + name));
    return spark.range(ROWS).selectExpr(select.toArray(String[]::new));
  }

  static Map<String, String> columns(TableSpec table) {
    Map<String, String> c = new LinkedHashMap<>();
    String name = table.name();
    boolean events = name.startsWith("transpose_") && name.endsWith("_events");
    boolean liquidations = name.equals("transpose_liquidation_events");
    switch (table.layer()) {
      case "raw" -> {
        if (name.equals("transpose_ethereum_daily_blocks")) {
          blocks(c);
        } else if (events) {
          c.put("block_date", DAY);
          c.put("block_number", "19000000 + id");
          c.put("log_index", "CAST(id AS INT)");
          c.put("transaction_hash", TX);
          c.put("protocol_name", "CASE WHEN id % 3 = 2 THEN 'compound' ELSE 'aave' END");
          c.put("contract_version", "CASE WHEN id % 3 = 1 THEN 'v3' ELSE 'v2' END");
        } else {
          snapshot(c);
          c.put(name.endsWith("market_data") ? "market_id" : "position_id", "concat('m-', id)");
        }
        c.put("payload", "to_json(named_struct('id', id, 'quantity', '123456789012345678901234567890'))");
        c.put("request", "'{\"source\":\"fixture\",\"kind\":\"sql\"}'");
        c.put("ingested_at", TS);
        c.put("run_id", "'run-1'");
      }
      case "stage" -> {
        if (name.equals("transpose_ethereum_daily_blocks")) {
          blocks(c);
        } else if (name.equals("the_graph_historical_market_data")) {
          snapshot(c);
          c.put("market_id", "concat('m-', id)");
          c.put("market_name", "concat('Market ', id)");
          c.put("token_address", TOKEN);
          c.put("token_symbol", "CASE WHEN id % 2 = 0 THEN 'WETH' ELSE 'USDC' END");
          c.put("token_decimals", "CAST(CASE WHEN id % 2 = 0 THEN 18 ELSE 6 END AS INT)");
          c.put("liquidation_threshold", "0.825D");
          c.put("max_ltv", "0.8D");
          c.put("input_token_price_usd", "CAST(id * 1000 + 0.000000000000000001 AS DECIMAL(38,18))");
        } else if (name.equals("the_graph_historical_account_positions")) {
          snapshot(c);
          c.put("position_id", "concat('p-', id)");
          c.put("wallet_address", WALLET);
          c.put("market_id", "concat('m-', id % 2)");
          c.put("token_address", TOKEN);
          c.put("token_decimals", "CAST(18 AS INT)");
          c.put("side", "CASE WHEN id % 2 = 0 THEN 'SUPPLY' ELSE 'BORROW' END");
          c.put("is_collateral", "id % 2 = 0");
          c.put("balance_raw", RAW_INT);
          c.put("balance", WHOLE);
        } else if (name.equals("quarantine")) {
          c.put("source_table", "element_at(array('stage.transpose_deposit_events', 'stage.the_graph_historical_market_data'), CAST(id % 2 AS INT) + 1)");
          c.put("record_date", DAY);
          c.put("record_key", "concat('key-', id)");
          c.put("reasons", "CASE WHEN id % 2 = 0 THEN array('negative amount') ELSE array('missing key', 'malformed address') END");
          c.put("payload", "to_json(named_struct('id', id))");
          c.put("quarantined_at", TS);
        } else {
          stageEvent(c, liquidations);
        }
        c.put("run_id", "'run-1'");
      }
      case "analytics" -> {
        if (events) {
          stageEvent(c, liquidations);
          c.put("run_id", "'run-1'");
          c.put("amount", WHOLE);
          c.put("price_eth", ETH);
          c.put("price_date", DAY);
          c.put("amount_eth", "CASE WHEN id % 4 = 3 THEN NULL ELSE id * 1234.123456789D / 3.0D END");
          if (liquidations) {
            c.put("amount_liquidated", WHOLE);
            c.put("liquidated_price_eth", "1 / 3.0D");
            c.put("amount_liquidated_eth", "id / 7.0D");
          }
        } else {
          analytics(name, c);
        }
      }
      default -> throw new IllegalArgumentException("unknown layer " + table.layer());
    }
    return c;
  }

  private static void blocks(Map<String, String> c) {
    c.put("block_date", "date_add(DATE'2024-01-01', CAST(id AS INT))");
    c.put("block_number", "19000000 + 7200 * id");
    c.put("block_timestamp", "timestamp'2024-01-01 00:00:11' + make_interval(0, 0, 0, CAST(id AS INT), 0, 0, 0)");
  }

  private static void snapshot(Map<String, String> c) {
    c.put("protocol", PROTOCOL);
    c.put("snapshot_date", DAY);
    c.put("snapshot_block", "19000000 + 7200 * (id % 3)");
    c.put("snapshot_timestamp", TS);
  }

  private static void stageEvent(Map<String, String> c, boolean liquidations) {
    c.put("event_id", "concat(" + TX + ", ':', id)");
    c.put("protocol", PROTOCOL);
    c.put("block_date", DAY);
    c.put("block_number", "19000000 + id");
    c.put("block_timestamp", TS);
    c.put("log_index", "CAST(id AS INT)");
    c.put("transaction_hash", TX);
    c.put("market_address", TOKEN);
    c.put("token_address", TOKEN);
    c.put("token_symbol", "CASE WHEN id % 2 = 0 THEN 'WETH' ELSE NULL END");
    c.put("token_decimals", "CAST(18 AS INT)");
    c.put("category", liquidations ? "'liquidation'" : "'deposit'");
    c.put("account_address", WALLET);
    c.put("sender_address", WALLET);
    c.put("quantity_raw", RAW_INT);
    c.put("quantity", WHOLE);
    if (liquidations) {
      c.put("liquidator_address", "concat('0x', lpad(hex(id), 40, 'b'))");
      c.put("liquidated_token_address", TOKEN);
      c.put("liquidated_token_decimals", "CAST(6 AS INT)");
      c.put("quantity_liquidated_raw", RAW_INT);
      c.put("quantity_liquidated", WHOLE);
    }
  }

  private static void analytics(String name, Map<String, String> c) {
    switch (name) {
      case "token_prices_daily" -> {
        snapshot(c);
        c.put("token_address", TOKEN);
        c.put("token_symbol", "'WETH'");
        c.put("price_usd", "2000 + id / 3.0D");
        c.put("price_eth", ETH);
      }
      case "the_graph_daily_wallet_health" -> {
        c.put("wallet_address", WALLET);
        c.put("protocol", PROTOCOL);
        c.put("snapshot_date", DAY);
        c.put("snapshot_block", "19000000 + 7200 * (id % 3)");
        for (String d : List.of("collateral_eth", "collateral_x_lt_eth", "collateral_x_ltv_eth", "borrow_eth",
            "available_borrows_eth")) {
          c.put(d, "id / 3.0D");
        }
        c.put("health_factor", ETH);
        c.put("risk_factor", "CASE WHEN id = 0 THEN 1e6 ELSE 1 / (id + 0.5D) END");
        c.put("unpriced_positions", "CAST(id % 2 AS INT)");
      }
      case "the_graph_current_collateral_positions" -> {
        c.put("wallet_address", WALLET);
        c.put("protocol", PROTOCOL);
        c.put("snapshot_date", "DATE'2024-01-03'");
        c.put("snapshot_block", "19014400L");
        c.put("position_id", "concat('p-', id)");
        c.put("market_id", "concat('m-', id % 2)");
        c.put("token_address", TOKEN);
        c.put("token_symbol", "'WETH'");
        c.put("side", "'SUPPLY'");
        c.put("is_collateral", "true");
        c.put("amount", WHOLE);
        c.put("price_eth", "1.0D");
        c.put("amount_eth", ETH);
      }
      case "wallet_features" -> walletFeatures(c);
      case "wallet_feature_state" -> featureState(c);
      case "data_quality_results" -> {
        c.put("as_of_date", DAY);
        c.put("check_name", "concat('check_', id)");
        c.put("passed", "id % 3 <> 0");
        c.put("observed", "CAST(id AS STRING)");
        c.put("expectation", "'<= 0.01'");
        c.put("message", "CASE WHEN id % 3 = 0 THEN 'too many quarantined rows' END");
        c.put("run_id", "'run-1'");
        c.put("checked_at", TS);
      }
      default -> throw new IllegalArgumentException("no fixture columns for analytics." + name
          + ": add them here from docs/tables.md");
    }
  }

  /** The state's columns (WalletFeatureState.SCHEMA) by type: 4 wallets x the 3 as-of dates. */
  private static void featureState(Map<String, String> c) {
    for (org.apache.spark.sql.types.StructField f : WalletFeatureState.SCHEMA.fields()) {
      String type = f.dataType().simpleString();
      c.put(f.name(), switch (f.name()) {
        case "wallet_address" -> WALLET;
        case "as_of_date" -> DAY;
        default -> switch (type) {
          case "bigint" -> "id % 5";
          case "double" -> ETH;
          case "timestamp" -> TS;
          case "array<string>" -> "CASE WHEN id % 2 = 0 THEN array('aave_v2', 'compound_v2') ELSE array() END";
          default -> "CAST(" + WHOLE + " AS " + type + ")"; // the decimal(38,18) sums
        };
      });
    }
    c.replaceAll((name, expr) -> "CAST(" + expr + " AS "
        + WalletFeatureState.SCHEMA.apply(name).dataType().sql() + ")");
  }

  /** The 26 features of spec section 6 with their types; 4 wallets x the 3 as-of dates (some missing). */
  private static void walletFeatures(Map<String, String> c) {
    c.put("wallet_address", WALLET);
    String rf = "CASE WHEN id % 4 = 0 THEN 0D WHEN id = 5 THEN 1e6 ELSE 1 / (id + 0.25D) END";
    c.put("risk_factor", rf);
    for (String d : List.of("total_collateral_eth", "total_collateral_avg_eth", "total_available_borrows_eth",
        "total_available_borrows_avg_eth", "avg_weighted_risk_factor")) {
      c.put(d, "id / 3.0D + 0.5D");
    }
    c.put("risk_factor_above_threshold_daily_count", "CAST(id % 3 AS INT)");
    c.put("avg_risk_factor", "CASE WHEN id % 4 = 0 THEN NULL ELSE id / 7.0D END");
    c.put("max_risk_factor", rf);
    c.put("borrow_amount_sum_eth", "id * 1.1D");
    c.put("borrow_amount_avg_eth", "CASE WHEN id % 2 = 0 THEN NULL ELSE id * 1.1 END");
    c.put("borrow_count", "CAST(id AS INT)");
    c.put("repay_amount_sum_eth", "id * 0.3D");
    c.put("repay_amount_avg_eth", "id * 0.1D");
    c.put("repay_count", "CAST(id % 2 AS INT)");
    c.put("borrow_repay_diff_eth", "id * 0.8D");
    c.put("deposit_count", "CAST(id + 1 AS INT)");
    c.put("deposit_amount_sum_eth", "id * 2.5D");
    c.put("time_since_first_deposit", "86400L * (id + 1)");
    c.put("withdraw_amount_sum_eth", "id * 0.2D");
    c.put("withdraw_deposit_diff_eth", "0D");
    c.put("liquidation_count", "CAST(id % 2 AS INT)");
    c.put("time_since_last_liquidated", "CASE WHEN id % 2 = 0 THEN NULL ELSE 3600L * id END");
    c.put("liquidation_amount_sum_eth", "id / 9.0D");
    c.put("unique_borrow_protocol_count", "CAST(id % 3 AS INT)");
    c.put("unique_lending_protocol_count", "CAST(1 + id % 3 AS INT)");
    // wallets 0..3 on as_of 01-01..01-03: (id % 4, id % 3) never repeats for id < 12
    c.put("as_of_date", DAY);
    c.put("computed_at", "timestamp'2024-01-03 01:00:00'");
  }
}
