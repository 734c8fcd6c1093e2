package dev.defilakehouse.local.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.defilakehouse.common.catalog.TableCatalog;
import dev.defilakehouse.common.catalog.TableSpec;
import dev.defilakehouse.common.config.Env;
import dev.defilakehouse.common.delta.LakehouseTables;
import dev.defilakehouse.common.testing.ChildJvm;
import dev.defilakehouse.common.testing.SparkTestSession;
import dev.defilakehouse.local.s3.DynamoDbTestServer;
import dev.defilakehouse.local.s3.S3TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 28: two driver JVMs write one Delta table on {@code s3a://} at the same moment, each its
 * own day, as an Airflow retry beside a run still being cancelled, or a backfill beside the DAG,
 * would. {@link RacingS3AFileSystem} makes both pass S3A's "commit file absent" check before either
 * puts it. With Delta's default S3 log store both drivers report success and one day's commit is
 * silently gone; with the DynamoDB log store the runs' sessions get from their options (on a local
 * DynamoDB, dynalite) both commits are in the table.
 */
// Four Spark driver JVMs, two at a time: in `make reliability`, not in `make test` (the CI budget);
// DynamoDbLogStoreTest covers the log store in `make test`.
@org.junit.jupiter.api.Tag("reliability-long")
class ConcurrentWritersTest {
  private static final String COMMIT_TABLE = "defi-lakehouse-test-delta-log";
  private static final String RACED_COMMIT = "00000000000000000002.json";
  private static final List<String> DAYS = List.of("2024-01-01", "2024-01-02", "2024-01-03");

  private static S3TestServer s3;
  private static DynamoDbTestServer dynamoDb;
  private final SparkSession spark = SparkTestSession.get();
  private final TableSpec table = TableCatalog.get().table(TableWriterMain.TABLE);

  @BeforeAll
  static void startServers() throws Exception {
    dynamoDb = DynamoDbTestServer.start();
    dynamoDb.createCommitTable(COMMIT_TABLE);
    s3 = S3TestServer.start();
    s3.attach(SparkTestSession.get());
  }

  @AfterAll
  static void stopServers() throws Exception {
    if (s3 != null) {
      s3.detach(SparkTestSession.get());
      s3.close();
    }
    if (dynamoDb != null) {
      dynamoDb.close();
    }
  }

  @Test
  void twoDriversCommittingOneTableAtOnceLoseACommitWithDeltasDefaultAndNoneThroughDynamoDb() throws Exception {
    // kept after the run (target/), so a failure can be read in the writers' own output
    Path tmp = Path.of("target", "concurrent-writers", String.valueOf(System.currentTimeMillis())).toAbsolutePath();
    String unsafeRoot = rootWithFirstDay("race-default");
    String safeRoot = rootWithFirstDay("race-dynamodb");
    // one pair at a time: four Spark drivers at once are too much for a 2-core machine
    List<ChildJvm.Result> unsafeResults = race(tmp.resolve("default"), unsafeRoot, Map.of());
    List<ChildJvm.Result> safeResults = race(tmp.resolve("dynamodb"), safeRoot, dynamoDb.options(COMMIT_TABLE));

    // Delta's default: both drivers succeed, both at version 2, and one day is not in the table
    unsafeResults.forEach(r -> assertEquals(0, r.exitCode(), r.toString()));
    assertEquals(2, RacingS3AFileSystem.arrivals(tmp.resolve("default/barrier")),
        "both drivers were inside the race together");
    TreeSet<String> unsafeDays = daysIn(unsafeRoot);
    assertEquals(2, unsafeDays.size(), "one of the two concurrent commits is lost: " + unsafeDays);
    Map<Long, String> unsafeCommits = runIdByVersion(unsafeRoot);
    assertEquals(List.of(0L, 1L, 2L), List.copyOf(unsafeCommits.keySet()), unsafeCommits.toString());
    String lostDay = DAYS.stream().filter(d -> !unsafeDays.contains(d)).findFirst().orElseThrow();
    assertTrue(unsafeCommits.get(2L).equals("writer-" + DAYS.get(1)) || unsafeCommits.get(2L).equals("writer-" + DAYS.get(2)),
        unsafeCommits.toString());
    assertTrue(!unsafeCommits.containsValue("writer-" + lostDay), "the lost writer's commit is in no version");

    // DynamoDB log store: both succeed, at versions 2 and 3, and every day is in the table
    safeResults.forEach(r -> assertEquals(0, r.exitCode(), r.toString()));
    TreeSet<String> safeDays = daysIn(safeRoot);
    assertEquals(new TreeSet<>(DAYS), safeDays, "no commit lost");
    Map<Long, String> safeCommits = runIdByVersion(safeRoot);
    assertEquals(List.of(0L, 1L, 2L, 3L), List.copyOf(safeCommits.keySet()), safeCommits.toString());
    assertEquals(Set.of("writer-" + DAYS.get(1), "writer-" + DAYS.get(2)), Set.of(safeCommits.get(2L), safeCommits.get(3L)),
        "one commit each: " + safeCommits);
    String tablePath = new LakehouseTables(spark, Env.LOCAL, safeRoot, "check", TableCatalog.get()).location(table);
    List<Map<String, String>> items = dynamoDb.items(COMMIT_TABLE).stream()
        .filter(i -> i.get("tablePath").equals(tablePath)).toList();
    assertEquals(List.of("00000000000000000002.json", "00000000000000000003.json"),
        items.stream().map(i -> i.get("fileName")).sorted().toList(), items.toString());
    long now = System.currentTimeMillis() / 1000;
    for (Map<String, String> item : items) {
      assertEquals("true", item.get("complete"), item.toString());
      long expires = Long.parseLong(item.get("expireTime"));
      assertTrue(expires > now + 86_000 && expires <= now + 86_400, "expires a day after completion: " + item);
    }
    long safeArrivals = RacingS3AFileSystem.arrivals(tmp.resolve("dynamodb/barrier"));

    ReliabilityLog.record(new ReliabilityLog.Case("concurrent writers",
        "two drivers commit one s3a:// table at once (" + TableWriterMain.TABLE + ", a day each)",
        "both past S3A's commit-file check before either put it (2 JVMs at a barrier)",
        "DynamoDB log store: both exited 0, their commits are versions 2 and 3, all 3 days in the table, both DynamoDB entries "
            + "complete (" + safeArrivals + " copies of commit 2 raced, same bytes); Delta's default "
            + "S3SingleDriverLogStore in the same race: both exited 0, one commit 2 overwrote the other, day "
            + lostDay + " lost (1 row)",
        DAYS.size() - safeDays.size(), safeDays.size() == DAYS.size()));
  }

