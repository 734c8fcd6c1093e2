package dev.defilakehouse.common.transform.features;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Hand-built analytics rows in the column contract of docs/tables.md: a few wallets, a few days,
 * all five event kinds, two protocols. The worked-out feature values live in the tests.
 */
public final class FeatureFixtures {
  public static final String A = "0x00000000000000000000000000000000000000aa";
  public static final String B = "0x00000000000000000000000000000000000000bb";
  public static final String C = "0x00000000000000000000000000000000000000cc";
  public static final String D = "0x00000000000000000000000000000000000000dd";
  public static final String E = "0x00000000000000000000000000000000000000ee";
  /** Liquidates A: the sender of liquidation events, never a feature row of its own. */
  public static final String LIQUIDATOR = "0x000000000000000000000000000000000000001f";
  /** Deposits exactly at 2024-01-04 00:00: absent as of 2024-01-04. */
  public static final String F = "0x00000000000000000000000000000000000000ff";
  /** Holds a position only on 2024-01-05: absent as of 2024-01-04. */
  public static final String G = "0x0000000000000000000000000000000000000099";

  public static final LocalDate T = LocalDate.parse("2024-01-04");
  public static final double AT_THRESHOLD = 1.0 / 1.2;
  public static final double JUST_ABOVE = Math.nextUp(1.0 / 1.2);

  public static final StructType EVENT_SCHEMA = new StructType()
      .add("event_id", DataTypes.StringType, false)
      .add("protocol", DataTypes.StringType, false)
      .add("block_date", DataTypes.DateType, false)
      .add("block_timestamp", DataTypes.TimestampType)
      .add("category", DataTypes.StringType)
      .add("sender_address", DataTypes.StringType)
      .add("account_address", DataTypes.StringType)
      .add("amount_eth", DataTypes.DoubleType)
      .add("amount_liquidated_eth", DataTypes.DoubleType);

  public static final StructType HEALTH_SCHEMA = new StructType()
      .add("wallet_address", DataTypes.StringType, false)
      .add("protocol", DataTypes.StringType, false)
      .add("snapshot_date", DataTypes.DateType, false)
      .add("snapshot_block", DataTypes.LongType)
      .add("collateral_eth", DataTypes.DoubleType)
      .add("collateral_x_lt_eth", DataTypes.DoubleType)
      .add("collateral_x_ltv_eth", DataTypes.DoubleType)
      .add("borrow_eth", DataTypes.DoubleType)
      .add("available_borrows_eth", DataTypes.DoubleType)
      .add("health_factor", DataTypes.DoubleType)
      .add("risk_factor", DataTypes.DoubleType)
      .add("unpriced_positions", DataTypes.IntegerType);

  private FeatureFixtures() {}

  public static WalletFeatures.Inputs inputs(SparkSession spark) {
    return new WalletFeatures.Inputs(deposits(spark), withdraws(spark), borrows(spark), repays(spark),
        liquidations(spark), health(spark));
  }

  public static Dataset<Row> deposits(SparkSession spark) {
    return events(spark, "deposit",
        ev("0xd1:0", "aave_v2", "2024-01-01T00:00:00Z", A, A, 10.0),
        ev("0xd2:0", "compound_v2", "2024-01-02T06:00:00Z", A, A, 5.0),
        ev("0xd3:0", "compound_v2", "2024-01-02T00:00:00Z", B, B, 2.0),
        ev("0xd4:0", "aave_v2", "2024-01-04T00:00:00Z", F, F, 9.0));
  }

  public static Dataset<Row> withdraws(SparkSession spark) {
    return events(spark, "withdraw",
        ev("0xw1:0", "aave_v2", "2024-01-03T08:00:00Z", A, A, 2.0),
        ev("0xw2:0", "compound_v2", "2024-01-03T00:00:00Z", B, B, 3.0),
        ev("0xw3:0", "compound_v2", "2024-01-03T01:00:00Z", B, B, null));
  }

  public static Dataset<Row> borrows(SparkSession spark) {
    return events(spark, "borrow",
        ev("0xe1:0", "aave_v2", "2024-01-02T10:00:00Z", A, A, 3.0),
        ev("0xe1:0", "aave_v2", "2024-01-02T10:00:00Z", A, A, 3.0), // the same event twice
        ev("0xe2:0", "compound_v2", "2024-01-03T12:00:00Z", A, A, 2.0),
        ev("0xe3:0", "aave_v2", "2024-01-03T13:00:00Z", A, A, null),
        ev("0xe4:0", "aave_v2", "2024-01-04T00:00:00Z", A, A, 50.0), // at T: not yet known
        ev("0xb5:0", "compound_v2", "2024-01-02T01:00:00Z", B, B, 1.0),
        ev("0xb6:0", "aave_v2", "2024-01-01T12:00:00Z", C, C, null));
  }

