package dev.defilakehouse.common.config;

import java.util.Map;
import java.util.Optional;

/**
 * API keys from the environment. Values are only handed to HTTP clients; everything printable
 * goes through {@link #mask(String)}.
 */
public final class Secrets {
  public static final String SUBGRAPH_API_KEY = "SUBGRAPH_API_KEY";
  public static final String TRANSPOSE_API_KEY = "TRANSPOSE_API_KEY";

  private final Map<String, String> environment;

  public Secrets(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  public static Secrets fromSystemEnv() {
    return new Secrets(System.getenv());
  }

  public Optional<String> get(String variable) {
    String value = environment.get(variable);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
  }

  /** The key, or a clear error naming the variable to set. */
  public String require(String variable, String source) {
    return get(variable).orElseThrow(() -> new IllegalStateException(
        source + " needs an API key: set the environment variable " + variable
            + " (in AWS it comes from Secrets Manager through the job's environment)"));
  }

  /** Replaces every known secret value in {@code text} with {@code ***}. */
  public String mask(String text) {
    if (text == null) {
      return null;
    }
    String masked = text;
    for (String variable : new String[] {SUBGRAPH_API_KEY, TRANSPOSE_API_KEY}) {
      String value = environment.get(variable);
      if (value != null && value.length() >= 4) {
        masked = masked.replace(value, "***");
      }
    }
    return masked;
  }

  public static boolean looksSecret(String key) {
    String k = key.toLowerCase(java.util.Locale.ROOT);
    return k.contains("key") || k.contains("secret") || k.contains("token") || k.contains("password")
        || k.contains("credential");
  }
}
