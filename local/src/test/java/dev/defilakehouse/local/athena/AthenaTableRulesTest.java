package dev.defilakehouse.local.athena;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.defilakehouse.common.catalog.TableCatalog;
import dev.defilakehouse.common.catalog.TableSpec;
import dev.defilakehouse.common.config.Env;
import dev.defilakehouse.common.delta.LakehouseTables;
import dev.defilakehouse.common.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The table-property half of the Athena check, without the Trino server: it runs in every build. */
class AthenaTableRulesTest {
  // each test writes wallet_features under its own env: the shared session catalog keeps
  // db_<layer>_<env>.<table> pointing at the first test's (deleted) temp folder
  private final SparkSession spark = SparkTestSession.get();
  private final TableSpec features = TableCatalog.get().table("analytics", "wallet_features");

  @Test
  void aTableWrittenByLakehouseTablesPasses(@TempDir Path dir) {
    LakehouseTables tables = new LakehouseTables(spark, Env.PROD, dir.toString(), "run-1", TableCatalog.get());
    tables.overwrite(features, ContractLakehouse.rows(spark, features));

    assertEquals(List.of(), AthenaTableRules.problems(spark, features, tables.location(features)));
  }

  @Test
  void deletionVectorsFailTheCheckNamingTheTableAndTheFeature(@TempDir Path dir) {
    LakehouseTables tables = new LakehouseTables(spark, Env.DEV, dir.toString(), "run-1", TableCatalog.get());
    // one file per partition, so the DELETE below keeps some rows of a file and writes a vector
    tables.overwrite(features, ContractLakehouse.rows(spark, features).coalesce(1));
    String location = tables.location(features);
    spark.sql("ALTER TABLE delta.`" + location + "` SET TBLPROPERTIES ('delta.enableDeletionVectors' = 'true')");
    spark.sql("DELETE FROM delta.`" + location + "` WHERE borrow_count = 4");
    assertTrue(spark.read().json(location + "/_delta_log/*.json").where("add.deletionVector IS NOT NULL").count() > 0,
        "the DELETE should have written a deletion vector instead of rewriting the file");

    List<String> problems = AthenaTableRules.problems(spark, features, location);

    assertEquals(1, problems.size(), problems.toString());
    assertTrue(problems.get(0).startsWith("analytics.wallet_features: table feature deletionVectors (deletion vectors)"
        + " is not readable by Athena engine v3"), problems.get(0));
  }

  @Test
  void columnsAthenaCannotReadAreNamed(@TempDir Path dir) {
    TableSpec blocks = TableCatalog.get().table("stage", "transpose_ethereum_daily_blocks");
    String location = blocks.location(dir.toString());
    spark.sql("SELECT DATE'2024-01-01' AS block_date, 19000000L AS Block_Number,"
            + " timestamp_ntz'2024-01-01 00:00:11' AS block_timestamp")
        .write().format("delta").save(location);

    List<String> problems = AthenaTableRules.problems(spark, blocks, location);

    assertTrue(problems.stream().anyMatch(p -> p.contains("column Block_Number is not lowercase")), problems.toString());
    assertTrue(problems.stream().anyMatch(p -> p.contains("table feature timestampNtz")), problems.toString());
    assertTrue(problems.stream().anyMatch(p -> p.contains("column block_timestamp has type TIMESTAMP_NTZ")), problems.toString());
  }
}
