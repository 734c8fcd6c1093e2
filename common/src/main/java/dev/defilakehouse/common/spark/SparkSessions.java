package dev.defilakehouse.common.spark;

import dev.defilakehouse.common.config.RunConfig;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the one SparkSession of a job run.
 *
 * <p>Local env: {@code local[*]} (or {@code --option spark.master=...} or spark-submit's {@code --master}), Delta, and Hive support
 * with an embedded Derby metastore under the lakehouse folder, so tables are found by name across
 * runs. Other envs: master and metastore come from spark-submit / EMR (Glue there); only Delta and
 * S3A settings are added. Commits on S3 in dev and prod go through DynamoDB ({@link LogStoreSettings}).
 */
public final class SparkSessions {
  private SparkSessions() {}

  public static SparkSession forRun(RunConfig config) {
    SparkSession.Builder builder = SparkSession.builder().appName("defi-lakehouse");
    deltaAndSafety(builder);
    if (config.env().isLocal()) {
      // --option spark.master, else spark-submit's --master (a system property by then), else local[*]
      String master = config.option("spark.master", System.getProperty("spark.master", "local[*]"));
      local(builder, config.lakehouseRoot(), master);
    }
    s3a(builder, config.options());
    // a value given to spark-submit (--conf, a system property by then) wins, as for spark.master
    LogStoreSettings.forRun(config.env(), config.lakehouseRoot(), config.options(), System.getenv())
        .forEach((key, value) -> builder.config(key, System.getProperty(key, value)));
    config.options().forEach((k, v) -> {
      if (k.startsWith("spark.") && !k.equals("spark.master")) {
        builder.config(k, v);
      }
    });
    return builder.enableHiveSupport().getOrCreate();
  }

  /** Settings every session gets, wherever it runs. */
  public static SparkSession.Builder deltaAndSafety(SparkSession.Builder builder) {
    return builder
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.sql.session.timeZone", "UTC")
        // Athena engine v3 reads neither deletion vectors nor newer table features.
        .config("spark.databricks.delta.properties.defaults.enableDeletionVectors", "false")
        .config("spark.sql.sources.partitionOverwriteMode", "static");
  }

  /**
   * Local master plus a persistent Derby metastore and warehouse under the lakehouse root. With an
   * object-store root ({@code s3a://bucket}) the warehouse lives there too, but Derby needs a local
   * folder: {@code lakehouse/_metastore-<scheme>-<bucket>} under the working directory.
   */
  public static SparkSession.Builder local(SparkSession.Builder builder, String lakehouseRoot, String master) {
    Path metastore = localMetastoreDir(lakehouseRoot);
    System.setProperty("derby.system.home", metastore.toString());
    return builder
        .master(master)
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.warehouse.dir", warehouseDir(lakehouseRoot))
        .config("spark.hadoop.javax.jdo.option.ConnectionURL",
            "jdbc:derby:;databaseName=" + metastore.resolve("metastore_db") + ";create=true")
        .config("spark.hadoop.datanucleus.schema.autoCreateAll", "true")
        .config("spark.hadoop.hive.metastore.schema.verification", "false")
        // A laptop's daily data is small: 200 shuffle tasks and 50 Delta snapshot partitions cost
        // more than the work. --option spark.sql.shuffle.partitions=N overrides.
        .config("spark.sql.shuffle.partitions", String.valueOf(LOCAL_PARALLELISM))
        .config("spark.databricks.delta.snapshotPartitions", String.valueOf(LOCAL_PARALLELISM));
  }

  private static final int LOCAL_PARALLELISM = Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors() * 2));

  /** True for roots like {@code s3a://bucket}; false for plain paths and {@code file:} URIs. */
  static boolean isRemote(String lakehouseRoot) {
    return lakehouseRoot.matches("^[A-Za-z][A-Za-z0-9+.-]*://.*") && !lakehouseRoot.startsWith("file:");
  }

  static String warehouseDir(String lakehouseRoot) {
    if (isRemote(lakehouseRoot)) {
      return lakehouseRoot.replaceAll("/+$", "") + "/_warehouse";
    }
    return localRoot(lakehouseRoot).resolve("_warehouse").toUri().toString();
  }

  static Path localMetastoreDir(String lakehouseRoot) {
    if (isRemote(lakehouseRoot)) {
      String name = lakehouseRoot.replaceAll("/+$", "").replaceAll("[^A-Za-z0-9._-]+", "-");
      return Path.of("lakehouse").toAbsolutePath().normalize().resolve("_metastore-" + name);
    }
    return localRoot(lakehouseRoot).resolve("_metastore");
  }

  private static Path localRoot(String lakehouseRoot) {
    Path root = lakehouseRoot.startsWith("file:") ? Path.of(URI.create(lakehouseRoot)) : Path.of(lakehouseRoot);
    return root.toAbsolutePath().normalize();
  }

  /**
   * S3A settings from {@code --option s3a.<key>=v} as Hadoop keys ({@code fs.s3a.<key>}): endpoint,
   * path style, credentials, region, SSL, per-bucket overrides. The session gets them as
   * {@code spark.hadoop.fs.s3a.*}; docs/s3.md lists the ones an S3-compatible endpoint needs.
   */
  public static Map<String, String> s3aHadoopSettings(Map<String, String> options) {
    Map<String, String> settings = new LinkedHashMap<>();
    options.forEach((k, v) -> {
      if (k.startsWith("s3a.")) {
        settings.put("fs.s3a." + k.substring("s3a.".length()), v);
      }
    });
    return settings;
  }

  static void s3a(SparkSession.Builder builder, Map<String, String> options) {
    s3aHadoopSettings(options).forEach((k, v) -> builder.config("spark.hadoop." + k, v));
  }
}