  /** A fresh bucket with the table created and its first day written (versions 0 and 1) by this JVM. */
  private String rootWithFirstDay(String prefix) {
    String bucket = S3TestServer.uniqueBucketName(prefix);
    s3.createBucket(bucket);
    String root = "s3a://" + bucket + "/lakehouse";
    LakehouseTables tables = new LakehouseTables(spark, Env.LOCAL, root, "setup", TableCatalog.get());
    tables.replaceWhere(table, spark.sql("SELECT 'aave_v2' protocol, DATE'" + DAYS.get(0)
        + "' snapshot_date, '0x1' token_address, 1.5D price_usd"), "snapshot_date = '" + DAYS.get(0) + "'");
    assertEquals(1, tables.latestVersion(table));
    return root;
  }

  private TreeSet<String> daysIn(String root) {
    String location = new LakehouseTables(spark, Env.LOCAL, root, "check", TableCatalog.get()).location(table);
    return new TreeSet<>(spark.read().format("delta").load(location)
        .selectExpr("CAST(snapshot_date AS STRING)").as(Encoders.STRING()).collectAsList());
  }

  /** Version to the run id its commit recorded (LakehouseTables stamps it into userMetadata). */
  private Map<Long, String> runIdByVersion(String root) {
    String location = new LakehouseTables(spark, Env.LOCAL, root, "check", TableCatalog.get()).location(table);
    Map<Long, String> commits = new TreeMap<>();
    spark.sql("DESCRIBE HISTORY delta.`" + location + "`").select("version", "userMetadata").collectAsList()
        .forEach(r -> commits.put(r.getLong(0), r.isNullAt(1) ? "-"
            : r.getString(1).replaceAll(".*\"run_id\":\"([^\"]*)\".*", "$1")));
    return commits;
  }

  /** Two drivers writing the next two days of {@code root} at once; their results once both ended. */
  private static List<ChildJvm.Result> race(Path pairDir, String root, Map<String, String> extraOptions)
      throws Exception {
    List<ChildJvm.Started> writers = new ArrayList<>();
    try {
      for (String day : DAYS.subList(1, 3)) {
        writers.add(startWriter(pairDir, root, day, extraOptions));
      }
      List<ChildJvm.Result> results = new ArrayList<>();
      for (ChildJvm.Started writer : writers) {
        // a bound only so a hung writer cannot hang the build
        if (!writer.process().waitFor(5, TimeUnit.MINUTES)) {
          throw new IllegalStateException("a writer did not finish in 5 minutes; its output is in " + writer.stderr());
        }
        results.add(new ChildJvm.Result(writer.process().exitValue(),
            Files.readString(writer.stdout(), StandardCharsets.UTF_8),
            Files.readString(writer.stderr(), StandardCharsets.UTF_8)));
      }
      return results;
    } finally {
      for (ChildJvm.Started writer : writers) {
        writer.process().destroyForcibly().waitFor();
      }
    }
  }

  private static ChildJvm.Started startWriter(Path pairDir, String root, String day, Map<String, String> extraOptions)
      throws Exception {
    List<String> args = new ArrayList<>(List.of(root, day, "writer-" + day));
    Map<String, String> options = new LinkedHashMap<>(s3.s3aOptions());
    options.put("s3a.impl", RacingS3AFileSystem.class.getName());
    options.putAll(extraOptions);
    options.forEach((k, v) -> args.add(k + "=" + v));
    List<String> jvm = List.of("-D" + RacingS3AFileSystem.FILE + "=" + RACED_COMMIT,
        "-D" + RacingS3AFileSystem.BARRIER + "=" + pairDir.resolve("barrier"));
    return ChildJvm.start(jvm, ChildJvm.testClasspath(), TableWriterMain.class.getName(), args,
        dynamoDb.environment(), pairDir.resolve("writer-" + day));
  }
}
