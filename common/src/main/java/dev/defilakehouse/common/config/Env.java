package dev.defilakehouse.common.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Deployment environment: selects database names and the default lakehouse root. */
public enum Env {
  LOCAL, DEV, PROD;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean isLocal() {
    return this == LOCAL;
  }

  /** {@code ./lakehouse} locally, {@code s3a://data-lakehouse-<env>} in AWS. */
  public String defaultLakehouseRoot() {
    return isLocal() ? "./lakehouse" : "s3a://data-lakehouse-" + id();
  }

  public static Env parse(String value) {
    for (Env env : values()) {
      if (env.id().equals(value)) {
        return env;
      }
    }
    throw new IllegalArgumentException("unknown env '" + value + "': expected one of "
        + Arrays.stream(values()).map(Env::id).collect(Collectors.joining(", ")));
  }
}
