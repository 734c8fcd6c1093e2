package dev.defilakehouse.local;

import dev.defilakehouse.common.config.Secrets;
import dev.defilakehouse.common.source.SourceClients;
import dev.defilakehouse.sandbox.Sandbox;
import java.util.LinkedHashMap;
import java.util.Map;

/** Points the jobs' source options and API keys at an in-process sandbox. */
public final class SandboxSources {
  private SandboxSources() {}

  /** The {@code --option}s that make every raw job talk to {@code sandbox} instead of production. */
  public static Map<String, String> jobOptions(Sandbox sandbox) {
    Map<String, String> options = new LinkedHashMap<>();
    options.put(SourceClients.SUBGRAPH_URL, sandbox.subgraphBaseUrl());
    options.put(SourceClients.TRANSPOSE_URL, sandbox.transposeBaseUrl());
    for (String protocol : sandbox.simulation().protocols()) {
      options.put(SourceClients.SUBGRAPH_DEPLOYMENT_PREFIX + protocol, sandbox.deploymentId(protocol));
    }
    // no liquidation literal here: the jobs read both public spellings, as they must against the real service
    // Loopback answers in milliseconds: keep retries quick so injected faults do not stall a run.
    options.put("http.initial_backoff_ms", "20");
    options.put("http.max_backoff_ms", "500");
    options.put("http.rate_limit_per_second", "0");
    return options;
  }

  /** The keys the sandbox accepts, as the jobs would read them from the environment. */
  public static Secrets secrets(Sandbox sandbox) {
    return new Secrets(Map.of(
        Secrets.SUBGRAPH_API_KEY, sandbox.subgraphApiKey(),
        Secrets.TRANSPOSE_API_KEY, sandbox.transposeApiKey()));
  }
}
