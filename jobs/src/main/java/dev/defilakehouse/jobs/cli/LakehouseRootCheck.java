package dev.defilakehouse.jobs.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * Refuses a lakehouse root no job could write, before Spark starts: otherwise the mistake surfaces
 * minutes later as a metastore or file-system stack trace (issue 11, bad arguments).
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
