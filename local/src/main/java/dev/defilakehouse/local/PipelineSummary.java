package dev.defilakehouse.local;

import dev.defilakehouse.common.catalog.TableCatalog;
import dev.defilakehouse.common.catalog.TableSpec;
import dev.defilakehouse.common.config.Env;
import dev.defilakehouse.common.delta.LakehouseTables;
import java.io.PrintStream;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** What {@code make run} prints at the end: tables, quarantine, and a short feature summary. */
final class PipelineSummary {
  private PipelineSummary() {}

  static void print(SparkSession spark, LakehouseTables tables, Env env, LocalDate asOf, PrintStream out) {
    out.println();
    out.println(String.format("%-58s %10s %8s", "table", "rows", "version"));
    for (TableSpec table : TableCatalog.get().tables()) {
      if (!tables.exists(table)) {
        out.println(String.format("%-58s %10s %8s", table.qualifiedName(env), "-", "-"));
        continue;
      }
      long rows = tables.read(table).count();
      out.println(String.format("%-58s %10d %8d", table.qualifiedName(env), rows, tables.latestVersion(table)));
    }
    TableSpec quarantine = TableCatalog.get().table("stage.quarantine");
    long quarantined = tables.exists(quarantine) ? tables.read(quarantine).count() : 0;
    out.println();
    out.println("quarantined rows: " + quarantined
        + (quarantined > 0 ? "  (see " + quarantine.qualifiedName(env) + ")" : ""));

    TableSpec featuresTable = TableCatalog.get().table("analytics.wallet_features");
    if (tables.exists(featuresTable)) {
      Dataset<Row> features = tables.read(featuresTable).where("as_of_date = DATE'" + asOf + "'").cache();
      try {
        Row stats = features.selectExpr("count(*)", "count_if(risk_factor > 0)", "count_if(risk_factor > 1)",
            "percentile_approx(risk_factor, array(0.5, 0.9, 0.99))", "max(risk_factor)",
            "sum(liquidation_count)").head();
        out.println();
        out.println("wallet_features as of " + asOf + ": " + stats.getLong(0) + " wallets, "
            + stats.getLong(1) + " borrowing (risk_factor > 0), " + stats.getLong(2) + " liquidatable (risk_factor > 1), "
            + stats.get(5) + " liquidations in history");
        List<Object> q = stats.getList(3);
        out.println(String.format("risk_factor p50=%s p90=%s p99=%s max=%s", q.get(0), q.get(1), q.get(2), stats.get(4)));
        out.println("riskiest wallets:");
        for (Row r : features.orderBy(org.apache.spark.sql.functions.col("risk_factor").desc(),
            org.apache.spark.sql.functions.col("wallet_address")).limit(5)
            .select("wallet_address", "risk_factor", "total_collateral_eth", "borrow_amount_sum_eth", "liquidation_count")
            .collectAsList()) {
          out.println(String.format("  %s  risk_factor=%.4f  collateral_eth=%.4f  borrowed_eth=%.4f  liquidations=%d",
              r.getString(0), r.getDouble(1), r.getDouble(2), r.getDouble(3), r.getInt(4)));
        }
      } finally {
        features.unpersist();
      }
    }
    out.println();
    out.println("explore: make sql Q=\"select * from " + featuresTable.qualifiedName(env)
        + " where as_of_date = date'" + asOf + "' order by risk_factor desc limit 20\"");
  }
}
