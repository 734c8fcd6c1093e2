package dev.defilakehouse.common.job;

import dev.defilakehouse.common.catalog.TableCatalog;
import dev.defilakehouse.common.catalog.TableSpec;
import dev.defilakehouse.common.config.RunConfig;
import dev.defilakehouse.common.config.Secrets;
import dev.defilakehouse.common.delta.LakehouseTables;
import org.apache.spark.sql.SparkSession;

/** What a running job may use: its config, the Spark session, the tables, secrets and its report. */
public record JobContext(String jobName, RunConfig config, SparkSession spark, TableCatalog catalog,
                         LakehouseTables tables, Secrets secrets, JobReport report) {

  public static JobContext create(String jobName, RunConfig config, SparkSession spark, Secrets secrets) {
    TableCatalog catalog = TableCatalog.get();
    return new JobContext(jobName, config, spark, catalog,
        new LakehouseTables(spark, config.env(), config.lakehouseRoot(), config.runId(), catalog, config.repointTables()),
        secrets, new JobReport(jobName));
  }

  public TableSpec table(String id) {
    return catalog.table(id);
  }
}
