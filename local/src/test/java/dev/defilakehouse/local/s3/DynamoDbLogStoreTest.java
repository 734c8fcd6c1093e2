package dev.defilakehouse.local.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.defilakehouse.common.delta.DynamoDbLogStore;
import dev.defilakehouse.common.spark.SparkSessions;
import io.delta.storage.CloseableIterator;
import java.nio.file.FileAlreadyExistsException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link DynamoDbLogStore} through Delta's log store API, on an S3-compatible server and a local
 * DynamoDB (dynalite): who may write commit N, and how a commit claimed by a writer that died
 * before copying it is finished by the next reader or writer. The two-driver race through Spark
 * is {@code ConcurrentWritersTest}.
 */
class DynamoDbLogStoreTest {
  private static final String COMMITS = "commit-table";
  private static S3TestServer s3;
  private static DynamoDbTestServer dynamoDb;
  private static Configuration conf;

  @BeforeAll
  static void start() throws Exception {
    dynamoDb = DynamoDbTestServer.start();
    dynamoDb.createCommitTable(COMMITS);
    s3 = S3TestServer.start();
    conf = new Configuration();
    SparkSessions.s3aHadoopSettings(s3.s3aOptions()).forEach(conf::set);
    // as the session passes them: Spark keys, copied into the Hadoop conf Delta hands the store
    conf.set("spark." + DynamoDbLogStore.TABLE_NAME, COMMITS);
    conf.set("spark." + DynamoDbLogStore.REGION, "us-east-1");
    conf.set("spark." + DynamoDbLogStore.ENDPOINT, dynamoDb.endpoint().toString());
    // the SDK's default credential chain reads these before the environment
    dynamoDb.environment().forEach((k, v) -> {
      if (k.equals("AWS_ACCESS_KEY_ID")) {
        System.setProperty("aws.accessKeyId", v);
      } else if (k.equals("AWS_SECRET_ACCESS_KEY")) {
        System.setProperty("aws.secretAccessKey", v);
      }
    });
  }

  @AfterAll
  static void stop() throws Exception {
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
    if (s3 != null) {
      s3.close();
    }
    if (dynamoDb != null) {
      dynamoDb.close();
    }
  }

  private static String newTable() {
    String bucket = S3TestServer.uniqueBucketName("logstore");
    s3.createBucket(bucket);
    return "s3a://" + bucket + "/raw/events";
  }

  private static Path commit(String table, long version) {
    return new Path(table + "/_delta_log/" + String.format("%020d.json", version));
  }

  @Test
  void eachCommitIsClaimedOnceInDynamoDbAndASecondWriterOfTheSameVersionIsRefused() throws Exception {
    String table = newTable();
    DynamoDbLogStore store = new DynamoDbLogStore(conf);
    store.write(commit(table, 0), lines("{\"commitInfo\":0}"), false, conf);
    store.write(commit(table, 1), lines("{\"commitInfo\":1}"), false, conf);

    assertEquals(List.of("{\"commitInfo\":1}"), read(store, commit(table, 1)));
    List<Map<String, String>> items = itemsOf(table);
    assertEquals(List.of("00000000000000000000.json", "00000000000000000001.json"),
        items.stream().map(i -> i.get("fileName")).sorted().toList());
    items.forEach(i -> assertEquals("true", i.get("complete"), i.toString()));
    assertTrue(items.stream().allMatch(i -> i.get("tempPath").startsWith(".tmp/") && i.get("expireTime") != null));

    // a writer that saw version 0 as the newest also tries to commit 1: Delta retries on this exception
    assertThrows(FileAlreadyExistsException.class,
        () -> store.write(commit(table, 1), lines("{\"commitInfo\":\"other\"}"), false, conf));
    assertEquals(List.of("{\"commitInfo\":1}"), read(store, commit(table, 1)), "the first commit 1 stands");
    // a commit with nothing before it on S3 or in DynamoDB is refused rather than leaving a gap
    assertThrows(java.nio.file.FileSystemException.class,
        () -> store.write(commit(table, 5), lines("{\"commitInfo\":5}"), false, conf));
  }

  @Test
  void aCommitClaimedByAWriterThatDiedBeforeCopyingItIsFinishedByTheNextWriter() throws Exception {
    String table = newTable();
    DynamoDbLogStore store = new DynamoDbLogStore(conf);
    store.write(commit(table, 0), lines("{\"commitInfo\":0}"), false, conf);
    claimWithoutCopying(table, 1, "{\"commitInfo\":\"died\"}");
    FileSystem fs = commit(table, 1).getFileSystem(conf);
    assertFalse(fs.exists(commit(table, 1)));

    // another writer of version 1 loses: the claim stands, though its file is not on S3 yet
    assertThrows(FileAlreadyExistsException.class,
        () -> store.write(commit(table, 1), lines("{\"commitInfo\":\"late\"}"), false, conf));
    // the writer of version 2 first finishes 1 from the temp file, then commits 2
    store.write(commit(table, 2), lines("{\"commitInfo\":2}"), false, conf);

    assertEquals(List.of("{\"commitInfo\":\"died\"}"), read(store, commit(table, 1)));
    assertEquals(List.of("{\"commitInfo\":2}"), read(store, commit(table, 2)));
    itemsOf(table).forEach(i -> assertEquals("true", i.get("complete"), i.toString()));
  }

  @Test
  void aReaderListingTheLogFinishesTheNewestClaimedCommitBeforeListing() throws Exception {
    String table = newTable();
    DynamoDbLogStore store = new DynamoDbLogStore(conf);
    store.write(commit(table, 0), lines("{\"commitInfo\":0}"), false, conf);
    claimWithoutCopying(table, 1, "{\"commitInfo\":\"died\"}");

    List<String> listed = new ArrayList<>();
    Iterator<FileStatus> files = store.listFrom(commit(table, 0), conf);
    files.forEachRemaining(f -> listed.add(f.getPath().getName()));

    assertEquals(List.of("00000000000000000000.json", "00000000000000000001.json"), listed);
    assertEquals(List.of("{\"commitInfo\":\"died\"}"), read(store, commit(table, 1)));
  }

  @Test
  void aMissingCommitTableIsReportedByName() {
    Configuration other = new Configuration(conf);
    other.set("spark." + DynamoDbLogStore.TABLE_NAME, "no-such-table");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> new DynamoDbLogStore(other));
    assertTrue(e.getMessage().contains("'no-such-table'") && e.getMessage().contains("terraform/dynamodb.tf"),
        e.getMessage());
  }

  /** What a writer leaves when it dies right after its claim: the temp file and an incomplete entry. */
  private static void claimWithoutCopying(String table, long version, String line) throws Exception {
    String name = String.format("%020d.json", version);
    String temp = ".tmp/" + name + ".crashed";
    Path tempFile = new Path(table + "/_delta_log/" + temp);
    try (var out = tempFile.getFileSystem(conf).create(tempFile, true)) {
      out.write((line + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    dynamoDb.put(COMMITS, Map.of("tablePath", table, "fileName", name, "tempPath", temp, "complete", "false"));
  }

  private static List<Map<String, String>> itemsOf(String table) {
    return dynamoDb.items(COMMITS).stream().filter(i -> i.get("tablePath").equals(table)).toList();
  }

  private static Iterator<String> lines(String... lines) {
    return List.of(lines).iterator();
  }

  private static List<String> read(DynamoDbLogStore store, Path path) throws Exception {
    List<String> lines = new ArrayList<>();
    try (CloseableIterator<String> it = store.read(path, conf)) {
      it.forEachRemaining(lines::add);
    }
    return lines;
  }
}
