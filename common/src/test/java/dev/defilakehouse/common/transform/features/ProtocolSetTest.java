package dev.defilakehouse.common.transform.features;

import static org.apache.spark.sql.functions.bit_or;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.defilakehouse.common.testing.SparkTestSession;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class ProtocolSetTest {
  private static final StructType ROWS = new StructType()
      .add("wallet", DataTypes.StringType, false).add("protocol", DataTypes.StringType);

  private final SparkSession spark = SparkTestSession.get();

  @Test
  void theUnionPerGroupIsTheSortedDistinctNamesAndNullsAddNothing() {
    Dataset<Row> rows = rows("a", "compound_v2", "a", "aave_v2", "a", "compound_v2", "b", null, "c", "aave_v3");
    Map<String, List<String>> sets = namesOf(rows.groupBy("wallet").agg(ProtocolSet.union(col("protocol")).as("m")));
    assertEquals(Map.of("a", List.of("aave_v2", "compound_v2"), "b", List.of(), "c", List.of("aave_v3")), sets);
  }

  @Test
  void masksOfStoredSetsUniteLikeTheNamesDo() {
    // What a merge does: the states' arrays back to masks, or-ed, back to names.
    Dataset<Row> stored = spark.sql("SELECT * FROM VALUES ('a', array('aave_v3')), ('a', array('aave_v2', 'aave_v3')),"
        + " ('b', array()), ('b', CAST(NULL AS array<string>)) AS t(wallet, names)");
    Map<String, List<String>> sets = namesOf(stored.groupBy("wallet")
        .agg(bit_or(ProtocolSet.mask(col("names"))).as("m")));
    assertEquals(Map.of("a", List.of("aave_v2", "aave_v3"), "b", List.of()), sets);
  }

  @Test
  void aProtocolOutsideTheKnownOnesFailsInsteadOfDisappearingFromTheSet() {
    Dataset<Row> rows = rows("a", "aave_v2", "a", "morpho_v1");
    Exception e = assertThrows(Exception.class,
        () -> rows.groupBy("wallet").agg(ProtocolSet.union(col("protocol")).as("m")).collectAsList());
    assertTrue(e.getMessage().contains("aave_v2, aave_v3, compound_v2"), e.getMessage());
  }

  private Dataset<Row> rows(String... walletThenProtocol) {
    List<Row> rows = new java.util.ArrayList<>();
    for (int i = 0; i < walletThenProtocol.length; i += 2) {
      rows.add(RowFactory.create(walletThenProtocol[i], walletThenProtocol[i + 1]));
    }
    return spark.createDataFrame(rows, ROWS);
  }

  private static Map<String, List<String>> namesOf(Dataset<Row> masks) {
    Map<String, List<String>> out = new TreeMap<>();
    for (Row r : masks.select(col("wallet"), ProtocolSet.names(col("m")).as("names")).collectAsList()) {
      out.put(r.getString(0), Arrays.asList(r.<String>getList(1).toArray(String[]::new)));
    }
    return out;
  }
}
