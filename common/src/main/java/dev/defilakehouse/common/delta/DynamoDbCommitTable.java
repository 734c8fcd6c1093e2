package dev.defilakehouse.common.delta;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * The DynamoDB table that orders the commits of Delta tables on S3: one item per commit file,
 * keyed by the Delta table's path and the commit's file name. Items have the attributes Delta's
 * own {@code io.delta.storage.S3DynamoDBLogStore} writes (delta-io/delta, tag v4.0.0,
 * storage-s3-dynamodb/src/main/java/io/delta/storage/S3DynamoDBLogStore.java), so writers using
 * either class exclude each other through the same table.
 */
final class DynamoDbCommitTable {
  static final String TABLE_PATH = "tablePath";
  static final String FILE_NAME = "fileName";
  static final String TEMP_PATH = "tempPath";
  static final String COMPLETE = "complete";
  /** Epoch seconds after which DynamoDB's TTL may delete a completed item (Terraform enables TTL on it). */
  static final String EXPIRE_TIME = "expireTime";

  /** One commit: {@code tempPath} is relative to the table's {@code _delta_log}. */
  record Entry(String tablePath, String fileName, String tempPath, boolean complete, Long expireTime) {
    Entry completed(long ttlSeconds) {
      return new Entry(tablePath, fileName, tempPath, true, Instant.now().getEpochSecond() + ttlSeconds);
    }
  }

  // One client per region and endpoint for the JVM: Delta makes a log store per table.
  private static final Map<String, DynamoDbClient> CLIENTS = new ConcurrentHashMap<>();
  private static final Set<String> CHECKED_TABLES = ConcurrentHashMap.newKeySet();

  private final DynamoDbClient client;
  private final String tableName;

  private DynamoDbCommitTable(DynamoDbClient client, String tableName) {
    this.client = client;
    this.tableName = tableName;
  }

  /**
   * The table {@code tableName} in {@code region}, through {@code endpoint} when not null (a local
   * emulator; AWS otherwise). Credentials come from the SDK's default chain (environment, system
   * properties, web identity, the container or instance role). Checks once per JVM that the table
   * exists with the expected key.
   */
  static DynamoDbCommitTable open(String tableName, String region, String endpoint) {
    DynamoDbClient client = CLIENTS.computeIfAbsent(region + "|" + endpoint, k -> {
      DynamoDbClientBuilder builder = DynamoDbClient.builder()
          .region(Region.of(region))
          .credentialsProvider(DefaultCredentialsProvider.create())
          .httpClientBuilder(ApacheHttpClient.builder());
      if (endpoint != null) {
        builder.endpointOverride(URI.create(endpoint));
      }
      return builder.build();
    });
    DynamoDbCommitTable table = new DynamoDbCommitTable(client, tableName);
    if (CHECKED_TABLES.add(region + "|" + endpoint + "|" + tableName)) {
      try {
        table.checkKey(region);
      } catch (RuntimeException e) {
        CHECKED_TABLES.remove(region + "|" + endpoint + "|" + tableName);
        throw e;
      }
    }
    return table;
  }

  private void checkKey(String region) {
    TableDescription description;
    try {
      description = client.describeTable(b -> b.tableName(tableName)).table();
    } catch (ResourceNotFoundException e) {
      throw new IllegalStateException("the DynamoDB table '" + tableName + "' (region " + region + ") that orders "
          + "Delta commits on S3 does not exist: create it with Terraform (terraform/dynamodb.tf) or set "
          + "--option dynamodb.table to the table of this env");
    }
    List<KeySchemaElement> expected = List.of(
        KeySchemaElement.builder().attributeName(TABLE_PATH).keyType(KeyType.HASH).build(),
        KeySchemaElement.builder().attributeName(FILE_NAME).keyType(KeyType.RANGE).build());
    if (!description.keySchema().equals(expected)) {
      throw new IllegalStateException("the DynamoDB table '" + tableName + "' has the key " + description.keySchema()
          + ", not tablePath (HASH) + fileName (RANGE) as Delta's commit table needs");
    }
  }

  /** Puts the entry unless one exists for its commit file; false when one did (another writer won). */
  boolean putIfAbsent(Entry entry) {
    try {
      client.putItem(b -> b.tableName(tableName).item(item(entry))
          .conditionExpression("attribute_not_exists(" + FILE_NAME + ")"));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  void put(Entry entry) {
    client.putItem(b -> b.tableName(tableName).item(item(entry)));
  }

  Optional<Entry> get(String tablePath, String fileName) {
    Map<String, AttributeValue> item = client.getItem(b -> b.tableName(tableName).consistentRead(true)
        .key(Map.of(TABLE_PATH, s(tablePath), FILE_NAME, s(fileName)))).item();
    return item == null || item.isEmpty() ? Optional.empty() : Optional.of(entry(item));
  }

  /** The entry of the table's highest commit file name (file names sort by version). */
  Optional<Entry> latest(String tablePath) {
    List<Map<String, AttributeValue>> items = client.query(b -> b.tableName(tableName).consistentRead(true)
        .keyConditionExpression("#p = :p")
        .expressionAttributeNames(Map.of("#p", TABLE_PATH))
        .expressionAttributeValues(Map.of(":p", s(tablePath)))
        .scanIndexForward(false).limit(1)).items();
    return items.isEmpty() ? Optional.empty() : Optional.of(entry(items.get(0)));
  }

  private static Map<String, AttributeValue> item(Entry entry) {
    Map<String, AttributeValue> item = new java.util.HashMap<>();
    item.put(TABLE_PATH, s(entry.tablePath()));
    item.put(FILE_NAME, s(entry.fileName()));
    item.put(TEMP_PATH, s(entry.tempPath()));
    item.put(COMPLETE, s(Boolean.toString(entry.complete())));
    if (entry.expireTime() != null) {
      item.put(EXPIRE_TIME, AttributeValue.builder().n(entry.expireTime().toString()).build());
    }
    return item;
  }

  private static Entry entry(Map<String, AttributeValue> item) {
    AttributeValue expire = item.get(EXPIRE_TIME);
    return new Entry(item.get(TABLE_PATH).s(), item.get(FILE_NAME).s(), item.get(TEMP_PATH).s(),
        "true".equals(item.get(COMPLETE).s()), expire == null ? null : Long.parseLong(expire.n()));
  }

  private static AttributeValue s(String value) {
    return AttributeValue.builder().s(value).build();
  }
}
