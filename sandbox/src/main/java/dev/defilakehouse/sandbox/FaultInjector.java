package dev.defilakehouse.sandbox;

import java.util.LinkedHashMap;
import java.util.Map;

/** Faults on demand for the sandbox's two endpoints, {@code subgraph} and {@code transpose}. */
public final class FaultInjector {
  public static final String SUBGRAPH = "subgraph";
  public static final String TRANSPOSE = "transpose";

  private final Map<String, EndpointFaults> endpoints = new LinkedHashMap<>();

  FaultInjector(SandboxOptions options) {
    endpoints.put(SUBGRAPH, new EndpointFaults(SUBGRAPH, options.seed(), options.subgraphRateLimit()));
    endpoints.put(TRANSPOSE, new EndpointFaults(TRANSPOSE, options.seed(), options.transposeRateLimit()));
  }

  /** The faults of {@code subgraph} or {@code transpose}. */
  public EndpointFaults endpoint(String name) {
    EndpointFaults f = endpoints.get(name);
    if (f == null) {
      throw new IllegalArgumentException("unknown endpoint '" + name + "'; expected subgraph or transpose");
    }
    return f;
  }

  public EndpointFaults subgraph() { return endpoints.get(SUBGRAPH); }

  public EndpointFaults transpose() { return endpoints.get(TRANSPOSE); }

  /** Clears every fault and latency; rate limits go back to the sandbox options'. */
  public void reset() {
    endpoints.values().forEach(EndpointFaults::reset);
  }
}
