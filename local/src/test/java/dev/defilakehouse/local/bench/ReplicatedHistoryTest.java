package dev.defilakehouse.local.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.defilakehouse.common.testing.SparkTestSession;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The bigger history the incremental benchmark builds from a smaller size's analytics rows. */
class ReplicatedHistoryTest {
  private static final StructType EVENTS = new StructType()
      .add("event_id", DataTypes.StringType, false)
      .add("block_date", DataTypes.DateType)
      .add("block_timestamp", DataTypes.TimestampType)
      .add("sender_address", DataTypes.StringType)
      .add("account_address", DataTypes.StringType)
      .add("token_address", DataTypes.StringType)
      .add("amount_eth", DataTypes.DoubleType);
  private static final String A = "0x00000000000000000000000000000000000000aa";
  private static final String B = "0x00000000000000000000000000000000000000bb";
  private static final String TOKEN = "0x1111111111111111111111111111111111111111";

  private final SparkSession spark = SparkTestSession.get();

  @Test
  void everyRowOncePerWalletAndHistoryCopyWithNewWalletsEarlierDaysAndUniqueIds() {
    Dataset<Row> events = spark.createDataFrame(List.of(
        RowFactory.create("tx1:0", Date.valueOf("2024-01-05"), Timestamp.from(Instant.parse("2024-01-05T13:00:01.5Z")),
            A, null, TOKEN, 1.5),
        RowFactory.create("tx2:3", Date.valueOf("2024-01-06"), Timestamp.from(Instant.parse("2024-01-06T00:00:00Z")),
            B, B, TOKEN, 2.0)), EVENTS);

    List<Row> rows = new ReplicatedHistory(3, 2, 10).replicate(events).collectAsList();

    assertEquals(12, rows.size());
    Set<String> ids = new HashSet<>();
    Set<String> senders = new HashSet<>();
    for (Row r : rows) {
      ids.add(r.getString(0));
      senders.add(r.getString(3));
      assertTrue(r.getString(3).matches("0x[0-9a-f]{40}"), r.getString(3));
      assertEquals(TOKEN, r.getString(5), "a token address is not a wallet: kept");
      LocalDate day = r.getDate(1).toLocalDate();
      Instant at = r.getTimestamp(2).toInstant();
      boolean fromA = r.getDouble(6) == 1.5;
      long back = java.time.temporal.ChronoUnit.DAYS.between(day, LocalDate.parse(fromA ? "2024-01-05" : "2024-01-06"));
      assertTrue(back == 0 || back == 10, "dates move back by whole periods: " + day);
      assertEquals(Instant.parse(fromA ? "2024-01-05T13:00:01.5Z" : "2024-01-06T00:00:00Z").minusSeconds(back * 86_400),
          at, "the timestamp moves with its date, to the microsecond");
      if (fromA) {
        assertNull(r.get(4), "a null wallet column stays null");
      } else {
        assertEquals(r.getString(3), r.getString(4), "the same wallet in two columns gets the same new address");
      }
    }
    assertEquals(12, ids.size(), "event ids are keys: every copy's are distinct");
    assertEquals(6, senders.size(), "2 wallets x 3 copies, each copy under its own address");
    assertTrue(senders.contains(A) && senders.contains(B), "the first copy keeps the original addresses");
  }

  @Test
  void refusesCopiesOrPeriodsBelowOne() {
    assertThrows(IllegalArgumentException.class, () -> new ReplicatedHistory(0, 2, 10));
    assertThrows(IllegalArgumentException.class, () -> new ReplicatedHistory(2, 2, 0));
  }
}
