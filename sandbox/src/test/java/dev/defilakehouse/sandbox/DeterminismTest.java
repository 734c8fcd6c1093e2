package dev.defilakehouse.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeterminismTest {
  private static final SandboxOptions OPTIONS = SandboxOptions.builder().seed(99).wallets(400).days(4)
      .startDate(LocalDate.parse("2024-01-01")).build();

  @Test
  void twoServersWithTheSameSeedReturnIdenticalPages() throws Exception {
    try (Sandbox a = Sandbox.start(OPTIONS); Sandbox b = Sandbox.start(OPTIONS)) {
      assertEquals(a.subgraphApiKey(), b.subgraphApiKey());
      assertEquals(a.transposeApiKey(), b.transposeApiKey());
      long block = a.simulation().firstBlockOfDay(LocalDate.parse("2024-01-03"));
      String positions = "query($b: Int!) { positions(first: 300, skip: 10, block: {number: $b})"
          + " { id account { id } market { id inputToken { symbol } } side isCollateral balance } }";
      String markets = "{ markets { id name liquidationThreshold maximumLTV inputToken { id symbol decimals } inputTokenPriceUSD }"
          + " _meta { block { number hash timestamp } hasIndexingErrors } }";
      for (String protocol : a.simulation().protocols()) {
        String pa = Http.graphql(a, protocol, positions, Map.of("b", block)).body();
        assertTrue(pa.contains("\"positions\":[{"), pa);
        assertEquals(pa, Http.graphql(b, protocol, positions, Map.of("b", block)).body());
        assertEquals(Http.graphql(a, protocol, markets, Map.of()).body(), Http.graphql(b, protocol, markets, Map.of()).body());
      }
      String sql = "SELECT * FROM ethereum.lending_events ORDER BY block_number, log_index LIMIT 500";
      String ta = Http.sql(a, sql, Map.of()).body();
      assertTrue(ta.contains("\"count\":500"), ta.substring(0, 200));
      assertEquals(ta, Http.sql(b, sql, Map.of()).body());
    }
  }
}
