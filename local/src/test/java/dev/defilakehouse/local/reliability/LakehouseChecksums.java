package dev.defilakehouse.local.reliability;

import dev.defilakehouse.common.catalog.TableCatalog;
import dev.defilakehouse.common.catalog.TableSpec;
import io.delta.tables.DeltaTable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Content checksums of lakehouse tables, read by path: the rows (without the columns that say
 * which run wrote them and when) as JSON, sorted, hashed. Equal checksums mean equal tables.
 */
final class LakehouseChecksums {
  /** Columns that legitimately differ between two runs writing the same data. */
  static final Set<String> RUN_METADATA = Set.of("run_id", "ingested_at", "computed_at", "quarantined_at",
      "checked_at");
  /** The checksum of a table that does not exist (yet). */
  static final String ABSENT = "absent";

  private LakehouseChecksums() {}

  /** The checksum of {@code table} under {@code root} at its latest version, or {@link #ABSENT}. */
  static String of(SparkSession spark, String root, TableSpec table) {
    String location = table.location(root);
    if (!DeltaTable.isDeltaTable(spark, location)) {
      return ABSENT;
    }
    return of(spark.read().format("delta").load(location));
  }

  /** The checksum of {@code table} under {@code root} as of Delta version {@code version}. */
  static String atVersion(SparkSession spark, String root, TableSpec table, long version) {
    return of(spark.read().format("delta").option("versionAsOf", version).load(table.location(root)));
  }

  /** The latest Delta version of the table, or -1 when there is none. */
  static long version(SparkSession spark, String root, TableSpec table) {
    String location = table.location(root);
    if (!DeltaTable.isDeltaTable(spark, location)) {
      return -1;
    }
    return DeltaTable.forPath(spark, location).history(1).select("version").head().getLong(0);
  }

  /** Every catalog table's checksum by table id. */
  static Map<String, String> all(SparkSession spark, String root) {
    Map<String, String> sums = new TreeMap<>();
    for (TableSpec t : TableCatalog.get().tables()) {
      sums.put(t.id(), of(spark, root, t));
    }
    return sums;
  }

  /** Rows as sorted JSON (run metadata dropped, columns in name order), hashed; with the row count. */
  static String of(Dataset<Row> rows) {
    String[] columns = Arrays.stream(rows.columns()).filter(c -> !RUN_METADATA.contains(c)).sorted()
        .map(c -> "`" + c + "`").toArray(String[]::new);
    List<String> lines = rows.selectExpr("to_json(struct(" + String.join(", ", columns) + ")) AS row")
        .as(Encoders.STRING()).collectAsList().stream().sorted().toList();
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      lines.forEach(l -> digest.update((l + "\n").getBytes(StandardCharsets.UTF_8)));
      return lines.size() + " rows/" + HexFormat.of().formatHex(digest.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@link #of(Dataset)} per value of {@code column} (a partition date). */
  static Map<String, String> byPartition(Dataset<Row> rows, String column) {
    Map<String, String> out = new TreeMap<>();
    for (Row value : rows.select(column).distinct().collectAsList()) {
      out.put(String.valueOf(value.get(0)), of(rows.where(rows.col(column).equalTo(value.get(0)))));
    }
    return out;
  }

  /** The row count part of a checksum (0 for {@link #ABSENT}). */
  static long rows(String checksum) {
    return checksum.equals(ABSENT) ? 0 : Long.parseLong(checksum.substring(0, checksum.indexOf(' ')));
  }
}
