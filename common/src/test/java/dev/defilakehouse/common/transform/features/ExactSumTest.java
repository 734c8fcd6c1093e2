package dev.defilakehouse.common.transform.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.defilakehouse.common.testing.SparkTestSession;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.RelationalGroupedDataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class ExactSumTest {
  private static final StructType VALUES = new StructType()
      .add("g", DataTypes.IntegerType, false).add("x", DataTypes.DoubleType);

  private final SparkSession spark = SparkTestSession.get();

  @Test
  void decimalsAddUpWithoutTheDoubleRoundingOfPointOneAndPointTwo() {
    assertEquals(new BigDecimal("0.300000000000000000"), total(values(0.1, 0.2)));
    assertEquals(new BigDecimal("-2.250000000000000000"), total(values(-2.5, 0.25)));
  }

  @Test
  void summingAllAtOnceEqualsSummingGroupsAndAddingTheirDecimals() {
    double[] xs = {1e-12, 123456.789, 1.0 / 3, 7e17, -2.5, 1e-18, 0.9999999999999999, 42.000000000000014,
        5e-7, 0.9999999999999999, 0.9999999999999999, 999.9999999999999, 3.141592653589793};
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < xs.length; i++) {
      rows.add(RowFactory.create(i % 4, xs[i]));
    }
    Dataset<Row> data = spark.createDataFrame(rows, VALUES);

    BigDecimal atOnce = total(data);
    BigDecimal byGroup = BigDecimal.ZERO;
    for (Row group : agg(withParts(data).groupBy("g"), ExactSum.sums("x", "s"))
        .select(ExactSum.toDecimal("s").as("d")).collectAsList()) {
      byGroup = byGroup.add(group.getDecimal(0));
    }
    assertEquals(atOnce, byGroup);

    BigDecimal exact = BigDecimal.ZERO;
    for (double x : xs) {
      exact = exact.add(new BigDecimal(x));
    }
    // each value is mapped to 18 decimals within ~1e-16 of itself, so the total is off by far less than 1e-9
    assertTrue(atOnce.subtract(exact).abs().compareTo(exact.abs().multiply(new BigDecimal("1e-15"))) < 0,
        atOnce + " vs " + exact.round(MathContext.DECIMAL128));
  }

  @Test
  void partsMadeInsideATaskAreSparksPartsBitForBitAndTheirDoubleToo() {
    java.util.Random random = new java.util.Random(20261206);
    List<Double> xs = new ArrayList<>(List.of(0.0, -0.0, 1e-18, -1e-18, 0.9999999999999999, 1.0 / 3, -2.5, 7e17,
        -7e17, 1e6, Math.nextDown(1e18), 5e-324));
    for (int i = 0; i < 2000; i++) {
      xs.add((random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(36) - 18));
    }
    List<Row> fromSpark = withParts(values(xs.stream().mapToDouble(Double::doubleValue).toArray()))
        .select(col("x"), col("x_whole"), col("x_nano"), col("x_atto"), ExactSum.toDouble("x")).collectAsList();
    for (Row row : fromSpark) {
      long[] parts = ExactSum.partsOf(row.getDouble(0), "x");
      assertEquals(List.of(row.getLong(1), row.getLong(2), row.getLong(3)), List.of(parts[0], parts[1], parts[2]),
          "parts of " + row.getDouble(0));
      assertEquals(Double.doubleToRawLongBits(row.getDouble(4)), Double.doubleToRawLongBits(ExactSum.toDouble(parts)),
          "double of the parts of " + row.getDouble(0));
    }
    for (double refused : new double[] {1e18, -1e18, Double.NaN, Double.POSITIVE_INFINITY}) {
      Exception e = assertThrows(ArithmeticException.class, () -> ExactSum.partsOf(refused, "x"));
      assertTrue(e.getMessage().contains("cannot be summed exactly"), e.getMessage());
    }
  }

  @Test
  void slotsInsideATaskAreNullUntilAddedAddExactlyAndFailOnOverflow() {
    ExactSum.Slots sums = new ExactSum.Slots(2);
    sums.add(1, sums, 0); // a slot without a value adds nothing
    assertEquals(Arrays.asList(null, null, null), sums.boxed(1));
    sums.add(1, 1, 999_999_999, 999_999_999);
    sums.add(0, sums, 1);
    sums.add(1, sums, 1);
    assertEquals(List.of(1L, 999_999_999L, 999_999_999L), sums.boxed(0));
    assertEquals(List.of(2L, 1_999_999_998L, 1_999_999_998L), sums.boxed(1));
    sums.clear(0);
    assertEquals(Arrays.asList(null, null, null), sums.boxed(0));
    sums.add(0, Long.MAX_VALUE - 1, 0, 0);
    Exception e = assertThrows(ArithmeticException.class, () -> sums.add(0, 2, 0, 0));
    assertTrue(e.getMessage().contains("overflow"), e.getMessage());
  }

  @Test
  void carriesFromTheSmallPartsReachTheWholePart() {
    double[] xs = new double[3000];
    Arrays.fill(xs, 0.9999999999999999);
    BigDecimal sum = total(values(xs));
    BigDecimal exact = new BigDecimal(0.9999999999999999).multiply(BigDecimal.valueOf(xs.length));
    assertTrue(sum.subtract(exact).abs().compareTo(new BigDecimal("1e-12")) < 0, sum + " vs " + exact);
    assertEquals(18, sum.scale());
  }

  @Test
  void nullValuesAreSkippedAndOnlyNullsSumToNull() {
    Dataset<Row> data = spark.createDataFrame(List.of(RowFactory.create(0, null), RowFactory.create(0, 1.5),
        RowFactory.create(1, null)), VALUES);
    List<Column> aggregates = new ArrayList<>(List.of(count(ExactSum.any("x")).as("n")));
    aggregates.addAll(ExactSum.sums("x", "s"));
    List<Row> perGroup = agg(withParts(data).groupBy("g"), aggregates)
        .select(col("g"), col("n"), ExactSum.toDecimal("s").as("d")).orderBy("g").collectAsList();
    assertEquals(1L, perGroup.get(0).getLong(1));
    assertEquals(new BigDecimal("1.500000000000000000"), perGroup.get(0).getDecimal(2));
    assertEquals(0L, perGroup.get(1).getLong(1));
    assertNull(perGroup.get(1).get(2));
  }

  @Test
  void aValueTooLargeToSumExactlyFailsWithWhatToCheck() {
    Exception e = assertThrows(Exception.class, () -> total(values(1.0, 2e18)));
    assertTrue(e.getMessage().contains("cannot be summed exactly"), e.getMessage());
  }

  @Test
  void aSumBeyondWhatTheLongsHoldFailsInsteadOfWrappingAround() {
    double[] xs = new double[11];
    Arrays.fill(xs, 9e17);
    Exception e = assertThrows(Exception.class, () -> total(values(xs)));
    assertTrue(e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("overflow"), e.getMessage());
  }

  private Dataset<Row> values(double... xs) {
    List<Row> rows = new ArrayList<>();
    for (double x : xs) {
      rows.add(RowFactory.create(0, x));
    }
    return spark.createDataFrame(rows, VALUES);
  }

  private static BigDecimal total(Dataset<Row> data) {
    return agg(withParts(data).groupBy(), ExactSum.sums("x", "s"))
        .select(ExactSum.toDecimal("s")).first().getDecimal(0);
  }

  private static Dataset<Row> withParts(Dataset<Row> data) {
    List<Column> columns = new ArrayList<>(List.of(col("*")));
    columns.addAll(ExactSum.parts(col("x"), "x"));
    return data.select(columns.toArray(Column[]::new));
  }

  private static Dataset<Row> agg(RelationalGroupedDataset grouped, List<Column> aggregates) {
    return grouped.agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new));
  }
}
