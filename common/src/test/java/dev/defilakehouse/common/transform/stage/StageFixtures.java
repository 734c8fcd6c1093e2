package dev.defilakehouse.common.transform.stage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Real-shaped raw rows (docs/tables.md "Raw payloads") for stage tests: Aave v2 on 2024-01-01 with
 * USDC (6 decimals), WBTC (8) and WETH (18). Payloads are built as maps and serialised with
 * Jackson, so BigInteger amounts become JSON numbers with every digit.
 */
public final class StageFixtures {
  private StageFixtures() {}

  private static final ObjectMapper JSON = new ObjectMapper();

  public static final String USDC = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48";
  public static final String WBTC = "0x2260FAC5E5542a773Aa44fBCfeDf7C193bc2C599";
  public static final String WETH = "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2";
  public static final String A_USDC = "0xBcca60bB61934080951369a648Fb03DF4F96263C";
  public static final String A_WBTC = "0x9ff58f4fFB29fA2266Ab25e75e2A8b3503311656";
  public static final String A_WETH = "0x030bA81f1c18d280636F32af80b9AAd02Cf0854e";
  public static final String WALLET = "0x7a16fF8270133F063aAb6C9977183D9e72835428";
  public static final String LIQUIDATOR = "0x00000000000000000000000000000000DeaDBeef";
  public static final long SNAPSHOT_BLOCK = 18908895L;
  public static final Instant SNAPSHOT_TIME = Instant.parse("2024-01-02T00:00:11Z");
  public static final LocalDate DAY1 = LocalDate.parse("2024-01-01");
  public static final LocalDate DAY2 = LocalDate.parse("2024-01-02");

  public static final StructType RAW_MARKET = new StructType()
      .add("protocol", DataTypes.StringType).add("snapshot_date", DataTypes.DateType)
      .add("snapshot_block", DataTypes.LongType).add("snapshot_timestamp", DataTypes.TimestampType)
      .add("market_id", DataTypes.StringType).add("payload", DataTypes.StringType).add("request", DataTypes.StringType)
      .add("ingested_at", DataTypes.TimestampType).add("run_id", DataTypes.StringType);

  public static final StructType RAW_POSITION = new StructType()
      .add("protocol", DataTypes.StringType).add("snapshot_date", DataTypes.DateType)
      .add("snapshot_block", DataTypes.LongType).add("snapshot_timestamp", DataTypes.TimestampType)
      .add("position_id", DataTypes.StringType).add("payload", DataTypes.StringType).add("request", DataTypes.StringType)
      .add("ingested_at", DataTypes.TimestampType).add("run_id", DataTypes.StringType);

  public static final StructType RAW_EVENT = new StructType()
      .add("block_date", DataTypes.DateType).add("block_number", DataTypes.LongType).add("log_index", DataTypes.IntegerType)
      .add("transaction_hash", DataTypes.StringType).add("protocol_name", DataTypes.StringType)
      .add("contract_version", DataTypes.StringType).add("payload", DataTypes.StringType).add("request", DataTypes.StringType)
      .add("ingested_at", DataTypes.TimestampType).add("run_id", DataTypes.StringType);

