package dev.defilakehouse.local.athena;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Query answers from Trino (JDBC) and Spark as rows of comparable values, and their differences:
 * integers as longs, decimals by value, dates as ISO days, doubles within a relative 1e-9 (the
 * engines sum in different orders).
 */
public final class QueryAnswers {
  static final double RELATIVE_TOLERANCE = 1e-9;

  private QueryAnswers() {}

  public static List<List<Object>> trino(Connection connection, String sql) throws SQLException {
    List<List<Object>> rows = new ArrayList<>();
    try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= columns; i++) {
          row.add(normalize(rs.getObject(i)));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  public static List<List<Object>> spark(SparkSession spark, String sql) {
    return rows(spark.sql(sql).collectAsList());
  }

  public static List<List<Object>> rows(List<Row> sparkRows) {
    List<List<Object>> rows = new ArrayList<>();
    for (Row r : sparkRows) {
      List<Object> row = new ArrayList<>();
      for (int i = 0; i < r.size(); i++) {
        row.add(normalize(r.get(i)));
      }
      rows.add(row);
    }
    return rows;
  }

  /** Where {@code trino} differs from {@code spark}, value by value; empty when they agree. */
  public static List<String> differences(List<List<Object>> spark, List<List<Object>> trino) {
    List<String> out = new ArrayList<>();
    if (spark.size() != trino.size()) {
      out.add("Spark returned " + spark.size() + " rows, Trino " + trino.size());
    }
    for (int r = 0; r < Math.min(spark.size(), trino.size()); r++) {
      List<Object> s = spark.get(r);
      List<Object> t = trino.get(r);
      if (s.size() != t.size()) {
        out.add("row " + r + ": Spark has " + s.size() + " columns, Trino " + t.size());
        continue;
      }
      for (int c = 0; c < s.size(); c++) {
        if (!same(s.get(c), t.get(c))) {
          out.add("row " + r + " column " + (c + 1) + ": Spark " + s.get(c) + ", Trino " + t.get(c));
        }
      }
    }
    return out;
  }

  static boolean same(Object a, Object b) {
    if (a instanceof Double x && b instanceof Double y) {
      if (x.equals(y)) {
        return true;
      }
      return Math.abs(x - y) <= RELATIVE_TOLERANCE * Math.max(Math.abs(x), Math.abs(y));
    }
    if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
      return x.compareTo(y) == 0;
    }
    return Objects.equals(a, b);
  }

  static Object normalize(Object v) {
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof Float f) {
      return f.doubleValue();
    }
    if (v instanceof java.sql.Date d) {
      return d.toLocalDate().toString();
    }
    if (v instanceof LocalDate d) {
      return d.toString();
    }
    return v;
  }
}
