package dev.defilakehouse.local.reliability;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Content checksums of a table's rows, leaving out what each run stamps on its own (run ids,
 * ingestion and computation times), so two runs that wrote the same data compare equal.
 */
final class TableChecksums {
  static final List<String> RUN_METADATA = List.of("run_id", "ingested_at", "computed_at", "quarantined_at",
      "checked_at");

  private TableChecksums() {}

  /** SHA-256 over the sorted JSON rows; also the row count, so a mismatch message says something. */
  static String of(Dataset<Row> rows) {
    List<String> json = withoutRunMetadata(rows).toJSON().collectAsList().stream().sorted().toList();
    return json.size() + " rows, sha256 " + sha256(String.join("\n", json));
  }

  /** {@link #of} per value of {@code column} (a partition date). */
  static Map<String, String> byPartition(Dataset<Row> rows, String column) {
    Map<String, String> out = new TreeMap<>();
    for (Row value : rows.select(column).distinct().collectAsList()) {
      String v = String.valueOf(value.get(0));
      out.put(v, of(rows.where(rows.col(column).equalTo(value.get(0)))));
    }
    return out;
  }

  static Dataset<Row> withoutRunMetadata(Dataset<Row> rows) {
    String[] drop = Arrays.stream(rows.columns()).filter(RUN_METADATA::contains).toArray(String[]::new);
    return rows.drop(drop);
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
