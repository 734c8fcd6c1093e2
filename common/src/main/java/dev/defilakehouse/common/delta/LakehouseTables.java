package dev.defilakehouse.common.delta;

import dev.defilakehouse.common.catalog.TableCatalog;
import dev.defilakehouse.common.catalog.TableSpec;
import dev.defilakehouse.common.config.BadArgumentException;
import dev.defilakehouse.common.config.Env;
import io.delta.tables.DeltaTable;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import scala.Option;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.catalog.CatalogTable;
import org.apache.spark.sql.catalyst.catalog.SessionCatalog;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads and idempotent writes of catalog tables at {@code <root>/<layer>/<table>}. Each write is a
 * single Delta commit, so a killed job leaves the table at its old or its new version; each
 * commit records the run id in the commit's userMetadata. Tables are created with the catalog's
 * partitioning and Athena-safe properties and registered by name on first write.
 */
public final class LakehouseTables {
  /** Delta properties every table gets: readable by Athena engine v3 and plain Delta 4.0. */
  public static final Map<String, String> TABLE_PROPERTIES = Map.of(
      "delta.enableDeletionVectors", "false",
      "delta.minReaderVersion", "1",
      "delta.minWriterVersion", "2");

  /** Catalog parameters Athena's native Delta reader needs on an entry (terraform/glue.tf sets the same). */
  public static final Map<String, String> CATALOG_PARAMETERS = Map.of("table_type", "DELTA");

  private final SparkSession spark;
  private final Env env;
  private final String root;
  private final String runId;
  private final TableCatalog catalog;
  private final boolean repointTables;
  private final boolean catalogOutlivesSession;

  /** Never re-points a name registered at another location (see {@link #ensureTable}). */
  public LakehouseTables(SparkSession spark, Env env, String root, String runId, TableCatalog catalog) {
    this(spark, env, root, runId, catalog, false);
  }

  /** {@code repointTables}: {@code --repoint-tables}, move names registered elsewhere to this root. */
  public LakehouseTables(SparkSession spark, Env env, String root, String runId, TableCatalog catalog,
                         boolean repointTables) {
    this(spark, env, root, runId, catalog, repointTables,
        !"in-memory".equals(spark.conf().get("spark.sql.catalogImplementation", "in-memory")));
  }

  /**
   * {@code catalogOutlivesSession}: false for a session's in-memory catalog, whose entries die with
   * it, so re-pointing one drops nothing anyone else sees (tests share one such session across many
   * temp roots). Hive metastores and Glue outlive it.
   */
  LakehouseTables(SparkSession spark, Env env, String root, String runId, TableCatalog catalog,
                  boolean repointTables, boolean catalogOutlivesSession) {
    this.spark = spark;
    this.env = env;
    this.root = root;
    this.runId = runId;
    this.catalog = catalog;
    this.repointTables = repointTables;
    this.catalogOutlivesSession = catalogOutlivesSession;
  }

  public TableCatalog catalog() {
    return catalog;
  }

  public String location(TableSpec table) {
    return table.location(root);
  }

  public boolean exists(TableSpec table) {
    return DeltaTable.isDeltaTable(spark, location(table));
  }

  /** The table's rows; fails with a message naming the job to run when it was never written. */
  public Dataset<Row> read(TableSpec table) {
    if (!exists(table)) {
      throw new IllegalStateException("table " + table.qualifiedName(env) + " does not exist yet at "
          + location(table) + ": run the job that writes it first");
    }
    return spark.read().format("delta").load(location(table));
  }

  /** Like {@link #read} but an empty result of {@code schema} when the table does not exist yet. */
  public Dataset<Row> readOrEmpty(TableSpec table, StructType schema) {
    return exists(table) ? read(table) : spark.createDataFrame(List.of(), schema);
  }

  /**
   * Replaces exactly the rows matching {@code predicate} with {@code rows} in one commit (Delta
   * replaceWhere; every written row must match the predicate). Returns the version written.
   */
  public long replaceWhere(TableSpec table, Dataset<Row> rows, String predicate) {
    ensureTable(table, rows.schema());
    withCommitMetadata("replaceWhere " + predicate, () -> byPartition(table, rows).write().format("delta").mode("overwrite")
        .option("replaceWhere", predicate)
        .option("userMetadata", commitMetadata("replaceWhere " + predicate))
        .save(location(table)));
    return latestVersion(table);
  }

  /** Replaces the whole table in one commit. */
  public long overwrite(TableSpec table, Dataset<Row> rows) {
    ensureTable(table, rows.schema());
    byPartition(table, rows).write().format("delta").mode("overwrite")
        .option("userMetadata", commitMetadata("overwrite"))
        .save(location(table));
    return latestVersion(table);
  }

