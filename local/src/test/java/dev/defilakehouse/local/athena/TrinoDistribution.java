package dev.defilakehouse.local.athena;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The unpacked {@code trino-server} tarball. It is untarred with the system {@code tar} because
 * the tarball stores jars shared between plugins as hard links, which Maven's unpacker writes as
 * empty files. Unpacked once; later runs reuse the folder.
 */
public final class TrinoDistribution {
  private static final String MARKER = ".unpacked";

  private TrinoDistribution() {}

  /** The server home ({@code lib/}, {@code plugin/}) unpacked from {@code tarball} under {@code dir}. */
  public static Path unpack(Path tarball, Path dir) throws IOException, InterruptedException {
    if (!Files.exists(dir.resolve(MARKER))) {
      if (!Files.isRegularFile(tarball)) {
        throw new IllegalStateException("Trino server tarball " + tarball + " is missing: run the check with"
            + " the Maven profile athena (scripts/athena-check.sh), which downloads io.trino:trino-server");
      }
      Files.createDirectories(dir);
      Process tar = new ProcessBuilder("tar", "xzf", tarball.toString(), "-C", dir.toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("tar.log").toFile()).start();
      if (!tar.waitFor(10, TimeUnit.MINUTES) || tar.exitValue() != 0) {
        tar.destroyForcibly();
        throw new IllegalStateException("untarring " + tarball + " into " + dir + " failed; see " + dir.resolve("tar.log"));
      }
      Files.writeString(dir.resolve(MARKER), tarball.getFileName().toString());
    }
    try (Stream<Path> children = Files.list(dir)) {
      return children.filter(p -> Files.isDirectory(p.resolve("lib")) && Files.isDirectory(p.resolve("plugin")))
          .findFirst().orElseThrow(() -> new IllegalStateException("no trino-server-* folder with lib/ and plugin/ in "
              + dir + ": delete the folder and run the check again"));
    }
  }
}
