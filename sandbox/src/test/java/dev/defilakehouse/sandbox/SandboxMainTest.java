package dev.defilakehouse.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SandboxMainTest {
  @Test
  void parsesEveryOption() {
    SandboxOptions o = SandboxMain.parse(new String[] {"--port", "0", "--seed", "5", "--wallets", "20", "--days", "3",
        "--start-date", "2024-02-01", "--markets", "4", "--liquidation-category", "liquidate",
        "--subgraph-rate-limit", "5", "--transpose-rate-limit", "2.5"});
    assertEquals(5, o.seed());
    assertEquals(20, o.wallets());
    assertEquals(3, o.days());
    assertEquals(LocalDate.parse("2024-02-01"), o.startDate());
    assertEquals(4, o.markets());
    assertEquals("liquidate", o.liquidationCategory());
    assertEquals(5.0, o.subgraphRateLimit());
    assertEquals(2.5, o.transposeRateLimit());
  }

  @Test
  void deploymentIdsDefaultToMessarisAndCanBeOverridden() {
    // messari/subgraphs deployment/deployment.json, decentralized-network query-id (since 2023-06-21)
    SandboxOptions defaults = SandboxOptions.builder().build();
    assertEquals("C2zniPn45RnLDGzVeGZCx2Sw3GXrbc9gL4ZfL8B8Em2j", defaults.deploymentId("aave_v2"));
    assertEquals("4TbqVA8p2DoBd5qDbPMwmDZv3CsJjWtxo8nVSqF2tA9a", defaults.deploymentId("compound_v2"));
    assertEquals("JCNWRypm7FYwV8fx5HhzZPSFaMxgkPuw4TnR3Gpi81zk", defaults.deploymentId("aave_v3"));
    SandboxOptions custom = defaults.toBuilder().deploymentId("aave_v3", "QmCustomV3").build();
    assertEquals("QmCustomV3", custom.deploymentId("aave_v3"));
    assertEquals("QmCustomV3", custom.toBuilder().build().deploymentId("aave_v3"));
    assertThrows(IllegalArgumentException.class,
        () -> defaults.toBuilder().deploymentId("aave_v3", defaults.deploymentId("aave_v2")).build());
    assertThrows(IllegalArgumentException.class, () -> defaults.toBuilder().deploymentId("maker", "Qm1"));
  }

  @Test
  void badArgumentsSayWhatIsWrong() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> SandboxMain.parse(new String[] {"--days", "x"}))
        .getMessage().contains("--days must be an integer"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> SandboxMain.parse(new String[] {"--wallets", "0"}))
        .getMessage().contains("wallets must be at least 1"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> SandboxMain.parse(new String[] {"--colour", "red"}))
        .getMessage().contains("unknown option --colour"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> SandboxMain.parse(new String[] {"--start-date", "yesterday"}))
        .getMessage().contains("--start-date"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> SandboxMain.parse(new String[] {"--seed"}))
        .getMessage().contains("missing value after --seed"));
  }

  private static int limitedOutOf10(Sandbox sandbox) throws Exception {
    int limited = 0;
    for (int i = 0; i < 10; i++) {
      limited += Http.sql(sandbox, "SELECT 1 AS one", Map.of()).status() == 429 ? 1 : 0;
    }
    return limited;
  }

  @Test
  void startsPrintsEndpointsAndKeysAndStopsCleanly() throws Exception {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    SandboxOptions o = SandboxMain.parse(new String[] {"--port", "0", "--seed", "3", "--wallets", "30", "--days", "2",
        "--transpose-rate-limit", "1"});
    Sandbox sandbox = SandboxMain.start(o, new PrintStream(buffer, true, StandardCharsets.UTF_8));
    String out = buffer.toString(StandardCharsets.UTF_8);
    try {
      assertTrue(out.contains(sandbox.subgraphBaseUrl()), out);
      assertTrue(out.contains("/sql"), out);
      assertTrue(out.contains(sandbox.subgraphApiKey()), out);
      assertTrue(out.contains(sandbox.transposeApiKey()), out);
      for (String p : sandbox.simulation().protocols()) {
        assertTrue(out.contains(sandbox.deploymentId(p)), out);
      }
      assertEquals(200, Http.graphql(sandbox, "aave_v2", "{ _meta { block { number } } }", Map.of()).status());
      assertTrue(limitedOutOf10(sandbox) > 0, "--transpose-rate-limit 1 must limit 10 quick requests");
      sandbox.faults().reset();
      assertTrue(limitedOutOf10(sandbox) > 0, "a fault reset keeps the configured rate limit");
    } finally {
      sandbox.close();
    }
    assertThrows(IOException.class, () -> Http.graphql(sandbox, "aave_v2", "{ _meta { block { number } } }", Map.of()));
  }
}
