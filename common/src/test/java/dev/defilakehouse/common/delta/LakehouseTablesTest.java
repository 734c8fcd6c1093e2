package dev.defilakehouse.common.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.defilakehouse.common.catalog.TableCatalog;
import dev.defilakehouse.common.catalog.TableSpec;
import dev.defilakehouse.common.config.BadArgumentException;
import dev.defilakehouse.common.config.Env;
import dev.defilakehouse.common.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.catalog.CatalogTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LakehouseTablesTest {
  private final SparkSession spark = SparkTestSession.get();
  private final TableSpec blocks = TableCatalog.get().table("stage.transpose_ethereum_daily_blocks");
  private final TableSpec prices = TableCatalog.get().table("analytics.token_prices_daily");

  private Dataset<Row> prices(String... rows) {
    return spark.sql("SELECT protocol, CAST(snapshot_date AS DATE) snapshot_date, token_address, price_usd FROM VALUES "
        + String.join(",", rows) + " AS t(protocol, snapshot_date, token_address, price_usd)");
  }

  @Test
  void replaceWhereTwiceLeavesTheSameRowsAndOtherPartitionsAlone(@TempDir Path root) {
    LakehouseTables tables = new LakehouseTables(spark, Env.LOCAL, root.toString(), "run-1", TableCatalog.get());
    tables.replaceWhere(prices, prices("('aave_v2','2024-01-01','0xa',1.0D)"), "snapshot_date = '2024-01-01'");
    String day2 = "snapshot_date = '2024-01-02'";
    tables.replaceWhere(prices, prices("('aave_v2','2024-01-02','0xa',2.0D)", "('aave_v2','2024-01-02','0xb',3.0D)"), day2);
    tables.replaceWhere(prices, prices("('aave_v2','2024-01-02','0xa',2.0D)", "('aave_v2','2024-01-02','0xb',3.0D)"), day2);
    Dataset<Row> all = tables.read(prices).orderBy("snapshot_date", "token_address");
    assertEquals(3, all.count());
    assertEquals(List.of("0xa", "0xa", "0xb"), all.select("token_address").as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
    assertEquals(3, tables.latestVersion(prices));
    assertTrue(spark.catalog().tableExists("db_analytics_local.token_prices_daily"));
    String props = spark.sql("SHOW TBLPROPERTIES delta.`" + tables.location(prices) + "`").collectAsList().toString();
    assertTrue(props.contains("delta.enableDeletionVectors,false"), props);
  }

  @Test
  void aWriteSpreadOverManyTasksLeavesOneFilePerPartitionDay(@TempDir Path root) {
    LakehouseTables tables = new LakehouseTables(spark, Env.LOCAL, root.toString(), "run-1", TableCatalog.get());
    Dataset<Row> rows = prices("('aave_v2','2024-01-01','0xa',1.0D)", "('aave_v2','2024-01-01','0xb',2.0D)",
        "('aave_v2','2024-01-02','0xa',3.0D)", "('aave_v2','2024-01-02','0xb',4.0D)",
        "('aave_v3','2024-01-02','0xc',5.0D)").repartition(5);
    tables.replaceWhere(prices, rows, "snapshot_date >= '2024-01-01' AND snapshot_date <= '2024-01-02'");
    Row added = spark.sql("DESCRIBE HISTORY delta.`" + tables.location(prices) + "` LIMIT 1")
        .selectExpr("operationMetrics['numFiles']", "operationMetrics['numOutputRows']").head();
    assertEquals(List.of("2", "5"), List.of(added.getString(0), added.getString(1)), "one file for each of the two days");
  }

  @Test
  void upsertIsIdempotentOnTheCatalogKeys(@TempDir Path root) {
    LakehouseTables tables = new LakehouseTables(spark, Env.LOCAL, root.toString(), "run-2", TableCatalog.get());
    Dataset<Row> rows = spark.sql("SELECT CAST('2024-01-01' AS DATE) block_date, 100L block_number UNION ALL "
        + "SELECT CAST('2024-01-02' AS DATE), 200L");
    assertFalse(tables.exists(blocks));
    tables.upsert(blocks, rows);
    tables.upsert(blocks, rows);
    assertEquals(2, tables.read(blocks).count());
  }
  @Test
  void aSecondLakehouseRootGetsItsOwnPartitionedTableAndTheNamePointsThere(@TempDir Path first, @TempDir Path second) {
    String day = "snapshot_date = '2024-01-01'";
    new LakehouseTables(spark, Env.LOCAL, first.toString(), "run-a", TableCatalog.get())
        .replaceWhere(prices, prices("('aave_v2','2024-01-01','0xa',1.0D)"), day);
    LakehouseTables tables = new LakehouseTables(spark, Env.LOCAL, second.toString(), "run-b", TableCatalog.get());
    tables.replaceWhere(prices, prices("('aave_v2','2024-01-01','0xb',2.0D)", "('aave_v2','2024-01-01','0xc',3.0D)"), day);

    Row detail = spark.sql("DESCRIBE DETAIL delta.`" + tables.location(prices) + "`").head();
    assertEquals(List.of("snapshot_date"), detail.getList(detail.fieldIndex("partitionColumns")),
        "partitioned like the catalog says");
    assertEquals(2, spark.table("db_analytics_local.token_prices_daily").count(), "the name reads the second root");
    assertEquals(1, spark.read().format("delta").load(first.resolve("analytics/token_prices_daily").toString()).count(),
        "the first root keeps its data");
  }

  @Test
  void aNameRegisteredAtAnotherLocationIsNeverRepointedUnlessAsked(@TempDir Path first, @TempDir Path second)
      throws Exception {
    String day = "snapshot_date = '2024-01-01'";
    new LakehouseTables(spark, Env.LOCAL, first.toString(), "run-a", TableCatalog.get())
        .replaceWhere(prices, prices("('aave_v2','2024-01-01','0xa',1.0D)"), day);
    // as with a Hive metastore or Glue, whose entries outlive the session
    LakehouseTables wrongRoot = new LakehouseTables(spark, Env.LOCAL, second.toString(), "run-b", TableCatalog.get(),
        false, true);

    BadArgumentException refused = assertThrows(BadArgumentException.class, () ->
        wrongRoot.replaceWhere(prices, prices("('aave_v2','2024-01-01','0xb',2.0D)"), day));
    assertTrue(refused.getMessage().contains("db_analytics_local.token_prices_daily is registered at ")
        && refused.getMessage().contains("--repoint-tables"), refused.getMessage());
    assertEquals(1, spark.table("db_analytics_local.token_prices_daily").count(), "the name still reads the first root");
    assertFalse(java.nio.file.Files.exists(second.resolve("analytics/token_prices_daily")), "nothing written");

    LakehouseTables asked = new LakehouseTables(spark, Env.LOCAL, second.toString(), "run-b", TableCatalog.get(),
        true, true);
    asked.replaceWhere(prices, prices("('aave_v2','2024-01-01','0xb',2.0D)", "('aave_v2','2024-01-01','0xc',3.0D)"), day);
    assertEquals(2, spark.table("db_analytics_local.token_prices_daily").count(), "--repoint-tables moved the name");
    assertEquals("DELTA", catalogEntry("db_analytics_local", "token_prices_daily").properties().get("table_type").get());
  }

  @Test
  void entriesGetTheParametersAthenaNeedsAlsoWhenAnOlderRunMadeThemWithout(@TempDir Path root) throws Exception {
    LakehouseTables tables = new LakehouseTables(spark, Env.LOCAL, root.toString(), "run-1", TableCatalog.get());
    tables.upsert(blocks, spark.sql("SELECT CAST('2024-01-01' AS DATE) block_date, 100L block_number"));
    assertEquals("DELTA", catalogEntry("db_stage_local", "transpose_ethereum_daily_blocks").properties().get("table_type").get());

    // an entry as a run before issue 28 made it: location only
    spark.sql("DROP TABLE db_stage_local.transpose_ethereum_daily_blocks");
    spark.sql("CREATE TABLE db_stage_local.transpose_ethereum_daily_blocks USING delta LOCATION '"
        + tables.location(blocks) + "'");
    assertTrue(catalogEntry("db_stage_local", "transpose_ethereum_daily_blocks").properties().get("table_type").isEmpty());
    tables.upsert(blocks, spark.sql("SELECT CAST('2024-01-02' AS DATE) block_date, 200L block_number"));
    assertEquals("DELTA", catalogEntry("db_stage_local", "transpose_ethereum_daily_blocks").properties().get("table_type").get());
    assertEquals(2, spark.table("db_stage_local.transpose_ethereum_daily_blocks").count());
  }

  private CatalogTable catalogEntry(String database, String name) throws Exception {
    return ((org.apache.spark.sql.classic.SparkSession) spark).sessionState().catalog()
        .getTableRawMetadata(new TableIdentifier(name, scala.Option.apply(database)));
  }
}
