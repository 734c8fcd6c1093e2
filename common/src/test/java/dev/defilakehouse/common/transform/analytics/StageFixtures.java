package dev.defilakehouse.common.transform.analytics;

import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructType;

/**
 * Stage-shaped rows (docs/tables.md) for analytics tests, built inline. Snapshots are taken at
 * 00:00:11 UTC of their day; block numbers are whatever the test says.
 */
public final class StageFixtures {
  public static final String WETH = TokenPrices.WETH;
  public static final String USDC = "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48";
  public static final String WBTC = "0x2260fac5e5542a773aa44fbcb7edd0c4e6f0d4c1";
  public static final String DAI = "0x6b175474e89094c44da98b954eedeac495271d0f";

  private static final DataType AMOUNT = new DecimalType(38, 18);
  private static final DataType RAW = new DecimalType(38, 0);

  public static final StructType MARKETS = new StructType()
      .add("protocol", DataTypes.StringType, false)
      .add("snapshot_date", DataTypes.DateType, false)
      .add("snapshot_block", DataTypes.LongType, false)
      .add("snapshot_timestamp", DataTypes.TimestampType)
      .add("market_id", DataTypes.StringType, false)
      .add("market_name", DataTypes.StringType)
      .add("token_address", DataTypes.StringType)
      .add("token_symbol", DataTypes.StringType)
      .add("token_decimals", DataTypes.IntegerType)
      .add("liquidation_threshold", DataTypes.DoubleType)
      .add("max_ltv", DataTypes.DoubleType)
      .add("input_token_price_usd", AMOUNT)
      .add("run_id", DataTypes.StringType);

  public static final StructType POSITIONS = new StructType()
      .add("protocol", DataTypes.StringType, false)
      .add("snapshot_date", DataTypes.DateType, false)
      .add("snapshot_block", DataTypes.LongType, false)
      .add("snapshot_timestamp", DataTypes.TimestampType)
      .add("position_id", DataTypes.StringType, false)
      .add("wallet_address", DataTypes.StringType)
      .add("market_id", DataTypes.StringType)
      .add("token_address", DataTypes.StringType)
      .add("token_decimals", DataTypes.IntegerType)
      .add("side", DataTypes.StringType)
      .add("is_collateral", DataTypes.BooleanType)
      .add("balance_raw", RAW)
      .add("balance", AMOUNT)
      .add("run_id", DataTypes.StringType);

  public static final StructType EVENTS = new StructType()
      .add("event_id", DataTypes.StringType, false)
      .add("protocol", DataTypes.StringType, false)
      .add("block_date", DataTypes.DateType)
      .add("block_number", DataTypes.LongType)
      .add("block_timestamp", DataTypes.TimestampType)
      .add("log_index", DataTypes.IntegerType)
      .add("transaction_hash", DataTypes.StringType)
      .add("market_address", DataTypes.StringType)
      .add("token_address", DataTypes.StringType)
      .add("token_symbol", DataTypes.StringType)
      .add("token_decimals", DataTypes.IntegerType)
      .add("category", DataTypes.StringType)
      .add("account_address", DataTypes.StringType)
      .add("sender_address", DataTypes.StringType)
      .add("quantity_raw", RAW)
      .add("quantity", AMOUNT)
      .add("run_id", DataTypes.StringType);

  public static final StructType LIQUIDATIONS = new StructType(List.of(EVENTS.fields()).subList(0, 16)
      .toArray(new org.apache.spark.sql.types.StructField[0]))
      .add("liquidator_address", DataTypes.StringType)
      .add("liquidated_token_address", DataTypes.StringType)
      .add("liquidated_token_decimals", DataTypes.IntegerType)
      .add("quantity_liquidated_raw", RAW)
      .add("quantity_liquidated", AMOUNT)
      .add("run_id", DataTypes.StringType);

  public static final StructType VALUED_POSITIONS = new StructType()
      .add("wallet_address", DataTypes.StringType)
      .add("protocol", DataTypes.StringType)
      .add("snapshot_date", DataTypes.DateType)
      .add("snapshot_block", DataTypes.LongType)
      .add("token_address", DataTypes.StringType)
      .add("side", DataTypes.StringType)
      .add("is_collateral", DataTypes.BooleanType)
      .add("amount", DataTypes.DoubleType)
      .add("price_eth", DataTypes.DoubleType)
      .add("liquidation_threshold", DataTypes.DoubleType)
      .add("max_ltv", DataTypes.DoubleType);

  private StageFixtures() {}

  public static Date date(String day) {
    return Date.valueOf(day);
  }

  /** The snapshot instant of a day: its first block, at 00:00:11 UTC. */
  public static Timestamp snapshotTime(String day) {
    return ts(day + "T00:00:11Z");
  }

  public static Timestamp ts(String instant) {
    return Timestamp.from(java.time.Instant.parse(instant));
  }

  public static Dataset<Row> frame(SparkSession spark, StructType schema, List<Row> rows) {
    return spark.createDataFrame(rows, schema);
  }

  public static Row market(String protocol, String day, long block, String marketId, String token, String symbol,
                           int decimals, double lt, double ltv, String priceUsd) {
    return RowFactory.create(protocol, date(day), block, snapshotTime(day), marketId, symbol + " market", token, symbol,
        decimals, lt, ltv, priceUsd == null ? null : new BigDecimal(priceUsd), "stage-run");
  }

  /** A position with {@code balanceRaw} base units of a token with {@code decimals} decimals. */
  public static Row position(String protocol, String day, long block, String positionId, String wallet, String marketId,
                             String token, int decimals, String side, boolean isCollateral, String balanceRaw) {
    BigDecimal raw = new BigDecimal(balanceRaw);
    return RowFactory.create(protocol, date(day), block, snapshotTime(day), positionId, wallet, marketId, token,
        decimals, side, isCollateral, raw, raw.movePointLeft(decimals).setScale(18), "stage-run");
  }

  /** A non-liquidation event of {@code quantity} whole tokens at {@code instant}. */
  public static Row event(String eventId, String protocol, String instant, String token, String quantity) {
    Timestamp at = ts(instant);
    return RowFactory.create(eventId, protocol, Date.valueOf(at.toInstant().toString().substring(0, 10)), 100L,
        at, 0, eventId.split(":")[0], "0xmarket", token, "TKN", 18, "deposit", "0xaccount", "0xsender",
        quantity == null ? null : new BigDecimal(quantity).movePointRight(18).setScale(0),
        quantity == null ? null : new BigDecimal(quantity).setScale(18), "stage-run");
  }

  /** A liquidation seizing {@code seized} of {@code collateralToken} for {@code repaid} of {@code debtToken}. */
  public static Row liquidation(String eventId, String protocol, String instant, String collateralToken, String seized,
                                String debtToken, String repaid) {
    Row base = event(eventId, protocol, instant, collateralToken, seized);
    Object[] values = new Object[LIQUIDATIONS.size()];
    for (int i = 0; i < 16; i++) {
      values[i] = base.get(i);
    }
    values[11] = "liquidation";
    values[16] = "0xliquidator";
    values[17] = debtToken;
    values[18] = 18;
    values[19] = new BigDecimal(repaid).movePointRight(18).setScale(0);
    values[20] = new BigDecimal(repaid).setScale(18);
    values[21] = "stage-run";
    return RowFactory.create(values);
  }

  public static Row valued(String wallet, String protocol, String day, String token, String side, boolean isCollateral,
                           Double amount, Double priceEth, Double lt, Double ltv) {
    return RowFactory.create(wallet, protocol, date(day), 1000L, token, side, isCollateral, amount, priceEth, lt, ltv);
  }
}
