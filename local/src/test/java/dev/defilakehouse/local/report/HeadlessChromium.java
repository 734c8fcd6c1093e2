package dev.defilakehouse.local.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's Chromium, headless, driven over the Chrome DevTools Protocol (a WebSocket, OkHttp's
 * client): open a page, run script in it, take screenshots, and collect what it reports as an
 * error (uncaught exceptions, console.error, the browser's own error log entries). The flags are
 * those known to work on these machines (no sandbox as root, no background networking: the
 * network is closed).
 *
 * <p>Without a Chromium the test fails saying how to get one ({@code make test} installs it when
 * it can); {@code LAKEHOUSE_SKIP_BROWSER_TEST=1} skips it instead, for a machine that cannot have
 * one, except on CI.
 */
public final class HeadlessChromium implements AutoCloseable {
  public static final String SKIP_VARIABLE = "LAKEHOUSE_SKIP_BROWSER_TEST";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LISTENING = Pattern.compile("DevTools listening on ws://127\\.0\\.0\\.1:(\\d+)/");
  private static final Duration WAIT = Duration.ofSeconds(60);

  private final Process process;
  private final Path profile;
  private final OkHttpClient http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(30)).build();
  private final int port;

  private HeadlessChromium(Process process, Path profile, int port) {
    this.process = process;
    this.profile = profile;
    this.port = port;
  }

  /** The Chromium binary: $CHROMIUM, else chromium or chromium-browser on the PATH. */
  static Path binary() {
    String given = System.getenv("CHROMIUM");
    if (given != null && !given.isBlank()) {
      return Path.of(given);
    }
    for (String name : List.of("chromium", "chromium-browser")) {
      for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(java.io.File.pathSeparator)) {
        Path candidate = Path.of(dir, name);
        if (Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    String advice = "no Chromium found (CHROMIUM, chromium or chromium-browser on the PATH): make test installs "
        + "Debian's chromium when it runs as root with apt-get (scripts/ensure-chromium.sh); otherwise install it "
        + "(sudo apt-get install chromium) or point CHROMIUM at a Chromium or Chrome binary. " + SKIP_VARIABLE
        + "=1 skips this test on a machine that cannot have one.";
    // CI (CI=true) never skips: its make test installs Chromium, so a missing one is a failure there
    Assumptions.assumeFalse("1".equals(System.getenv(SKIP_VARIABLE)) && !"true".equals(System.getenv("CI")), advice);
    return Assertions.fail(advice);
  }

  /** Starts Chromium with a fresh profile (a temporary directory, gone on close), ready for DevTools. */
  public static HeadlessChromium start() throws IOException {
    Path binary = binary();
    Path profile = Files.createTempDirectory("chromium-profile");
    Process process = new ProcessBuilder(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-extensions", "--hide-scrollbars", "--user-data-dir=" + profile,
        "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "about:blank")
        .redirectErrorStream(true).start();
    CompletableFuture<Integer> port = new CompletableFuture<>();
    List<String> output = new ArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String line; (line = lines.readLine()) != null; ) {
          synchronized (output) {
            output.add(line);
          }
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            port.complete(Integer.parseInt(m.group(1)));
          }
        }
      } catch (IOException ignored) {
        // the browser is gone; its exit is reported below
      }
      port.completeExceptionally(new IllegalStateException("Chromium ended without opening DevTools"));
    }, "chromium-output");
    reader.setDaemon(true);
    reader.start();
    try {
      return new HeadlessChromium(process, profile, port.get(WAIT.toSeconds(), TimeUnit.SECONDS));
    } catch (Exception e) {
      process.destroyForcibly();
      deleteTree(profile);
      synchronized (output) {
        throw new IllegalStateException("Chromium did not start: " + e.getMessage() + "\n" + String.join("\n", output), e);
      }
    }
  }

  /** The tab Chromium opened, over its own DevTools WebSocket. */
  public Tab tab() throws IOException {
    try (Response response = http.newCall(new Request.Builder().url("http://127.0.0.1:" + port + "/json/list").build())
        .execute()) {
      for (JsonNode target : JSON.readTree(response.body().string())) {
        if (target.path("type").asText().equals("page")) {
          return new Tab(http, target.path("webSocketDebuggerUrl").asText());
        }
      }
    }
    throw new IllegalStateException("Chromium has no page to drive");
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
    deleteTree(profile);
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temporary directory: the system cleans up what is left
    }
  }

  /** One page, driven by DevTools commands; its errors are collected from the moment it is opened. */
  public static final class Tab {
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
    private final List<String> errors = new ArrayList<>();

    private Tab(OkHttpClient http, String url) {
      socket = http.newWebSocket(new Request.Builder().url(url).build(), new WebSocketListener() {
        @Override
        public void onMessage(WebSocket webSocket, String text) {
          try {
            JsonNode message = JSON.readTree(text);
            if (message.has("id")) {
              CompletableFuture<JsonNode> reply = pending.remove(message.get("id").asInt());
              if (reply != null) {
                reply.complete(message);
              }
            } else {
              collectError(message);
              events.add(message);
            }
          } catch (IOException e) {
            synchronized (errors) {
              errors.add("unreadable DevTools message: " + e.getMessage());
            }
          }
        }

        @Override
        public void onFailure(WebSocket webSocket, Throwable t, Response response) {
          pending.values().forEach(p -> p.completeExceptionally(t));
        }
      });
    }

    /** Runs a DevTools command and returns its result; a DevTools error fails. */
    public JsonNode send(String method, Map<String, Object> params) throws Exception {
      int id = ids.incrementAndGet();
      CompletableFuture<JsonNode> reply = new CompletableFuture<>();
      pending.put(id, reply);
      ObjectNode command = JSON.createObjectNode().put("id", id).put("method", method);
      command.set("params", JSON.valueToTree(params));
      socket.send(JSON.writeValueAsString(command));
      JsonNode message = reply.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      if (message.has("error")) {
        throw new IllegalStateException(method + " failed: " + message.get("error"));
      }
      return message.path("result");
    }

    /** Starts collecting errors and events and sets the window's size. */
    public void open(int width, int height) throws Exception {
      send("Runtime.enable", Map.of());
      send("Log.enable", Map.of());
      send("Page.enable", Map.of());
      send("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height, "deviceScaleFactor", 1,
          "mobile", false));
    }

    /** Loads {@code url} and waits for its load event. */
    public void navigate(String url) throws Exception {
      events.clear();
      send("Page.navigate", Map.of("url", url));
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (System.nanoTime() < deadline) {
        JsonNode event = events.poll(1, TimeUnit.SECONDS);
        if (event != null && event.path("method").asText().equals("Page.loadEventFired")) {
          return;
        }
      }
      throw new IllegalStateException(url + " did not load within " + WAIT.toSeconds() + " s");
    }

    /** The value of a JavaScript expression (awaited when it is a promise). */
    public JsonNode evaluate(String expression) throws Exception {
      JsonNode result = send("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true,
          "awaitPromise", true));
      if (result.has("exceptionDetails")) {
        throw new IllegalStateException(expression + " threw: " + result.get("exceptionDetails"));
      }
      return result.path("result").path("value");
    }

    /** Waits until {@code condition} (a JavaScript expression) is true. */
    public void waitUntil(String condition, String what) throws Exception {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (System.nanoTime() < deadline) {
        if (evaluate("Boolean(" + condition + ")").asBoolean()) {
          return;
        }
        Thread.sleep(100);
      }
      throw new AssertionError(what + ": not so after " + WAIT.toSeconds() + " s (errors: " + errors() + ")");
    }

    /** A PNG of the page area {@code x, y, width, height} (CSS pixels), beyond the window if need be. */
    public byte[] screenshot(double x, double y, double width, double height) throws Exception {
      JsonNode shot = send("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true,
          "clip", Map.of("x", x, "y", y, "width", width, "height", height, "scale", 1)));
      return Base64.getDecoder().decode(shot.path("data").asText());
    }

    /** Everything the page reported as an error so far. */
    public List<String> errors() {
      synchronized (errors) {
        return List.copyOf(errors);
      }
    }

    private void collectError(JsonNode event) {
      String method = event.path("method").asText();
      JsonNode params = event.path("params");
      String error = switch (method) {
        case "Runtime.exceptionThrown" -> "exception: " + params.path("exceptionDetails").path("exception")
            .path("description").asText(params.path("exceptionDetails").path("text").asText());
        case "Runtime.consoleAPICalled" -> params.path("type").asText().matches("error|assert")
            ? "console." + params.path("type").asText() + ": " + params.path("args") : null;
        case "Log.entryAdded" -> params.path("entry").path("level").asText().equals("error")
            ? "log: " + params.path("entry").path("text").asText() + " " + params.path("entry").path("url").asText()
            : null;
        default -> null;
      };
      if (error != null) {
        synchronized (errors) {
          errors.add(error);
        }
      }
    }
  }
}