  public static String json(Map<String, Object> payload) {
    try {
      return JSON.writeValueAsString(payload);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A subgraph market as the Messari lending schema returns it. */
  public static Map<String, Object> market(String id, String name, String token, String symbol, int decimals,
                                           String liquidationThreshold, String maximumLtv, String priceUsd) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("name", name);
    m.put("liquidationThreshold", liquidationThreshold);
    m.put("maximumLTV", maximumLtv);
    m.put("inputToken", new LinkedHashMap<>(Map.of("id", token, "symbol", symbol, "decimals", decimals)));
    m.put("inputTokenPriceUSD", priceUsd);
    return m;
  }

  public static List<Map<String, Object>> aaveV2Markets() {
    return List.of(
        market(A_USDC, "Aave interest bearing USDC", USDC, "USDC", 6, "87.5", "80", "1.00012345"),
        market(A_WBTC, "Aave interest bearing WBTC", WBTC, "WBTC", 8, "75", "70", "44187.123456789012345678"),
        market(A_WETH, "Aave interest bearing WETH", WETH, "WETH", 18, "86", "82.5", "2352.98"));
  }

  public static Row rawMarket(String protocol, LocalDate snapshotDate, Map<String, Object> payload) {
    return rawMarket(protocol, snapshotDate, SNAPSHOT_BLOCK, (String) payload.get("id"), json(payload));
  }

  public static Row rawMarket(String protocol, LocalDate snapshotDate, long block, String marketId, String payload) {
    return RowFactory.create(protocol, Date.valueOf(snapshotDate), block, Timestamp.from(SNAPSHOT_TIME), marketId, payload,
        "{\"source\":\"the_graph\"}", Timestamp.from(SNAPSHOT_TIME), "raw-run");
  }

  /** A subgraph position (current schema: LENDER/BORROWER plus isCollateral). */
  public static Map<String, Object> position(String id, String account, String market, String side, Boolean isCollateral,
                                             String balance) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("id", id);
    p.put("account", Map.of("id", account));
    p.put("market", Map.of("id", market));
    p.put("side", side);
    p.put("isCollateral", isCollateral);
    p.put("balance", balance);
    return p;
  }

  public static Row rawPosition(String protocol, LocalDate snapshotDate, Map<String, Object> payload) {
    return rawPosition(protocol, snapshotDate, (String) payload.get("id"), json(payload));
  }

  public static Row rawPosition(String protocol, LocalDate snapshotDate, String positionId, String payload) {
    return RowFactory.create(protocol, Date.valueOf(snapshotDate), SNAPSHOT_BLOCK, Timestamp.from(SNAPSHOT_TIME), positionId,
        payload, "{\"source\":\"the_graph\"}", Timestamp.from(SNAPSHOT_TIME), "raw-run");
  }

  /** A Transpose ethereum.lending_events row on Aave v2. */
  public static Map<String, Object> event(String category, String txHash, int logIndex, String timestamp, String token,
                                          Object quantity) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("timestamp", timestamp);
    e.put("block_number", 18905000L);
    e.put("log_index", logIndex);
    e.put("transaction_hash", txHash);
    e.put("protocol_name", "aave");
    e.put("contract_version", "v2");
    e.put("market_address", "0x7d2768dE32b0b80b7a3454c06BdAc94A69DDc7A9");
    e.put("token_address", token);
    e.put("category", category);
    e.put("account_address", WALLET);
    e.put("sender_address", WALLET);
    e.put("quantity", quantity);
    return e;
  }

  public static Map<String, Object> with(Map<String, Object> payload, String key, Object value) {
    Map<String, Object> copy = new LinkedHashMap<>(payload);
    if (value == null) {
      copy.remove(key);
    } else {
      copy.put(key, value);
    }
    return copy;
  }

  /** The raw row as the raw job stores it: key columns extracted leniently from the payload. */
  public static Row rawEvent(LocalDate blockDate, Map<String, Object> payload) {
    Object block = payload.get("block_number");
    Object logIndex = payload.get("log_index");
    return RowFactory.create(Date.valueOf(blockDate), block instanceof Number n ? n.longValue() : null,
        logIndex instanceof Number n ? n.intValue() : null, payload.get("transaction_hash"), payload.get("protocol_name"),
        payload.get("contract_version"), json(payload), "{\"source\":\"transpose\"}",
        Timestamp.from(Instant.parse("2024-01-02T01:00:00Z")), "raw-run");
  }

  public static Row rawEventWithPayload(LocalDate blockDate, String txHash, int logIndex, String payload) {
    return RowFactory.create(Date.valueOf(blockDate), null, logIndex, txHash, "aave", "v2", payload,
        "{\"source\":\"transpose\"}", Timestamp.from(Instant.parse("2024-01-02T01:00:00Z")), "raw-run");
  }

  public static String tx(int n) {
    return "0x" + "%064x".formatted(n).replace(' ', '0');
  }

  public static Dataset<Row> frame(SparkSession spark, StructType schema, List<Row> rows) {
    return spark.createDataFrame(new ArrayList<>(rows), schema);
  }
}
