package dev.defilakehouse.common.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything a job run is parameterised by: env, lakehouse root, interval, free-form options
 * ({@code --option k=v}), the run id stamped on every row it writes, {@code fullRefresh}
 * ({@code --full-refresh}: rebuild from all of the layer below instead of the interval's slice) and
 * {@code repointTables} ({@code --repoint-tables}: move catalog names registered at another
 * location to this root; never done otherwise).
 */
public record RunConfig(Env env, String lakehouseRoot, Interval interval, Map<String, String> options, String runId,
                        boolean fullRefresh, boolean repointTables) {

  public RunConfig {
    options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
  }

  /** Without {@code --repoint-tables}. */
  public RunConfig(Env env, String lakehouseRoot, Interval interval, Map<String, String> options, String runId,
                   boolean fullRefresh) {
    this(env, lakehouseRoot, interval, options, runId, fullRefresh, false);
  }

  /** An ordinary (incremental) run. */
  public RunConfig(Env env, String lakehouseRoot, Interval interval, Map<String, String> options, String runId) {
    this(env, lakehouseRoot, interval, options, runId, false);
  }

  public String option(String key, String defaultValue) {
    return options.getOrDefault(key, defaultValue);
  }

  public int intOption(String key, int defaultValue) {
    String v = options.get(key);
    if (v == null) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new BadArgumentException("--option " + key + "=" + v + " is not a whole number");
    }
  }

  public long longOption(String key, long defaultValue) {
    String v = options.get(key);
    if (v == null) {
      return defaultValue;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new BadArgumentException("--option " + key + "=" + v + " is not a whole number");
    }
  }

  public double doubleOption(String key, double defaultValue) {
    String v = options.get(key);
    if (v == null) {
      return defaultValue;
    }
    try {
      return Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new BadArgumentException("--option " + key + "=" + v + " is not a number");
    }
  }

  public boolean booleanOption(String key, boolean defaultValue) {
    String v = options.get(key);
    if (v == null) {
      return defaultValue;
    }
    return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "true", "yes", "1" -> true;
      case "false", "no", "0" -> false;
      default -> throw new BadArgumentException("--option " + key + "=" + v + " is not true or false");
    };
  }

  public RunConfig withInterval(Interval other) {
    return new RunConfig(env, lakehouseRoot, other, options, runId, fullRefresh, repointTables);
  }

  public RunConfig withFullRefresh(boolean refresh) {
    return new RunConfig(env, lakehouseRoot, interval, options, runId, refresh, repointTables);
  }

  /** For the start-of-job log line: where, which interval, which run. */
  public String describeBriefly() {
    return "env=" + env.id() + " root=" + lakehouseRoot + " interval=" + interval + " run_id=" + runId
        + (fullRefresh ? " full_refresh=true" : "") + (repointTables ? " repoint_tables=true" : "");
  }

  /** {@link #describeBriefly} and the options (--verbose): options whose name looks secret are masked. */
  public String describe() {
    Map<String, String> shown = new TreeMap<>();
    options.forEach((k, v) -> shown.put(k, Secrets.looksSecret(k) ? "***" : v));
    return describeBriefly() + " options=" + shown;
  }
}
