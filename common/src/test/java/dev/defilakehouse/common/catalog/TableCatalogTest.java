package dev.defilakehouse.common.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.defilakehouse.common.config.Env;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TableCatalogTest {
  private final TableCatalog catalog = TableCatalog.get();

  @Test
  void everySpecTableIsDeclaredInEachLayer() {
    List<String> kinds = List.of("deposit", "withdraw", "borrow", "repay", "liquidation");
    for (String layer : List.of("raw", "stage")) {
      catalog.table(layer, "the_graph_historical_market_data");
      catalog.table(layer, "the_graph_historical_account_positions");
      catalog.table(layer, "transpose_ethereum_daily_blocks");
      kinds.forEach(k -> catalog.table(layer, "transpose_" + k + "_events"));
    }
    kinds.forEach(k -> catalog.table("analytics", "transpose_" + k + "_events"));
    for (String name : List.of("token_prices_daily", "the_graph_daily_wallet_health",
        "the_graph_current_collateral_positions", "wallet_features")) {
      catalog.table("analytics", name);
    }
    assertEquals("db_analytics_dev.wallet_features", catalog.table("analytics.wallet_features").qualifiedName(Env.DEV));
    assertEquals("s3a://b/raw/transpose_deposit_events", catalog.table("raw.transpose_deposit_events").location("s3a://b/"));
  }

  @Test
  void namesAreLowercaseSnakeCaseAndPartitionsAreKeysOrDates() {
    for (TableSpec t : catalog.tables()) {
      assertTrue(t.name().matches("[a-z][a-z0-9_]*"), t.name());
      assertTrue(Set.of("raw", "stage", "analytics").contains(t.layer()), t.id());
      assertTrue(!t.keys().isEmpty(), t.id() + " has no keys");
    }
  }

  @Test
  void jobsAreOrderedAfterTheJobsWritingWhatTheyRead() {
    List<JobSpec> ordered = catalog.jobsInDependencyOrder();
    assertEquals(catalog.jobs().size(), ordered.size());
    List<String> names = ordered.stream().map(JobSpec::name).toList();
    for (JobSpec job : ordered) {
      for (String up : catalog.upstreamOf(job.name())) {
        assertTrue(names.indexOf(up) < names.indexOf(job.name()), up + " must run before " + job.name());
      }
    }
    assertEquals(Set.of("stage.transpose_borrow_events", "analytics.token_prices_daily"),
        catalog.upstreamOf("analytics.transpose_borrow_events"));
    assertEquals("quality.wallet_features", names.get(names.size() - 1));
  }

  @Test
  void unknownTableIsAClearError() {
    var e = assertThrows(java.util.NoSuchElementException.class, () -> catalog.table("raw.nope"));
    assertTrue(e.getMessage().contains("raw.nope"));
  }
}
