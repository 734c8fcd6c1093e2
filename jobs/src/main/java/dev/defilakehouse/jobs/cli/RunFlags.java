package dev.defilakehouse.jobs.cli;

import dev.defilakehouse.common.config.BadArgumentException;
import dev.defilakehouse.common.config.Env;
import dev.defilakehouse.common.config.Interval;
import dev.defilakehouse.common.config.RunConfig;
import dev.defilakehouse.common.spark.LogStoreSettings;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The flags of a run ({@code --env --start --end --lakehouse-root --option k=v --full-refresh
 * --repoint-tables --allow-other-root --verbose}), as given; {@link #toRunConfig} validates and
 * resolves them. Both {@code --flag value} and {@code --flag=value} are accepted.
 */
public record RunFlags(String env, String start, String end, String lakehouseRoot, Map<String, String> options,
                       boolean verbose, boolean fullRefresh, boolean repointTables, boolean allowOtherRoot) {
  private static final Set<String> VALUE_FLAGS = Set.of("--env", "--start", "--end", "--lakehouse-root", "--option");
  private static final String RUN_ID_CHARS = "[A-Za-z0-9._:+-]{1,200}";
  private static final DateTimeFormatter RUN_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
      .withZone(ZoneOffset.UTC);

  public RunFlags {
    options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
  }

  /** Without {@code --full-refresh}. */
  public RunFlags(String env, String start, String end, String lakehouseRoot, Map<String, String> options,
                  boolean verbose) {
    this(env, start, end, lakehouseRoot, options, verbose, false);
  }

  /** Without {@code --repoint-tables} and {@code --allow-other-root}. */
  public RunFlags(String env, String start, String end, String lakehouseRoot, Map<String, String> options,
                  boolean verbose, boolean fullRefresh) {
    this(env, start, end, lakehouseRoot, options, verbose, fullRefresh, false, false);
  }

  public static RunFlags parse(List<String> args) throws UsageException {
    Map<String, String> values = new LinkedHashMap<>();
    Map<String, String> options = new LinkedHashMap<>();
    boolean verbose = false;
    boolean fullRefresh = false;
    boolean repointTables = false;
    boolean allowOtherRoot = false;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      int eq = arg.indexOf('=');
      String name = arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg;
      String value = arg.startsWith("--") && eq > 0 ? arg.substring(eq + 1) : null;
      if (name.equals("--verbose") && value == null) {
        verbose = true;
      } else if (name.equals("--full-refresh") && value == null) {
        fullRefresh = true;
      } else if (name.equals("--repoint-tables") && value == null) {
        repointTables = true;
      } else if (name.equals("--allow-other-root") && value == null) {
        allowOtherRoot = true;
      } else if (VALUE_FLAGS.contains(name)) {
        if (value == null) {
          if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
            throw new UsageException(name + " needs a value");
          }
          value = args.get(++i);
        }
        if (name.equals("--option")) {
          addOption(options, value);
        } else if (values.put(name, value) != null) {
          throw new UsageException(name + " is given twice");
        }
      } else if (arg.startsWith("-")) {
        throw new UsageException("unknown flag '" + arg + "'");
      } else {
        throw new UsageException("unexpected argument '" + arg + "'");
      }
    }
    return new RunFlags(values.get("--env"), values.get("--start"), values.get("--end"),
        values.get("--lakehouse-root"), options, verbose, fullRefresh, repointTables, allowOtherRoot);
  }

  private static void addOption(Map<String, String> options, String keyValue) throws UsageException {
    int eq = keyValue.indexOf('=');
    if (eq <= 0 || keyValue.substring(0, eq).isBlank()) {
      throw new UsageException("--option '" + keyValue + "' is not key=value");
    }
    String key = keyValue.substring(0, eq).trim();
    if (options.put(key, keyValue.substring(eq + 1)) != null) {
      throw new UsageException("--option " + key + " is given twice");
    }
  }

  /** {@code --env}, or {@code fallback} when it is absent (null fallback: required). */
  public Env resolveEnv(Env fallback) throws UsageException {
    if (env == null) {
      if (fallback == null) {
        throw new UsageException("--env is required (local, dev or prod)");
      }
      return fallback;
    }
    try {
      return Env.parse(env);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /**
   * The lakehouse root: {@code --lakehouse-root} or the env's default; local paths made absolute.
   * A root no job could write (a file, a path below a file, an unknown scheme) is a usage error, and
   * so is one that is not the env's own in dev and prod, or another env's, unless {@code --allow-other-root}.
   */
  public String resolveRoot(Env resolvedEnv) throws UsageException {
    String root = lakehouseRoot != null && !lakehouseRoot.isBlank() ? lakehouseRoot : resolvedEnv.defaultLakehouseRoot();
    // Absolute, so the metastore records the same location whatever directory the next run starts in.
    String resolved;
    try {
      resolved = root.contains("://") || root.startsWith("file:") ? root
          : Path.of(root).toAbsolutePath().normalize().toString();
    } catch (java.nio.file.InvalidPathException e) {
      throw new UsageException("--lakehouse-root '" + root + "' is not a valid path (" + e.getReason() + ")");
    }
    LakehouseRootCheck.check(resolved);
    LakehouseRootCheck.checkAgainstEnv(resolvedEnv, resolved, allowOtherRoot);
    return resolved;
  }

  /** Validates everything a job run needs; {@code jobName} seeds the generated run id. */
  public RunConfig toRunConfig(String jobName) throws UsageException {
    Env resolvedEnv = resolveEnv(null);
    Interval interval;
    try {
      interval = new Interval(Interval.parseInstant("--start", start), Interval.parseInstant("--end", end));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    String root = resolveRoot(resolvedEnv);
    try {
      // the session applies them later; a bad dynamodb.* value is a bad argument now
      LogStoreSettings.forRun(resolvedEnv, root, options, System.getenv());
    } catch (BadArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    return new RunConfig(resolvedEnv, root, interval, options, runId(jobName), fullRefresh, repointTables);
  }

  private String runId(String jobName) throws UsageException {
    String given = options.get("run_id");
    if (given != null) {
      if (!given.matches(RUN_ID_CHARS)) {
        throw new UsageException("--option run_id='" + given + "' may only use letters, digits and . _ : + -");
      }
      return given;
    }
    return jobName + "-" + RUN_ID_TIME.format(Instant.now()) + "-"
        + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0x1000000));
  }
}
