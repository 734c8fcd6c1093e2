package dev.defilakehouse.jobs.cli;

import dev.defilakehouse.common.config.Env;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * Refuses a lakehouse root no job could write, or one that is not the env's, before Spark starts:
 * otherwise the mistake surfaces minutes later as a metastore or file-system stack trace (issue 11,
 * bad arguments), or as tables written where the env's catalog does not point (issue 28).
 */
final class LakehouseRootCheck {
  /** file: and plain paths locally; s3a:// from Spark anywhere, s3:// as EMR names it. */
  private static final Set<String> SCHEMES = Set.of("file", "s3a", "s3");

  private LakehouseRootCheck() {}

  /** {@code root} as {@link RunFlags#resolveRoot} made it: absolute path or URI. */
  static void check(String root) throws UsageException {
    if (root.contains("://") || root.startsWith("file:")) {
      URI uri;
      try {
        uri = new URI(root);
      } catch (URISyntaxException e) {
        throw new UsageException("--lakehouse-root '" + root + "' is not a valid URI (" + e.getReason() + ")");
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!SCHEMES.contains(scheme)) {
        throw new UsageException("--lakehouse-root '" + root + "' has the unsupported scheme '" + scheme
            + "': use a local path, file:/path or s3a://bucket/prefix");
      }
      if (scheme.equals("file")) {
        Path path;
        try {
          path = Path.of(uri);
        } catch (IllegalArgumentException e) { // file:relative, file://host/...
          throw new UsageException("--lakehouse-root '" + root + "' is not a file URI with an absolute path (file:/path)");
        }
        checkLocal(path, root);
      } else if (uri.getHost() == null || uri.getHost().isBlank()) {
        throw new UsageException("--lakehouse-root '" + root + "' names no bucket: use " + scheme + "://bucket/prefix");
      }
      return;
    }
    checkLocal(Path.of(root), root);
  }

  /**
   * Dev and prod runs write their env's tables, so their root is the env's own
   * ({@link Env#defaultLakehouseRoot}) and no other env's bucket is written under another env's
   * names: a wrong {@code --lakehouse-root} would otherwise put data where the catalog does not
   * look, or into another env's tables. {@code allowOtherRoot} ({@code --allow-other-root}) permits
   * another root, e.g. a scratch bucket for a dev test; never an {@code s3://} one in dev or prod,
   * since every writer of a table must name it the same way for the DynamoDB commit order to hold.
   */
  static void checkAgainstEnv(Env env, String root, boolean allowOtherRoot) throws UsageException {
    String normalized = root.replaceAll("/+$", "");
    if (!env.isLocal() && normalized.toLowerCase(Locale.ROOT).startsWith("s3://")) {
      throw new UsageException("--lakehouse-root '" + root + "': use s3a:// in " + env.id() + " ("
          + env.defaultLakehouseRoot() + "); commits are ordered by table path, and every writer must spell it "
          + "the same way");
    }
    if (allowOtherRoot || normalized.equals(env.defaultLakehouseRoot())) {
      return;
    }
    for (Env other : Env.values()) {
      if (other != env && !other.isLocal() && bucketOf(normalized).equals(bucketOf(other.defaultLakehouseRoot()))) {
        throw new UsageException("--lakehouse-root '" + root + "' is " + other.id() + "'s lakehouse, but --env is "
            + env.id() + ": pass --env " + other.id() + ", or --allow-other-root if this is really meant");
      }
    }
    if (!env.isLocal()) {
      throw new UsageException("--lakehouse-root '" + root + "' is not " + env.id() + "'s lakehouse ("
          + env.defaultLakehouseRoot() + "), whose tables the names db_<layer>_" + env.id() + " point at: "
          + "leave --lakehouse-root out, or pass --allow-other-root if this is really meant");
    }
  }

  /** {@code data-lakehouse-prod} of {@code s3a://data-lakehouse-prod/x}; "" for local paths. */
  private static String bucketOf(String root) {
    int scheme = root.indexOf("://");
    if (scheme < 0 || root.startsWith("file:")) {
      return "";
    }
    String rest = root.substring(scheme + 3);
    int slash = rest.indexOf('/');
    return (slash < 0 ? rest : rest.substring(0, slash)).toLowerCase(Locale.ROOT);
  }

  private static void checkLocal(Path path, String given) throws UsageException {
    if (Files.exists(path)) {
      if (!Files.isDirectory(path)) {
        throw new UsageException("--lakehouse-root '" + given + "' is a file, not a directory");
      }
      if (!Files.isWritable(path)) {
        throw new UsageException("--lakehouse-root '" + given + "' is not writable");
      }
      return;
    }
    Path ancestor = path.toAbsolutePath().getParent();
    while (ancestor != null && !Files.exists(ancestor)) {
      ancestor = ancestor.getParent();
    }
    if (ancestor == null) {
      return;
    }
    if (!Files.isDirectory(ancestor)) {
      throw new UsageException("--lakehouse-root '" + given + "' cannot be created: '" + ancestor + "' is a file");
    }
    if (!Files.isWritable(ancestor)) {
      throw new UsageException("--lakehouse-root '" + given + "' cannot be created: '" + ancestor + "' is not writable");
    }
  }
}
