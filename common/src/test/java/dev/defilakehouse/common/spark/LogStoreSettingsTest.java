package dev.defilakehouse.common.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.defilakehouse.common.config.BadArgumentException;
import dev.defilakehouse.common.config.Env;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which runs commit through DynamoDB, on which table and region (issue 28). */
class LogStoreSettingsTest {
  private static final String STORE = "dev.defilakehouse.common.delta.DynamoDbLogStore";

  @Test
  void devAndProdOnS3UseTheirEnvsDynamoDbTableForBothS3Schemes() {
    Map<String, String> prod = LogStoreSettings.forRun(Env.PROD, "s3a://data-lakehouse-prod", Map.of(),
        Map.of("AWS_REGION", "eu-west-1"));
    assertEquals(Map.of(
            "spark.delta.logStore.s3a.impl", STORE,
            "spark.delta.logStore.s3.impl", STORE,
            "spark.io.delta.storage.S3DynamoDBLogStore.ddb.tableName", "defi-lakehouse-prod-delta-log",
            "spark.io.delta.storage.S3DynamoDBLogStore.ddb.region", "eu-west-1"),
        prod);
    Map<String, String> dev = LogStoreSettings.forRun(Env.DEV, "s3://data-lakehouse-dev", Map.of(), Map.of());
    assertEquals("defi-lakehouse-dev-delta-log", dev.get("spark.io.delta.storage.S3DynamoDBLogStore.ddb.tableName"));
    assertEquals("us-east-1", dev.get("spark.io.delta.storage.S3DynamoDBLogStore.ddb.region"),
        "without AWS_REGION: Terraform's default region");
  }

  @Test
  void localAndFileRootsKeepDeltasDefaultAndSoDoLocalRunsOnS3WithoutATable() {
    assertEquals(Map.of(), LogStoreSettings.forRun(Env.LOCAL, "/tmp/lakehouse", Map.of(), Map.of()));
    assertEquals(Map.of(), LogStoreSettings.forRun(Env.DEV, "file:/tmp/lakehouse", Map.of(), Map.of()));
    assertEquals(Map.of(), LogStoreSettings.forRun(Env.LOCAL, "s3a://bucket", Map.of(), Map.of()));
  }

  @Test
  void optionsNameTheTableRegionAndEndpointOfALocalDynamoDb() {
    Map<String, String> local = LogStoreSettings.forRun(Env.LOCAL, "s3a://bucket/lakehouse",
        Map.of("dynamodb.table", "commits", "dynamodb.region", "us-west-2", "dynamodb.endpoint", "http://127.0.0.1:8000"),
        Map.of("AWS_REGION", "eu-west-1"));
    assertEquals(STORE, local.get("spark.delta.logStore.s3a.impl"));
    assertEquals("commits", local.get("spark.io.delta.storage.S3DynamoDBLogStore.ddb.tableName"));
    assertEquals("us-west-2", local.get("spark.io.delta.storage.S3DynamoDBLogStore.ddb.region"), "the option wins");
    assertEquals("http://127.0.0.1:8000", local.get("spark.lakehouse.dynamodb.endpoint"));
  }

  @Test
  void badValuesAreBadArguments() {
    assertMessage("not a DynamoDB table name",
        () -> LogStoreSettings.forRun(Env.PROD, "s3a://b", Map.of("dynamodb.table", "a b"), Map.of()));
    assertMessage("not an AWS region",
        () -> LogStoreSettings.forRun(Env.PROD, "s3a://b", Map.of("dynamodb.region", "Frankfurt"), Map.of()));
    assertMessage("not an http(s)://host:port URL",
        () -> LogStoreSettings.forRun(Env.PROD, "s3a://b", Map.of("dynamodb.endpoint", "127.0.0.1:8000"), Map.of()));
    assertMessage("is not an s3a:// root",
        () -> LogStoreSettings.forRun(Env.LOCAL, "/tmp/x", Map.of("dynamodb.table", "commits"), Map.of()));
    assertMessage("need --option dynamodb.table",
        () -> LogStoreSettings.forRun(Env.LOCAL, "s3a://b", Map.of("dynamodb.endpoint", "http://h:1"), Map.of()));
  }

  private static void assertMessage(String part, org.junit.jupiter.api.function.Executable call) {
    BadArgumentException e = assertThrows(BadArgumentException.class, call);
    assertTrue(e.getMessage().contains(part), e.getMessage());
  }
}
