package dev.defilakehouse.jobs.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/** Prints a query result as a plain-text table, the way a SQL shell would. */
public final class ResultTable {
  private ResultTable() {}

  public static void print(Dataset<Row> result, int maxRows, PrintStream out) {
    String[] names = result.columns();
    if (names.length == 0) {
      out.println("OK");
      return;
    }
    // Positional names first: a result may repeat a column name (select 1, 1).
    String[] positional = new String[names.length];
    Column[] asText = new Column[names.length];
    for (int i = 0; i < names.length; i++) {
      positional[i] = "c" + i;
      asText[i] = functions.col(positional[i]).cast("string");
    }
    List<Row> rows = result.toDF(positional).select(asText).limit(maxRows + 1).collectAsList();
    List<String[]> cells = new ArrayList<>();
    for (Row row : rows.subList(0, Math.min(rows.size(), maxRows))) {
      String[] line = new String[names.length];
      for (int i = 0; i < names.length; i++) {
        line[i] = row.isNullAt(i) ? "NULL" : row.getString(i).replace('\n', ' ');
      }
      cells.add(line);
    }
    int[] width = new int[names.length];
    for (int i = 0; i < names.length; i++) {
      width[i] = names[i].length();
      for (String[] line : cells) {
        width[i] = Math.max(width[i], line[i].length());
      }
    }
    String rule = rule(width);
    out.println(rule);
    out.println(line(names, width));
    out.println(rule);
    cells.forEach(line -> out.println(line(line, width)));
    out.println(rule);
    out.println(rows.size() > maxRows ? "(first " + maxRows + " rows shown)" : "(" + cells.size() + " rows)");
  }

  private static String rule(int[] width) {
    StringBuilder sb = new StringBuilder("+");
    for (int w : width) {
      sb.append("-".repeat(w + 2)).append('+');
    }
    return sb.toString();
  }

  private static String line(String[] values, int[] width) {
    StringBuilder sb = new StringBuilder("|");
    for (int i = 0; i < values.length; i++) {
      sb.append(' ').append(values[i]).append(" ".repeat(width[i] - values[i].length())).append(" |");
    }
    return sb.toString();
  }
}
