package dev.defilakehouse.jobs.stage;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Delta CHECK constraints for true invariants of a stage table, added once after the table exists
 * (Delta keeps them as {@code delta.constraints.<name>} properties, so a re-run adds nothing).
 */
final class CheckConstraints {
  private CheckConstraints() {}

  static void ensure(SparkSession spark, String location, Map<String, String> constraints) {
    if (constraints.isEmpty()) {
      return;
    }
    String table = "delta.`" + location.replace("`", "``") + "`";
    Set<String> existing = spark.sql("SHOW TBLPROPERTIES " + table).collectAsList().stream()
        .map(r -> r.getString(0)).filter(k -> k.startsWith("delta.constraints."))
        .collect(Collectors.toSet());
    constraints.forEach((name, condition) -> {
      if (!existing.contains("delta.constraints." + name.toLowerCase(Locale.ROOT))) {
        spark.sql("ALTER TABLE " + table + " ADD CONSTRAINT " + name + " CHECK (" + condition + ")");
      }
    });
  }

  /** The constraints present on a table: name to condition. */
  static Map<String, String> of(SparkSession spark, String location) {
    return spark.sql("SHOW TBLPROPERTIES delta.`" + location.replace("`", "``") + "`").collectAsList().stream()
        .filter(r -> r.getString(0).startsWith("delta.constraints."))
        .collect(Collectors.toMap(r -> r.getString(0).substring("delta.constraints.".length()), (Row r) -> r.getString(1)));
  }
}
