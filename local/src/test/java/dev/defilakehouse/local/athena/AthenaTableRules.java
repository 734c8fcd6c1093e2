package dev.defilakehouse.local.athena;

import dev.defilakehouse.common.catalog.TableSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * What a Delta table must look like for Athena engine v3 to read it natively, checked from the
 * table's protocol, metadata and schema (Spark's {@code DESCRIBE DETAIL}). Each problem names the
 * table, what is wrong and what to do.
 */
public final class AthenaTableRules {
  /** Athena v3 reads Delta reader version 1 tables; versions 2 and 3 carry the features below. */
  static final int MAX_READER_VERSION = 1;
  /** Table features Athena engine v3 cannot read, with what they are. */
  static final Map<String, String> UNREADABLE_FEATURES = Map.of(
      "deletionVectors", "deletion vectors",
      "columnMapping", "column mapping",
      "timestampNtz", "timestamp without time zone columns",
      "v2Checkpoint", "v2 checkpoints",
      "typeWidening", "type widening",
      "typeWidening-preview", "type widening",
      "variantType", "variant columns",
      "variantType-preview", "variant columns");
  /** Writer-only features: they constrain writers, readers ignore them. */
  static final Set<String> WRITER_ONLY_FEATURES = Set.of(
      "appendOnly", "invariants", "checkConstraints", "changeDataFeed", "generatedColumns",
      "identityColumns", "domainMetadata", "rowTracking", "inCommitTimestamp", "vacuumProtocolCheck");

  private AthenaTableRules() {}

  /** Problems of the Delta table at {@code location}; empty when Athena v3 reads it natively. */
  public static List<String> problems(SparkSession spark, TableSpec table, String location) {
    Row detail = spark.sql("DESCRIBE DETAIL delta.`" + location.replace("`", "``") + "`").head();
    List<String> problems = new ArrayList<>();
    String id = table.id();
    int reader = detail.getInt(detail.fieldIndex("minReaderVersion"));
    int writer = detail.getInt(detail.fieldIndex("minWriterVersion"));
    List<String> features = detail.schema().getFieldIndex("tableFeatures").isDefined()
        ? CollectionConverters.asJava(detail.<String>getSeq(detail.fieldIndex("tableFeatures"))) : List.of();
    for (String feature : features) {
      if (UNREADABLE_FEATURES.containsKey(feature)) {
        problems.add(id + ": table feature " + feature + " (" + UNREADABLE_FEATURES.get(feature)
            + ") is not readable by Athena engine v3; rewrite the table without it (LakehouseTables creates"
            + " tables with delta.enableDeletionVectors=false and no column mapping)");
      } else if (!WRITER_ONLY_FEATURES.contains(feature)) {
        problems.add(id + ": table feature " + feature + " is not known to be readable by Athena engine v3;"
            + " check the Athena Delta Lake documentation before using it");
      }
    }
    if (reader > MAX_READER_VERSION && features.stream().noneMatch(UNREADABLE_FEATURES::containsKey)) {
      problems.add(id + ": minReaderVersion " + reader + " (writer " + writer + ") is above " + MAX_READER_VERSION
          + ", the reader protocol Athena engine v3 reads without features");
    }
    Map<String, String> properties = CollectionConverters.asJava(detail.<String, String>getMap(detail.fieldIndex("properties")));
    String mapping = properties.getOrDefault("delta.columnMapping.mode", "none");
    if (!mapping.equals("none") && !features.contains("columnMapping")) {
      problems.add(id + ": delta.columnMapping.mode=" + mapping + " is not readable by Athena engine v3");
    }
    StructType schema = spark.read().format("delta").load(location).schema();
    for (StructField field : schema.fields()) {
      checkColumn(id, field.name(), field.dataType(), problems);
    }
    List<String> partitionColumns = CollectionConverters.asJava(detail.<String>getSeq(detail.fieldIndex("partitionColumns")));
    for (String column : partitionColumns) {
      DataType type = schema.apply(column).dataType();
      if (!(type instanceof DateType || type instanceof StringType || type instanceof IntegerType)) {
        problems.add(id + ": partition column " + column + " is " + type.sql()
            + "; partition by a date, string or int column so Athena can prune partitions");
      }
    }
    if (!partitionColumns.equals(table.partitionBy())) {
      problems.add(id + ": partitioned by " + partitionColumns + " but the catalog (and the Glue table) says "
          + table.partitionBy() + "; rewrite the table with the catalog's partitioning");
    }
    return problems;
  }

  private static void checkColumn(String table, String path, DataType type, List<String> problems) {
    String leaf = path.substring(path.lastIndexOf('.') + 1);
    if (!leaf.equals(leaf.toLowerCase(Locale.ROOT))) {
      problems.add(table + ": column " + path + " is not lowercase; Glue and Athena lowercase every name,"
          + " so rename it to " + leaf.toLowerCase(Locale.ROOT));
    }
    if (type instanceof StructType struct) {
      for (StructField f : struct.fields()) {
        checkColumn(table, path + "." + f.name(), f.dataType(), problems);
      }
    } else if (type instanceof ArrayType array) {
      checkColumn(table, path + ".element", array.elementType(), problems);
    } else if (type instanceof MapType map) {
      checkColumn(table, path + ".key", map.keyType(), problems);
      checkColumn(table, path + ".value", map.valueType(), problems);
    } else if (!isAthenaPrimitive(type)) {
      problems.add(table + ": column " + path + " has type " + type.sql() + ", which Athena engine v3 cannot read"
          + " from Delta; cast it to a supported type (string, bigint, int, double, decimal, boolean, date, timestamp)");
    }
  }

  private static boolean isAthenaPrimitive(DataType type) {
    return type instanceof StringType || type instanceof LongType || type instanceof IntegerType
        || type instanceof ShortType || type instanceof ByteType || type instanceof DoubleType
        || type instanceof FloatType || type instanceof DecimalType || type instanceof BooleanType
        || type instanceof DateType || type instanceof TimestampType || type instanceof BinaryType;
  }
}