  public static Dataset<Row> repays(SparkSession spark) {
    return events(spark, "repay",
        ev("0xr1:0", "aave_v2", "2024-01-03T15:00:00Z", A, A, 1.0),
        ev("0xr3:0", "compound_v2", "2024-01-02T02:00:00Z", B, B, 1.5),
        ev("0xr4:0", "compound_v2", "2024-01-02T03:00:00Z", B, B, null));
  }

  /** amount_eth = collateral seized; amount_liquidated_eth = debt repaid (never summed). */
  public static Dataset<Row> liquidations(SparkSession spark) {
    return events(spark, "liquidation",
        liq("0xl1:0", "aave_v2", "2024-01-03T20:00:00Z", A, 1.2, 1.0),
        liq("0xl2:0", "compound_v2", "2024-01-02T20:00:00Z", A, 0.8, 0.7),
        liq("0xl3:0", "aave_v2", "2024-01-02T00:00:00Z", C, null, 0.5),
        liq("0xl4:0", "aave_v2", "2024-01-05T00:00:00Z", A, 40.0, 30.0)); // after T
  }

  public static Dataset<Row> health(SparkSession spark) {
    List<Row> rows = new ArrayList<>();
    // wallet, protocol, date, collateral, borrow, available, risk factor
    rows.add(hr(A, "aave_v2", "2024-01-02", 10, 4, 4, 0.5));
    rows.add(hr(A, "compound_v2", "2024-01-02", 5, 2, 1, 0.6));
    rows.add(hr(A, "aave_v2", "2024-01-03", 10, 6, 2, 0.75));
    rows.add(hr(A, "compound_v2", "2024-01-03", 4, 3, 0, 0.9));
    rows.add(hr(A, "aave_v2", "2024-01-04", 8, 6, 0, 0.95));
    rows.add(hr(A, "aave_v2", "2024-01-05", 100, 100, 0, 5.0)); // after T
    rows.add(hr(B, "compound_v2", "2024-01-03", 2, 0, 1.5, 0.0));
    rows.add(hr(B, "compound_v2", "2024-01-04", 2, 0, 1.5, 0.0));
    rows.add(hr(D, "aave_v2", "2024-01-02", 0, 1, 0, 1e6)); // debt without collateral
    rows.add(hr(E, "aave_v2", "2024-01-02", 12, 10, 0, AT_THRESHOLD));
    rows.add(hr(E, "aave_v2", "2024-01-03", 12, 10, 0, JUST_ABOVE));
    rows.add(hr(E, "aave_v2", "2024-01-04", 20, 5, 5, 0.5));
    rows.add(hr(E, "compound_v2", "2024-01-04", 1, 0.5, 0, AT_THRESHOLD));
    rows.add(hr(G, "aave_v2", "2024-01-05", 1, 0, 0.5, 0.0)); // only after T
    return spark.createDataFrame(rows, HEALTH_SCHEMA);
  }

  public static Row hr(String wallet, String protocol, String date, double collateral, double borrow,
                       double available, double riskFactor) {
    Double health = borrow == 0 ? null : 1 / riskFactor;
    return RowFactory.create(wallet, protocol, Date.valueOf(date), 1000L, collateral, collateral * 0.8,
        collateral * 0.7, borrow, available, health, riskFactor, 0);
  }

  public static Object[] ev(String id, String protocol, String at, String sender, String account, Double amountEth) {
    return new Object[] {id, protocol, at, sender, account, amountEth, null};
  }

  private static Object[] liq(String id, String protocol, String at, String account, Double seized, Double repaid) {
    return new Object[] {id, protocol, at, LIQUIDATOR, account, seized, repaid};
  }

  public static Dataset<Row> events(SparkSession spark, String category, Object[]... events) {
    List<Row> rows = new ArrayList<>();
    for (Object[] e : events) {
      Instant at = Instant.parse((String) e[2]);
      rows.add(RowFactory.create(e[0], e[1], Date.valueOf(at.toString().substring(0, 10)), Timestamp.from(at),
          category, e[3], e[4], e[5], e[6]));
    }
    return spark.createDataFrame(rows, EVENT_SCHEMA);
  }
}
