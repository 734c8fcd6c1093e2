package dev.defilakehouse.local.reliability;

import dev.defilakehouse.common.catalog.TableCatalog;
import dev.defilakehouse.common.catalog.TableSpec;
import dev.defilakehouse.common.config.Env;
import dev.defilakehouse.common.config.Interval;
import dev.defilakehouse.common.config.RunConfig;
import dev.defilakehouse.common.delta.LakehouseTables;
import dev.defilakehouse.common.spark.SparkSessions;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * A writing driver of {@link ConcurrentWritersTest}: a session built the way a job run builds it
 * ({@link SparkSessions#forRun}, so the log store is the one the run's env and options select), then
 * one {@code replaceWhere} of its day into {@code analytics.token_prices_daily}, as a daily job does.
 *
 * <p>Arguments: lakehouse root, day, run id, then the run's options as key=value.
 */
public final class TableWriterMain {
  static final String TABLE = "analytics.token_prices_daily";

  private TableWriterMain() {}

  public static void main(String[] args) {
    Map<String, String> options = new LinkedHashMap<>();
    for (String kv : List.of(args).subList(3, args.length)) {
      options.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
    }
    options.put("spark.master", "local[1]");
    options.put("spark.sql.shuffle.partitions", "1");
    options.put("spark.databricks.delta.snapshotPartitions", "1");
    LocalDate day = LocalDate.parse(args[1]);
    RunConfig config = new RunConfig(Env.LOCAL, args[0], Interval.of(day, day.plusDays(1)), options, args[2]);
    SparkSession spark = SparkSessions.forRun(config);
    try {
      TableSpec table = TableCatalog.get().table(TABLE);
      LakehouseTables tables = new LakehouseTables(spark, config.env(), config.lakehouseRoot(), config.runId(),
          TableCatalog.get());
      tables.replaceWhere(table, spark.sql("SELECT 'aave_v2' protocol, DATE'" + day
              + "' snapshot_date, '0x" + day.getDayOfMonth() + "' token_address, 1.5D price_usd"),
          "snapshot_date = '" + day + "'");
    } finally {
      spark.stop();
    }
  }
}