  /** MERGE on the table's keys: matching rows are updated, new rows inserted. */
  public long upsert(TableSpec table, Dataset<Row> rows) {
    ensureTable(table, rows.schema());
    withCommitMetadata("upsert", () -> DeltaTable.forPath(spark, location(table)).as("t")
        .merge(rows.as("s"), keyCondition(table))
        .whenMatched().updateAll()
        .whenNotMatched().insertAll()
        .execute());
    return latestVersion(table);
  }

  /** MERGE on the table's keys inserting only rows whose key is absent. */
  public long insertIfAbsent(TableSpec table, Dataset<Row> rows) {
    ensureTable(table, rows.schema());
    withCommitMetadata("insertIfAbsent", () -> DeltaTable.forPath(spark, location(table)).as("t")
        .merge(rows.as("s"), keyCondition(table))
        .whenNotMatched().insertAll()
        .execute());
    return latestVersion(table);
  }

  /**
   * Rows of one table partition in one write task, so a day becomes one file rather than one per
   * shuffle partition (the benchmark's S run wrote 4,842 files for 190 MiB before this).
   */
  private static Dataset<Row> byPartition(TableSpec table, Dataset<Row> rows) {
    if (!table.isPartitioned()) {
      return rows;
    }
    return rows.repartition(table.partitionBy().stream().map(org.apache.spark.sql.functions::col)
        .toArray(org.apache.spark.sql.Column[]::new));
  }

  public long latestVersion(TableSpec table) {
    return DeltaTable.forPath(spark, location(table)).history(1).select("version").head().getLong(0);
  }

  /**
   * Creates the table at its location with the catalog's partitioning and properties if it is
   * missing, and makes {@code db_<layer>_<env>.<table>} point at that location. A name already
   * registered at another location fails the run before anything is written (a wrong
   * {@code --lakehouse-root} would otherwise re-point production tables), unless the run was asked
   * to re-point ({@code --repoint-tables}).
   */
  public void ensureTable(TableSpec table, StructType schema) {
    spark.sql("CREATE DATABASE IF NOT EXISTS " + table.database(env));
    SessionCatalog sessionCatalog = ((org.apache.spark.sql.classic.SparkSession) spark).sessionState().catalog();
    TableIdentifier id = new TableIdentifier(table.name(), Option.apply(table.database(env)));
    // a failing lookup fails the run: guessing "not registered" here could drop a good entry
    CatalogTable registered = sessionCatalog.tableExists(id) ? entry(sessionCatalog, id) : null;
    if (registered != null && !sameLocation(registered.location().toString(), location(table))) {
      refuseUnlessRepointing(table, registered);
    }
    if (!exists(table)) {
      // Created by path: the name may still point at another root (a shared test session, a moved
      // lakehouse), and CREATE TABLE <name> would then silently do nothing.
      String partitioned = table.isPartitioned()
          ? " PARTITIONED BY (" + String.join(", ", table.partitionBy()) + ")" : "";
      String properties = TABLE_PROPERTIES.entrySet().stream()
          .map(e -> "'" + e.getKey() + "' = '" + e.getValue() + "'")
          .sorted().collect(Collectors.joining(", "));
      // Created by path: on AWS the Glue name is pre-registered by Terraform (location only), so a
      // CREATE by name would be a no-op and leave no Delta table at the location.
      spark.sql("CREATE TABLE IF NOT EXISTS delta.`" + location(table).replace("`", "``") + "` ("
          + ddl(schema, table) + ") USING delta" + partitioned + " TBLPROPERTIES (" + properties + ")");
    }
    register(table, sessionCatalog, id, registered);
  }

  private void refuseUnlessRepointing(TableSpec table, CatalogTable registered) {
    if (repointTables || !catalogOutlivesSession) {
      return;
    }
    throw new BadArgumentException(table.qualifiedName(env) + " is registered at " + registered.location()
        + ", not at " + location(table) + " where this run writes: is --lakehouse-root right for --env " + env.id()
        + "? Nothing was changed. To point the name at this root on purpose, re-run with --repoint-tables");
  }

  /**
   * Registers the name at this root's location if it is not already: an entry at another location
   * (allowed by {@link #refuseUnlessRepointing}) is dropped first; entries made here carry
   * {@link #CATALOG_PARAMETERS}. Works on the v1 session catalog's metadata: going through Spark's
   * catalog API or SQL would load the Delta table at the old location, which fails when that
   * location is gone.
   */
  private void register(TableSpec table, SessionCatalog sessionCatalog, TableIdentifier id, CatalogTable registered) {
    if (registered != null && sameLocation(registered.location().toString(), location(table))) {
      withCatalogParameters(sessionCatalog, registered);
      return;
    }
    if (registered != null) {
      // Tables are registered EXTERNAL (with a LOCATION): dropping the name leaves the data alone.
      sessionCatalog.dropTable(id, false, false);
    }
    spark.sql("CREATE TABLE " + table.qualifiedName(env) + " USING delta LOCATION '"
        + catalogLocation(table).replace("'", "\\'") + "'");
    withCatalogParameters(sessionCatalog, entry(sessionCatalog, id));
  }

