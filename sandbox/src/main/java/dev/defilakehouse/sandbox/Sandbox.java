package dev.defilakehouse.sandbox;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The simulation served on 127.0.0.1 as The Graph ({@code POST <base>/api/<key>/subgraphs/id/<id>})
 * and Transpose ({@code POST <base>/sql}, header {@code X-API-KEY}). Close it to stop the server.
 */
public final class Sandbox implements AutoCloseable {
  private final Simulation simulation;
  private final FaultInjector faults;
  private final TransposeDatabase database;
  private final HttpServer server;
  private final ExecutorService executor;
  private final String subgraphApiKey;
  private final String transposeApiKey;
  private final Map<Protocol, String> deploymentIds = new EnumMap<>(Protocol.class);
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

  private Sandbox(Simulation simulation) throws IOException {
    SandboxOptions o = simulation.options();
    this.simulation = simulation;
    this.faults = new FaultInjector(o);
    this.subgraphApiKey = o.subgraphApiKey() != null ? o.subgraphApiKey() : Hex.hex(o.seed() ^ 0x7367L, 1, 32);
    this.transposeApiKey = o.transposeApiKey() != null ? o.transposeApiKey()
        : "tp" + Hex.hex(o.seed() ^ 0x7470L, 2, 30);
    Map<String, SubgraphService> services = new LinkedHashMap<>();
    for (Protocol p : Protocol.values()) {
      String id = o.deploymentId(p.id());
      deploymentIds.put(p, id);
      services.put(id, new SubgraphService(simulation, p, id));
    }
    this.database = new TransposeDatabase(simulation);
    TransposeService transpose = new TransposeService(database, o.transposeMaxRows(), o.transposeMaxBytes());
    try {
      this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), o.port()), 64);
    } catch (IOException e) {
      database.close();
      throw new IOException("cannot listen on 127.0.0.1:" + o.port() + " (" + e.getMessage()
          + "); pick another port or 0 for any free one", e);
    }
    AtomicInteger threads = new AtomicInteger();
    this.executor = Executors.newFixedThreadPool(16, r -> {
      Thread t = new Thread(r, "sandbox-http-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/api/", new SubgraphHandler(faults.subgraph(), subgraphApiKey, services));
    server.createContext("/sql", new TransposeHandler(faults.transpose(), transposeApiKey, transpose, o.transposeCredits()));
    server.start();
  }

  /** Generates the simulation and serves it. */
  public static Sandbox start(SandboxOptions options) { return start(Simulation.generate(options)); }

  /** Serves an already generated simulation (its options give port, keys and limits). */
  public static Sandbox start(Simulation simulation) {
    try {
      return new Sandbox(simulation);
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }

  public int port() { return server.getAddress().getPort(); }

  /** {@code http://127.0.0.1:<port>}; subgraph requests go to {@code <base>/api/<key>/subgraphs/id/<deployment>}. */
  public String subgraphBaseUrl() { return "http://127.0.0.1:" + port(); }

  /** {@code http://127.0.0.1:<port>}; Transpose requests go to {@code <base>/sql}. */
  public String transposeBaseUrl() { return "http://127.0.0.1:" + port(); }

  public String subgraphApiKey() { return subgraphApiKey; }

  public String transposeApiKey() { return transposeApiKey; }

  /** Deployment id of {@code aave_v2}, {@code aave_v3} or {@code compound_v2}. */
  public String deploymentId(String protocol) { return deploymentIds.get(Protocol.of(protocol)); }

  /** Full subgraph URL of a protocol, key included. */
  public String subgraphUrl(String protocol) {
    return subgraphBaseUrl() + "/api/" + subgraphApiKey + "/subgraphs/id/" + deploymentId(protocol);
  }

  public FaultInjector faults() { return faults; }

  public Simulation simulation() { return simulation; }

  /** Stops the server and drops the SQL database; safe to call twice. */
  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    database.close();
  }
}
