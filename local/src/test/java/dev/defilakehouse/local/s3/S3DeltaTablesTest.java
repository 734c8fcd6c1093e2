package dev.defilakehouse.local.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.defilakehouse.common.catalog.TableCatalog;
import dev.defilakehouse.common.catalog.TableSpec;
import dev.defilakehouse.common.config.Env;
import dev.defilakehouse.common.config.Interval;
import dev.defilakehouse.common.config.RunConfig;
import dev.defilakehouse.common.delta.LakehouseTables;
import dev.defilakehouse.common.testing.SparkTestSession;
import io.delta.tables.DeltaTable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.storage.DelegatingLogStore;
import org.apache.spark.sql.delta.storage.LogStoreAdaptor;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our Delta I/O on {@code s3a://} roots against an S3-compatible server on loopback, configured
 * only through the {@code --option s3a.*} mapping a run uses, and compared with the same writes
 * on the local file system.
 */
class S3DeltaTablesTest {
  private static final SparkSession spark = SparkTestSession.get();
  private static final TableCatalog catalog = TableCatalog.get();
  private static final TableSpec prices = catalog.table("analytics.token_prices_daily");
  private static final TableSpec blocks = catalog.table("stage.transpose_ethereum_daily_blocks");
  private static final TableSpec positions = catalog.table("analytics.the_graph_current_collateral_positions");

  private static S3TestServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3TestServer.start();
    server.attach(spark);
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.detach(spark);
      server.close();
    }
  }

  private static LakehouseTables tables(String root) {
    return new LakehouseTables(spark, Env.LOCAL, root, "run-s3", catalog);
  }

  private static String newS3Root() {
    String bucket = S3TestServer.uniqueBucketName("lakehouse");
    server.createBucket(bucket);
    return "s3a://" + bucket;
  }

  @Test
  void replaceWhereUpsertAndOverwriteOnS3GiveTheSameTablesAsOnTheLocalFileSystem(@TempDir Path localRoot)
      throws Exception {
    String s3Root = newS3Root();
    LakehouseTables onS3 = tables(s3Root);
    LakehouseTables onDisk = tables(localRoot.toString());

    // disk first, so the S3 figure below is not also paying for warming up Spark and Delta
    long started = System.nanoTime();
    Map<String, List<Long>> localVersions = writeAndRewrite(onDisk);
    long localMillis = (System.nanoTime() - started) / 1_000_000;
    started = System.nanoTime();
    Map<String, List<Long>> s3Versions = writeAndRewrite(onS3);
    long s3Millis = (System.nanoTime() - started) / 1_000_000;
    // a figure for the record, not an assertion: the same 7 commits on s3a:// and on disk
    System.out.println("S3DeltaTablesTest: 7 writes took " + s3Millis + " ms on s3a://, " + localMillis + " ms on disk");

    // one commit per write after the CREATE (version 0), the same on both stores
    assertEquals(Map.of("prices", List.of(1L, 2L, 3L), "blocks", List.of(1L, 2L), "positions", List.of(1L, 2L)),
        s3Versions);
    assertEquals(localVersions, s3Versions);
    for (TableSpec table : List.of(prices, blocks, positions)) {
      List<String> s3Rows = sortedJsonRows(onS3.read(table));
      assertEquals(sortedJsonRows(onDisk.read(table)), s3Rows, table.qualifiedName(Env.LOCAL));
      assertEquals(sha256(sortedJsonRows(onDisk.read(table))), sha256(s3Rows));
    }
    // the re-writes took effect: day 2 replaced, block 2 updated, positions replaced
    assertEquals(List.of(
            "{\"protocol\":\"aave_v2\",\"snapshot_date\":\"2024-01-01\",\"token_address\":\"0xa\",\"price_usd\":1.0}",
            "{\"protocol\":\"aave_v2\",\"snapshot_date\":\"2024-01-02\",\"token_address\":\"0xa\",\"price_usd\":2.5}",
            "{\"protocol\":\"aave_v2\",\"snapshot_date\":\"2024-01-02\",\"token_address\":\"0xc\",\"price_usd\":4.0}"),
        sortedJsonRows(onS3.read(prices)));
    assertEquals(List.of(
            "{\"block_date\":\"2024-01-01\",\"block_number\":100}",
            "{\"block_date\":\"2024-01-02\",\"block_number\":201}",
            "{\"block_date\":\"2024-01-03\",\"block_number\":300}"),
        sortedJsonRows(onS3.read(blocks)));
    assertEquals(2, onS3.read(positions).count());

    // the data and the log are really in the bucket, not on a local disk
    String bucket = s3Root.substring("s3a://".length());
    List<String> keys = server.objectKeys(bucket);
    assertTrue(keys.contains("analytics/token_prices_daily/_delta_log/00000000000000000003.json"), keys.toString());
    assertTrue(keys.stream().anyMatch(k -> k.startsWith("analytics/token_prices_daily/snapshot_date=2024-01-02/")
        && k.endsWith(".parquet")), keys.toString());
    assertTrue(keys.contains("stage/transpose_ethereum_daily_blocks/_delta_log/00000000000000000002.json"),
        keys.toString());

    // Delta 4 picks its single-driver S3 log store for s3a:// by itself (no logStore setting here)
    String location = onS3.location(prices);
    DelegatingLogStore store = (DelegatingLogStore) DeltaLog.forTable(spark, location).store();
    LogStoreAdaptor delegate = (LogStoreAdaptor) store.getDelegate(new org.apache.hadoop.fs.Path(location));
    assertEquals("io.delta.storage.S3SingleDriverLogStore", delegate.logStoreImpl().getClass().getName());
  }

  /** The same sequence of writes and re-writes; returns the version each write committed. */
  private static Map<String, List<Long>> writeAndRewrite(LakehouseTables tables) {
    Map<String, List<Long>> versions = new LinkedHashMap<>();
    List<Long> v = new ArrayList<>();
    v.add(tables.replaceWhere(prices, prices("('aave_v2','2024-01-01','0xa',1.0D)"), "snapshot_date = '2024-01-01'"));
    v.add(tables.replaceWhere(prices, prices("('aave_v2','2024-01-02','0xa',2.0D)", "('aave_v2','2024-01-02','0xb',3.0D)"),
        "snapshot_date = '2024-01-02'"));
    v.add(tables.replaceWhere(prices, prices("('aave_v2','2024-01-02','0xa',2.5D)", "('aave_v2','2024-01-02','0xc',4.0D)"),
        "snapshot_date = '2024-01-02'"));
    versions.put("prices", v);

    v = new ArrayList<>();
    v.add(tables.upsert(blocks, blocks("('2024-01-01',100L)", "('2024-01-02',200L)")));
    v.add(tables.upsert(blocks, blocks("('2024-01-02',201L)", "('2024-01-03',300L)")));
    versions.put("blocks", v);

    v = new ArrayList<>();
    v.add(tables.overwrite(positions, positions("('aave_v2','p1',10.0D)", "('aave_v2','p2',20.0D)", "('compound_v2','p3',5.0D)")));
    v.add(tables.overwrite(positions, positions("('aave_v2','p1',11.0D)", "('aave_v3','p4',7.0D)")));
    versions.put("positions", v);
    return versions;
  }

  @Test
  void ensureTableTwiceOnS3CreatesOneAthenaSafeTable() {
    LakehouseTables onS3 = tables(newS3Root());
    TableSpec results = catalog.table("analytics.data_quality_results");
    StructType schema = spark.sql("SELECT CAST('2024-01-01' AS DATE) as_of_date, 'row_count' check_name, true passed")
        .schema();

    assertFalse(onS3.exists(results));
    onS3.ensureTable(results, schema);
    onS3.ensureTable(results, schema);

    assertTrue(onS3.exists(results));
    assertEquals(0, onS3.latestVersion(results), "the second ensureTable must not commit");
    assertTrue(spark.catalog().tableExists(results.qualifiedName(Env.LOCAL)));
    String location = onS3.location(results);
    Map<String, String> props = new LinkedHashMap<>();
    spark.sql("SHOW TBLPROPERTIES delta.`" + location + "`").collectAsList()
        .forEach(r -> props.put(r.getString(0), r.getString(1)));
    assertEquals("false", props.get("delta.enableDeletionVectors"), props.toString());
    assertEquals("1", props.get("delta.minReaderVersion"), props.toString());
    assertEquals("2", props.get("delta.minWriterVersion"), props.toString());
    Row detail = DeltaTable.forPath(spark, location).detail().select("partitionColumns").head();
    assertEquals(List.of("as_of_date"), detail.getList(0));
    StructType written = spark.read().format("delta").load(location).schema();
    assertFalse(written.apply("check_name").nullable(), "catalog keys are NOT NULL outside raw");
  }

  @Test
  void theStartOfRunLineMasksTheS3Keys() {
    RunConfig config = new RunConfig(Env.LOCAL, newS3Root(), Interval.of(LocalDate.of(2024, 1, 1), LocalDate.of(2024, 1, 2)),
        server.s3aOptions(), "run-s3");
    String line = config.describe();
    assertFalse(line.contains(server.secretKey()), "secret key printed: " + line);
    assertFalse(line.contains(server.accessKey()), "access key printed: " + line);
    assertTrue(line.contains("s3a.endpoint=" + server.endpoint()), line);
  }

  private static Dataset<Row> prices(String... rows) {
    return spark.sql("SELECT protocol, CAST(snapshot_date AS DATE) snapshot_date, token_address, price_usd FROM VALUES "
        + String.join(",", rows) + " AS t(protocol, snapshot_date, token_address, price_usd)");
  }

  private static Dataset<Row> blocks(String... rows) {
    return spark.sql("SELECT CAST(block_date AS DATE) block_date, block_number FROM VALUES "
        + String.join(",", rows) + " AS t(block_date, block_number)");
  }

  private static Dataset<Row> positions(String... rows) {
    return spark.sql("SELECT protocol, position_id, collateral_usd FROM VALUES "
        + String.join(",", rows) + " AS t(protocol, position_id, collateral_usd)");
  }

  /** Rows as JSON in a stable order: equal lists mean equal table contents. */
  private static List<String> sortedJsonRows(Dataset<Row> table) {
    return table.selectExpr("to_json(struct(*)) AS row").orderBy("row").as(Encoders.STRING()).collectAsList();
  }

  private static String sha256(List<String> rows) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    return HexFormat.of().formatHex(digest.digest(String.join("\n", rows).getBytes(StandardCharsets.UTF_8)));
  }
}
