package dev.defilakehouse.local.s3;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * A DynamoDB-compatible server for tests: dynalite (npm, Apache-2.0; an implementation of the
 * DynamoDB API on an in-memory LevelDB) under Node on 127.0.0.1 with an ephemeral port. The first
 * use installs it with npm into {@code target/dynalite} (later runs reuse it); a machine without
 * node and npm skips the tests that need it. Everything it stores is gone when it is closed, and it
 * exits by itself when this JVM does (it watches its stdin).
 */
public final class DynamoDbTestServer implements AutoCloseable {
  /** Pinned: the version the concurrent-writer test was written against. */
  private static final String DYNALITE = "dynalite@4.0.0";
  private static final Path INSTALL_DIR = Path.of("target", "dynalite").toAbsolutePath();
  private static final String REGION = "us-east-1";
  // dynalite checks that requests are signed, not by whom
  private static final String ACCESS_KEY = "dynalite-test";
  private static final String SECRET_KEY = "dynalite-test-secret";
  private static final String SERVER_SCRIPT = String.join("\n",
      "const server = require('dynalite')({createTableMs: 0, deleteTableMs: 0, updateTableMs: 0});",
      "server.listen(0, '127.0.0.1', () => console.log('listening ' + server.address().port));",
      "process.stdin.on('end', () => process.exit(0));",
      "process.stdin.resume();");

  private final Process process;
  private final int port;
  private final DynamoDbClient client;

  private DynamoDbTestServer(Process process, int port) {
    this.process = process;
    this.port = port;
    this.client = DynamoDbClient.builder().region(Region.of(REGION)).endpointOverride(endpoint())
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .httpClientBuilder(ApacheHttpClient.builder()).build();
  }

  /** Installs dynalite if needed and starts it; close it when the test is done. */
  public static DynamoDbTestServer start() throws IOException, InterruptedException {
    Assumptions.assumeTrue(onPath("node") && onPath("npm"),
        "node and npm are not on the PATH: the DynamoDB emulator (npm dynalite) cannot run, so this test is skipped");
    install();
    ProcessBuilder builder = new ProcessBuilder("node", "-e", SERVER_SCRIPT).redirectErrorStream(true);
    builder.environment().put("NODE_PATH", INSTALL_DIR.resolve("node_modules").toString());
    Process process = builder.start();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
      try {
        return out.readLine();
      } catch (IOException e) {
        return null;
      }
    });
    String line;
    try {
      line = first.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      line = null;
    }
    if (line == null || !line.startsWith("listening ")) {
      process.destroyForcibly();
      throw new IllegalStateException("dynalite did not start: " + line);
    }
    // keep draining its output so it never blocks on a full pipe
    Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "dynalite-output");
    drain.setDaemon(true);
    drain.start();
    return new DynamoDbTestServer(process, Integer.parseInt(line.substring("listening ".length()).trim()));
  }

  private static synchronized void install() throws IOException, InterruptedException {
    if (Files.isRegularFile(INSTALL_DIR.resolve("node_modules/dynalite/package.json"))) {
      return;
    }
    Files.createDirectories(INSTALL_DIR);
    // optional native LevelDB bindings are not needed: the server keeps everything in memory
    List<String> command = List.of("npm", "install", "--prefix", INSTALL_DIR.toString(), "--no-save",
        "--no-package-lock", "--omit=optional", "--no-audit", "--no-fund", DYNALITE);
    Process npm = new ProcessBuilder(command).redirectErrorStream(true).start();
    CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
      try {
        return new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return e.toString();
      }
    });
    if (!npm.waitFor(5, TimeUnit.MINUTES)) {
      npm.destroyForcibly();
      throw new IllegalStateException("npm install " + DYNALITE + " did not finish in 5 minutes: is the npm registry "
          + "reachable?");
    }
    if (npm.exitValue() != 0) {
      throw new IllegalStateException("npm install " + DYNALITE + " failed (exit " + npm.exitValue() + "): is the npm "
          + "registry reachable? Its output:\n" + output.join());
    }
  }

  private static boolean onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  /** {@code http://127.0.0.1:<port>}. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** Creates a commit table as terraform/dynamodb.tf does: key tablePath (HASH) + fileName (RANGE), on demand. */
  public void createCommitTable(String name) {
    client.createTable(b -> b.tableName(name).billingMode(BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(
            AttributeDefinition.builder().attributeName("tablePath").attributeType(ScalarAttributeType.S).build(),
            AttributeDefinition.builder().attributeName("fileName").attributeType(ScalarAttributeType.S).build())
        .keySchema(
            KeySchemaElement.builder().attributeName("tablePath").keyType(KeyType.HASH).build(),
            KeySchemaElement.builder().attributeName("fileName").keyType(KeyType.RANGE).build()));
  }

  /** Every item of {@code table} as attribute name to string value, for checks. */
  public List<Map<String, String>> items(String table) {
    List<Map<String, String>> items = new ArrayList<>();
    client.scanPaginator(b -> b.tableName(table)).items().forEach(item -> {
      Map<String, String> row = new LinkedHashMap<>();
      item.forEach((k, v) -> row.put(k, v.s() != null ? v.s() : v.n()));
      items.add(row);
    });
    return items;
  }

  /** Puts an item of string attributes, as another writer would have left it. */
  public void put(String table, Map<String, String> attributes) {
    Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> item = new LinkedHashMap<>();
    attributes.forEach((k, v) -> item.put(k, software.amazon.awssdk.services.dynamodb.model.AttributeValue.builder()
        .s(v).build()));
    client.putItem(b -> b.tableName(table).item(item));
  }

  /** The {@code --option} settings that send a run's commits through {@code table} on this server. */
  public Map<String, String> options(String table) {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("dynamodb.table", table);
    options.put("dynamodb.region", REGION);
    options.put("dynamodb.endpoint", endpoint().toString());
    return options;
  }

  /** Environment of a process using this server: the SDK's default chain reads the keys from here. */
  public Map<String, String> environment() {
    return Map.of("AWS_ACCESS_KEY_ID", ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", SECRET_KEY, "AWS_REGION", REGION);
  }

  @Override
  public void close() {
    client.close();
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