  /** The entry of a name the catalog just said exists; any failure to read it fails the run. */
  private static CatalogTable entry(SessionCatalog sessionCatalog, TableIdentifier id) {
    try {
      return sessionCatalog.getTableRawMetadata(id);
    } catch (org.apache.spark.sql.AnalysisException e) { // Scala declares NoSuchTable/NoSuchNamespace
      throw new IllegalStateException("cannot read the catalog entry of " + id.unquotedString() + ": "
          + e.getMessage(), e);
    }
  }

  /** Where the catalog entry points: Athena reads only s3:// locations (as Terraform registers them). */
  private String catalogLocation(TableSpec table) {
    String location = location(table);
    return !env.isLocal() && location.startsWith("s3a://") ? "s3://" + location.substring("s3a://".length()) : location;
  }

  /** Adds the parameters Athena needs to an entry that lacks them (e.g. one made before they were set). */
  private static void withCatalogParameters(SessionCatalog sessionCatalog, CatalogTable entry) {
    Map<String, String> current = scala.jdk.javaapi.CollectionConverters.asJava(entry.properties());
    if (CATALOG_PARAMETERS.entrySet().stream().allMatch(p -> p.getValue().equals(current.get(p.getKey())))) {
      return;
    }
    Map<String, String> properties = new java.util.LinkedHashMap<>(current);
    properties.putAll(CATALOG_PARAMETERS);
    scala.collection.immutable.Map<String, String> merged = scala.collection.immutable.Map.from(
        scala.jdk.javaapi.CollectionConverters.asScala(properties));
    sessionCatalog.alterTable(entry.copy(entry.identifier(), entry.tableType(), entry.storage(), entry.schema(),
        entry.provider(), entry.partitionColumnNames(), entry.bucketSpec(), entry.owner(), entry.createTime(),
        entry.lastAccessTime(), entry.createVersion(), merged, entry.stats(), entry.viewText(), entry.comment(),
        entry.collation(), entry.unsupportedFeatures(), entry.tracksPartitionsInCatalog(), entry.schemaPreservesCase(),
        entry.ignoredProperties(), entry.viewOriginalText()));
  }

  private static boolean sameLocation(String registered, String ours) {
    if (registered == null) {
      return false;
    }
    java.net.URI a = new org.apache.hadoop.fs.Path(registered).toUri();
    java.net.URI b = new org.apache.hadoop.fs.Path(ours).toUri();
    String schemeA = scheme(a);
    String schemeB = scheme(b);
    return schemeA.equals(schemeB) && java.util.Objects.equals(a.getAuthority(), b.getAuthority())
        && a.getPath().replaceAll("/+$", "").equals(b.getPath().replaceAll("/+$", ""));
  }

  /** s3, s3a and s3n name the same bucket: Terraform registers s3:// (what Athena reads), jobs write s3a://. */
  private static String scheme(java.net.URI uri) {
    String scheme = uri.getScheme() == null ? "file" : uri.getScheme();
    return scheme.equals("s3a") || scheme.equals("s3n") ? "s3" : scheme;
  }

  /** Column DDL with NOT NULL on the table's key columns. */
  private static String ddl(StructType schema, TableSpec table) {
    StringBuilder sb = new StringBuilder();
    for (StructField f : schema.fields()) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append('`').append(f.name()).append("` ").append(f.dataType().sql());
      if (table.keys().contains(f.name()) && !table.layer().equals("raw")) {
        sb.append(" NOT NULL");
      }
    }
    return sb.toString();
  }

  private static String keyCondition(TableSpec table) {
    return table.keys().stream().map(k -> "t.`" + k + "` <=> s.`" + k + "`").collect(Collectors.joining(" AND "));
  }

  private String commitMetadata(String operation) {
    return "{\"run_id\":\"" + runId + "\",\"operation\":\"" + operation.replace("\"", "'") + "\"}";
  }

  /** SQL/merge commits take their userMetadata from the session, so set it around the call. */
  private void withCommitMetadata(String operation, Runnable write) {
    String key = "spark.databricks.delta.commitInfo.userMetadata";
    spark.conf().set(key, commitMetadata(operation));
    try {
      write.run();
    } finally {
      spark.conf().unset(key);
    }
  }
}
