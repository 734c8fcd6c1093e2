package dev.defilakehouse.local.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The shaded job jar that spark-submit and EMR Serverless run carries what {@code s3a://} needs:
 * hadoop-aws, the few AWS SDK v2 modules S3A uses, and Delta's S3 log store, but not the
 * ~700 MB SDK bundle. Runs when the reactor packaged jobs before these tests.
 */
class JobJarS3ContentsTest {

  private static Path jobJar() throws IOException {
    // surefire runs in the module folder (local/); the jobs module is its sibling
    Path target = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize()
        .resolveSibling("jobs").resolve("target");
    List<Path> jars;
    if (!Files.isDirectory(target)) {
      jars = List.of();
    } else {
      try (Stream<Path> files = Files.list(target)) {
        jars = files.filter(p -> p.getFileName().toString().matches("lakehouse-jobs-.*-spark\\.jar")).toList();
      }
    }
    assumeTrue(jars.size() == 1, "skipped: no shaded job jar at " + target + "/lakehouse-jobs-*-spark.jar"
        + " (found " + jars + "); run './mvnw -pl jobs -am package' or the full build first");
    return jars.get(0);
  }

  @Test
  void shadedJobJarCarriesS3aTheSdkModulesItNeedsAndBothS3LogStores() throws IOException {
    Path jar = jobJar();
    Set<String> entries = new TreeSet<>();
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      zip.stream().map(ZipEntry::getName).forEach(entries::add);
    }
    for (String required : List.of(
        "org/apache/hadoop/fs/s3a/S3AFileSystem.class",
        "org/apache/hadoop/fs/s3a/SimpleAWSCredentialsProvider.class",
        "software/amazon/awssdk/services/s3/S3Client.class",
        "software/amazon/awssdk/services/s3/S3AsyncClient.class",
        "software/amazon/awssdk/transfer/s3/S3TransferManager.class",
        "software/amazon/awssdk/services/sts/StsClient.class",
        "software/amazon/awssdk/http/apache/ApacheHttpClient.class",
        "io/delta/storage/S3SingleDriverLogStore.class",
        "dev/defilakehouse/common/delta/DynamoDbLogStore.class",
        "software/amazon/awssdk/services/dynamodb/DynamoDbClient.class")) {
      assertTrue(entries.contains(required), jar.getFileName() + " lacks " + required);
    }

    // the bundle would bring every AWS service client; only S3, STS and DynamoDB (commits) belong here
    Set<String> services = new TreeSet<>();
    String prefix = "software/amazon/awssdk/services/";
    entries.stream().filter(e -> e.startsWith(prefix) && e.indexOf('/', prefix.length()) > 0)
        .forEach(e -> services.add(e.substring(prefix.length(), e.indexOf('/', prefix.length()))));
    assertEquals(Set.of("dynamodb", "s3", "sts"), services, "AWS SDK service clients in " + jar.getFileName());
    assertFalse(entries.stream().anyMatch(e -> e.startsWith("META-INF/maven/software.amazon.awssdk/bundle/")),
        "the AWS SDK bundle is inside " + jar.getFileName());
    // the test-only S3 server never ships
    assertFalse(entries.stream().anyMatch(e -> e.startsWith("org/gaul/")), "s3proxy is inside " + jar.getFileName());
  }
}
