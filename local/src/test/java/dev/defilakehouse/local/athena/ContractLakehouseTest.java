package dev.defilakehouse.local.athena;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.defilakehouse.common.catalog.TableCatalog;
import dev.defilakehouse.common.catalog.TableSpec;
import dev.defilakehouse.common.testing.SparkTestSession;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** The fixture behind the Athena check covers every catalog table with the contract's types. */
class ContractLakehouseTest {
  @Test
  void everyCatalogTableHasFixtureRowsWithItsPartitionAndKeyColumns() {
    for (TableSpec table : TableCatalog.get().tables()) {
      Dataset<Row> rows = ContractLakehouse.rows(SparkTestSession.get(), table);
      List<String> columns = List.of(rows.columns());
      for (String c : table.partitionBy()) {
        assertEquals(true, columns.contains(c), table.id() + " lacks partition column " + c);
      }
      for (String c : table.keys()) {
        assertEquals(true, columns.contains(c), table.id() + " lacks key column " + c);
      }
    }
  }

  @Test
  void walletFeaturesHaveTheTwentySixFeaturesOfTheSpec() {
    Dataset<Row> rows = ContractLakehouse.rows(SparkTestSession.get(), TableCatalog.get().table("analytics", "wallet_features"));
    // wallet_address + 26 features + as_of_date + computed_at
    assertEquals(29, rows.columns().length);
    assertEquals("int", rows.schema().apply("borrow_count").dataType().simpleString());
    assertEquals("bigint", rows.schema().apply("time_since_first_deposit").dataType().simpleString());
    assertEquals("double", rows.schema().apply("risk_factor").dataType().simpleString());
  }
}
