package dev.defilakehouse.local;

import static dev.defilakehouse.common.testing.RawDailyBlocks.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.defilakehouse.common.testing.ChildJvm;
import dev.defilakehouse.common.testing.RawDailyBlocks;
import dev.defilakehouse.common.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded job jar, as spark-submit runs it on a plain Spark 4.0: the child classpath is Spark
 * and its dependencies only; the job, Delta, hadoop-aws and OkHttp must come from the jar.
 * Runs in the integration-test phase, after the jobs module is packaged.
 */
class ShadedJarSparkSubmitIT {
  private static final String JOB = "stage.transpose_ethereum_daily_blocks";
  /** What the shaded jar brings, so the child must not get it from the test classpath. */
  private static final List<String> NOT_IN_SPARK = List.of("/io/delta/", "/org/apache/hadoop/hadoop-aws/",
      "/software/amazon/", "/com/squareup/", "/org/jetbrains/", "/com/graphql-java/", "/com/h2database/",
      "/org/junit/", "/org/opentest4j/", "/org/apiguardian/", "/org/apache/maven/");

  private static Path jar;
  private static Set<String> entries;

  @BeforeAll
  static void openJar() throws Exception {
    jar = Path.of(System.getProperty("shaded.jar", "")).toAbsolutePath().normalize();
    assertTrue(Files.isRegularFile(jar), "no shaded jar at " + jar + ": run ./mvnw verify (it packages jobs first)");
    try (JarFile file = new JarFile(jar.toFile())) {
      entries = file.stream().map(e -> e.getName()).collect(Collectors.toSet());
    }
  }

  @Test
  void theJarCarriesDeltaS3aAndOkHttpButNeitherSparkNorScalaNorTheSdkBundle() {
    for (String needed : List.of("dev/defilakehouse/jobs/Launcher.class", "table-catalog/catalog.json",
        "io/delta/tables/DeltaTable.class", "org/apache/spark/sql/delta/DeltaLog.class",
        "org/apache/hadoop/fs/s3a/S3AFileSystem.class", "software/amazon/awssdk/services/s3/S3Client.class",
        "dev/defilakehouse/shaded/okhttp3/OkHttpClient.class")) {
      assertTrue(entries.contains(needed), "the shaded jar lacks " + needed);
    }
    List<String> unwanted = entries.stream().filter(e -> e.startsWith("scala/") || e.startsWith("okhttp3/")
        || e.startsWith("org/apache/spark/sql/SparkSession") || e.startsWith("org/apache/spark/SparkContext")
        || e.startsWith("org/apache/spark/sql/Dataset") || e.startsWith("META-INF/maven/software.amazon.awssdk/bundle/")
        || e.startsWith("software/amazon/awssdk/bundle") || e.startsWith("dev/defilakehouse/sandbox/")).limit(5).toList();
    assertEquals(List.of(), unwanted, "the shaded jar carries what Spark provides or what must stay out");
  }

  @Test
  void sparkSubmitRunsAJobFromTheShadedJar(@TempDir Path tmp) throws Exception {
    Path root = tmp.resolve("lakehouse");
    SparkSession spark = SparkTestSession.get();
    RawDailyBlocks.write(spark, root.toString(),
        "2024-01-01", payload(18_908_895, "2024-01-01T00:00:11Z"),
        "2024-01-02", payload(18_916_023, "2024-01-02T00:00:23Z"));

    Path repo = jar.getParent().getParent().getParent();
    List<String> sparkOnly = ChildJvm.testClasspath().stream()
        .filter(entry -> !Path.of(entry).toAbsolutePath().normalize().startsWith(repo))
        .filter(entry -> NOT_IN_SPARK.stream().noneMatch(entry.replace('\\', '/')::contains))
        .toList();
    ChildJvm.Result submitted = ChildJvm.run(sparkOnly, "org.apache.spark.deploy.SparkSubmit", List.of(
        "--master", "local[2]", "--conf", "spark.sql.shuffle.partitions=2", "--conf", "spark.ui.enabled=false",
        "--class", "dev.defilakehouse.jobs.Launcher", jar.toString(),
        JOB, "--env", "local", "--start", "2024-01-01", "--end", "2024-01-02", "--lakehouse-root", root.toString()),
        Map.of("TRANSPOSE_API_KEY", "tp-SECRET-shaded-1"), tmp);

    assertEquals(0, submitted.exitCode(), submitted::toString);
    assertTrue(submitted.stdout().lines().anyMatch(l -> l.startsWith("SUMMARY job=" + JOB + " status=ok read=2 written=2")),
        submitted::toString);
    assertFalse(submitted.output().contains("tp-SECRET-shaded-1"), submitted::toString);
    assertEquals(2, spark.read().format("delta").load(root.resolve("stage/transpose_ethereum_daily_blocks").toString())
        .count());
  }
}
