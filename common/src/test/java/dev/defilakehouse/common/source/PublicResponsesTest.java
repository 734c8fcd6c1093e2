package dev.defilakehouse.common.source;

import static dev.defilakehouse.common.source.HttpTestSupport.SUBGRAPH_KEY;
import static dev.defilakehouse.common.source.HttpTestSupport.TRANSPOSE_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.defilakehouse.common.testing.PublicPayloads;
import java.time.Clock;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The clients on responses the real services gave, as published (sources: resources/contract/README.md). */
class PublicResponsesTest {
  private MockWebServer server;

  @BeforeEach
  void start() throws Exception {
    server = HttpTestSupport.startServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void transposesDocumentedSuccessResponseKeepsEachRowVerbatim() {
    server.enqueue(HttpTestSupport.json(PublicPayloads.read("transpose-sql-success.json")));
    try (SourceHttp http = HttpTestSupport.http(TransposeClient.SOURCE, "TRANSPOSE_API_KEY", TRANSPOSE_KEY, 1,
        new HttpTestSupport.RecordingSleeper(), Clock.systemUTC())) {
      TransposeClient client = new TransposeClient(http, server.url("/").toString(), TRANSPOSE_KEY, 10);
      TransposeClient.Page page = client.query("SELECT * FROM ethereum.accounts LIMIT {{n}}",
          new SqlParameters().integer("n", 1), "docs example");
      assertFalse(page.truncated());
      assertEquals(1, page.rows().size());
      TransposeClient.Row row = page.rows().get(0);
      // the EIP-55 spelling and the null survive into the raw payload; stage lowercases addresses
      assertTrue(row.payload().contains("\"address\": \"0xa330BF3A28a5C7BB36Da83837f450e89e456eaF1\""), row.payload());
      assertTrue(row.fields().path("creator_address").isNull());
      assertEquals("2022-10-01T17:26:11Z", JsonText.text(row.fields(), "created_timestamp"));
    }
  }

  @Test
  void transposesDocumentedErrorResponseBecomesAClearError() {
    server.enqueue(HttpTestSupport.status(400, PublicPayloads.read("transpose-sql-error.json")));
    try (SourceHttp http = HttpTestSupport.http(TransposeClient.SOURCE, "TRANSPOSE_API_KEY", TRANSPOSE_KEY, 3,
        new HttpTestSupport.RecordingSleeper(), Clock.systemUTC())) {
      TransposeClient client = new TransposeClient(http, server.url("/").toString(), TRANSPOSE_KEY, 10);
      SourceException e = assertThrows(SourceException.class, () -> client.query("SELECT * FROM error_test",
          new SqlParameters(), "docs example"));
      assertEquals(1, server.getRequestCount(), "bad SQL is not retried");
      assertTrue(e.getMessage().contains("HTTP 400: Execution error: Table 'error_test' does not exist"), e.getMessage());
    }
  }

  @Test
  void theGatewaysRealBadKeyAnswerFailsAsAKeyProblem() {
    server.enqueue(HttpTestSupport.json(PublicPayloads.read("gateway-auth-error.json")));
    try (SourceHttp http = HttpTestSupport.http(SubgraphClient.SOURCE, "SUBGRAPH_API_KEY", SUBGRAPH_KEY, 3,
        new HttpTestSupport.RecordingSleeper(), Clock.systemUTC())) {
      SubgraphClient client = new SubgraphClient(http, server.url("/").toString(), SUBGRAPH_KEY, "compound_v2",
          "4TbqVA8p2DoBd5qDbPMwmDZv3CsJjWtxo8nVSqF2tA9a", 1000);
      SourceAuthException e = assertThrows(SourceAuthException.class,
          () -> client.fetchAll(SubgraphClient.Entity.MARKETS, 7_812_702L, n -> { }));
      assertEquals(1, server.getRequestCount(), "not retried");
      assertTrue(e.getMessage().contains("SUBGRAPH_API_KEY"), e.getMessage());
      assertFalse(e.getMessage().contains(SUBGRAPH_KEY));
    }
  }
}
