package dev.defilakehouse.common.spark;

import dev.defilakehouse.common.config.RunConfig;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the one SparkSession of a job run.
 *
 * <p>Local env: {@code local[*]} (or {@code --option spark.master=...} or spark-submit's {@code --master}), Delta, and Hive support
 * with an embedded Derby metastore under the lakehouse folder, so tables are found by name across
 * runs. Other envs: master and metastore come from spark-submit / EMR (Glue there); only Delta and
 * S3A settings are added.
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

  /** Local master plus a persistent Derby metastore and warehouse under the lakehouse root. */
  public static SparkSession.Builder local(SparkSession.Builder builder, String lakehouseRoot, String master) {
    Path root = Path.of(lakehouseRoot).toAbsolutePath().normalize();
    Path metastore = root.resolve("_metastore");
    System.setProperty("derby.system.home", metastore.toString());
    return builder
        .master(master)
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.warehouse.dir", root.resolve("_warehouse").toUri().toString())
        .config("spark.hadoop.javax.jdo.option.ConnectionURL",
            "jdbc:derby:;databaseName=" + metastore.resolve("metastore_db") + ";create=true")
        .config("spark.hadoop.datanucleus.schema.autoCreateAll", "true")
        .config("spark.hadoop.hive.metastore.schema.verification", "false");
  }

  /** S3A settings from {@code --option s3a.*} (endpoint, path style, credentials provider). */
  static void s3a(SparkSession.Builder builder, Map<String, String> options) {
    options.forEach((k, v) -> {
      if (k.startsWith("s3a.")) {
        builder.config("spark.hadoop.fs.s3a." + k.substring("s3a.".length()), v);
      }
    });
  }
}
