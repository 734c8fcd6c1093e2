package dev.defilakehouse.local.athena;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A one-node Trino server on 127.0.0.1 with a {@code delta} catalog (Delta Lake connector, file
 * metastore, native local file system) over one lakehouse folder: the engine Athena v3 is built
 * on, reading the tables the way Athena does. Only the delta-lake plugin is loaded, to start fast.
 */
public final class TrinoServer implements AutoCloseable {
  public static final String CATALOG = "delta";
  /** Where the lakehouse root appears inside the catalog's local file system. */
  private static final String LAKEHOUSE_DIR = "lakehouse";
  private static final Duration STARTUP_LIMIT = Duration.ofMinutes(5);

  private final Process process;
  private final int port;
  private final Path log;

  private TrinoServer(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /**
   * Writes {@code etc/} under {@code workDir}, launches the server with the JDK at {@code javaHome}
   * and waits until it has started.
   */
  public static TrinoServer start(Path trinoHome, Path javaHome, Path lakehouseRoot, Path workDir)
      throws IOException, InterruptedException {
    int port = freePort();
    Path etc = Files.createDirectories(workDir.resolve("etc"));
    Path fsRoot = Files.createDirectories(workDir.resolve("fs"));
    Files.createDirectories(fsRoot.resolve("metastore"));
    // the catalog's file system is rooted at fsRoot: the lakehouse is linked in, the metastore beside it
    Files.createSymbolicLink(fsRoot.resolve(LAKEHOUSE_DIR), lakehouseRoot.toAbsolutePath().toRealPath());
    Path plugins = Files.createDirectories(workDir.resolve("plugin"));
    Files.createSymbolicLink(plugins.resolve("delta-lake"), trinoHome.resolve("plugin/delta-lake"));

    write(etc.resolve("node.properties"),
        "node.environment=athena_check",
        "node.id=athena-check",
        "node.bind-ip=127.0.0.1",
        "node.internal-address=127.0.0.1");
    write(etc.resolve("config.properties"),
        "coordinator=true",
        "node-scheduler.include-coordinator=true",
        "http-server.http.port=" + port,
        "discovery.uri=http://127.0.0.1:" + port,
        "plugin.dir=" + plugins,
        "catalog.config-dir=" + etc.resolve("catalog"),
        "web-ui.enabled=false",
        "query.max-memory=512MB",
        "query.max-memory-per-node=512MB");
    write(Files.createDirectories(etc.resolve("catalog")).resolve(CATALOG + ".properties"),
        "connector.name=delta_lake",
        "hive.metastore=file",
        "hive.metastore.catalog.dir=local:///metastore",
        "fs.native-local.enabled=true",
        "local.location=" + fsRoot,
        "delta.register-table-procedure.enabled=true");
    List<String> jvm = List.of(
        "-Xmx1G",
        "-XX:+UseG1GC",
        "-XX:G1HeapRegionSize=32M",
        "-XX:+ExplicitGCInvokesConcurrent",
        "-XX:+ExitOnOutOfMemoryError",
        "-XX:-OmitStackTraceInFastThrow",
        "-XX:ReservedCodeCacheSize=256M",
        "-XX:PerMethodRecompilationCutoff=10000",
        "-XX:PerBytecodeRecompilationCutoff=10000",
        "-XX:+EnableDynamicAgentLoading",
        "-Djdk.attach.allowAttachSelf=true",
        "-Djdk.nio.maxCachedBufferSize=2000000",
        "-Dfile.encoding=UTF-8",
        "--enable-native-access=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow");
    write(etc.resolve("jvm.config"), jvm.toArray(String[]::new));

    // bin/launcher would merge node.properties into the config; launching the main class directly
    // needs neither Python nor the launcher binary, so both files are passed as -D options
    List<String> command = new ArrayList<>();
    command.add(TrinoJdk.javaExecutable(javaHome).toString());
    command.addAll(jvm);
    for (String line : Files.readAllLines(etc.resolve("node.properties"))) {
      command.add("-D" + line);
    }
    command.add("-Dconfig=" + etc.resolve("config.properties"));
    command.add("-cp");
    command.add(trinoHome.resolve("lib") + "/*");
    command.add("io.trino.server.TrinoServer");
    Path log = workDir.resolve("server.log");
    Process process = new ProcessBuilder(command).directory(workDir.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    TrinoServer server = new TrinoServer(process, port, log);
    try {
      server.awaitStarted();
    } catch (IOException | InterruptedException | RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  /** A location inside the lakehouse as the catalog's file system names it. */
  public String location(String relativePath) {
    return "local:///" + LAKEHOUSE_DIR + "/" + relativePath;
  }

  public Connection connect() throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", "athena-check");
    return DriverManager.getConnection("jdbc:trino://127.0.0.1:" + port + "/" + CATALOG, props);
  }

  public Path log() {
    return log;
  }

  private void awaitStarted() throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest info = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/info"))
        .timeout(Duration.ofSeconds(5)).build();
    Instant deadline = Instant.now().plus(STARTUP_LIMIT);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("Trino server exited with code " + process.exitValue()
            + " before it started; its log ends with:\n" + logTail());
      }
      try {
        HttpResponse<String> response = http.send(info, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200 && response.body().replace(" ", "").contains("\"starting\":false")) {
          return;
        }
      } catch (IOException notListeningYet) {
        // the HTTP server comes up late in startup
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("Trino server did not start within " + STARTUP_LIMIT.toMinutes()
        + " minutes (see " + log + "); its log ends with:\n" + logTail());
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void write(Path file, String... lines) throws IOException {
    Files.write(file, List.of(lines), StandardCharsets.UTF_8);
  }
}
