package dev.defilakehouse.common.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.defilakehouse.common.config.Env;
import dev.defilakehouse.common.config.Interval;
import dev.defilakehouse.common.config.RunConfig;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The source options of docs/tables.md: protocols and http.* settings. */
class OptionsTest {
  private static RunConfig config(Map<String, String> options) {
    return new RunConfig(Env.LOCAL, ".", Interval.of(LocalDate.parse("2024-01-01"), LocalDate.parse("2024-01-02")),
        options, "run");
  }

  @Test
  void protocolsMapToTransposeNamesAndVersions() {
    assertEquals(List.of(new ProtocolVersion("aave_v2", "aave", "v2"), new ProtocolVersion("aave_v3", "aave", "v3"),
        new ProtocolVersion("compound_v2", "compound", "v2")), SourceClients.protocols(config(Map.of())));
    assertEquals(List.of(new ProtocolVersion("compound_v2", "compound", "v2")),
        ProtocolVersion.parseList(" Compound_V2 ,compound_v2"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProtocolVersion.parseList("aave"));
    assertTrue(e.getMessage().contains("'aave' is not <protocol>_<version>"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ProtocolVersion.parseList("aave_v2,aave_v9"));
    assertTrue(e.getMessage().contains("unknown protocol 'aave_v9'; supported: aave_v2, aave_v3, compound_v2"),
        e.getMessage());
  }

  @Test
  void httpSettingsHaveProductionDefaultsAndTakeOverrides() {
    HttpSettings defaults = HttpSettings.from(config(Map.of()));
    assertEquals(Duration.ofSeconds(10), defaults.connectTimeout());
    assertEquals(6, defaults.maxAttempts());
    assertEquals(10.0, defaults.rateLimitPerSecond());
    HttpSettings custom = HttpSettings.from(config(Map.of("http.read_timeout_ms", "250", "http.max_attempts", "2",
        "http.rate_limit_per_second", "2.5", "http.max_concurrency", "1", "http.initial_backoff_ms", "7")));
    assertEquals(Duration.ofMillis(250), custom.readTimeout());
    assertEquals(2, custom.maxAttempts());
    assertEquals(2.5, custom.rateLimitPerSecond());
    assertEquals(1, custom.maxConcurrency());
    assertEquals(Duration.ofMillis(7), custom.initialBackoff());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> HttpSettings.from(config(Map.of("http.max_attempts", "0"))));
    assertTrue(e.getMessage().contains("http.max_attempts must be at least 1"), e.getMessage());
  }

  @Test
  void liquidationsReadBothPublicLiteralsUnlessConfiguredOtherwise() {
    assertEquals(List.of("liquidation", "liquidate"), SourceClients.categories(config(Map.of()), "liquidation"));
    assertEquals(List.of("repay"), SourceClients.categories(config(Map.of()), "repay"));
    assertEquals(List.of("liquidate", "liquidated"), SourceClients.categories(
        config(Map.of("transpose.liquidation_categories", "liquidate, liquidated")), "liquidation"));
    assertEquals(Set.of("deposit", "withdraw", "borrow", "repay", "liquidation", "liquidate"),
        SourceClients.knownCategories(config(Map.of())));
    for (String bad : List.of("liquidation'--", "repay", "Liquidate", " , ")) {
      assertThrows(IllegalArgumentException.class, () -> SourceClients.categories(
          config(Map.of("transpose.liquidation_categories", bad)), "liquidation"), bad);
    }
  }

  @Test
  void defaultDeploymentsAreMessarisCurrentSubgraphIds() {
    // messari/subgraphs deployment/deployment.json, decentralized-network query-id (changed on 2023-06-21)
    assertEquals("C2zniPn45RnLDGzVeGZCx2Sw3GXrbc9gL4ZfL8B8Em2j", SourceClients.defaultDeployment("aave_v2"));
    assertEquals("4TbqVA8p2DoBd5qDbPMwmDZv3CsJjWtxo8nVSqF2tA9a", SourceClients.defaultDeployment("compound_v2"));
    assertEquals("JCNWRypm7FYwV8fx5HhzZPSFaMxgkPuw4TnR3Gpi81zk", SourceClients.defaultDeployment("aave_v3"));
  }
}
