package dev.defilakehouse.local.athena;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds a JDK new enough for the Trino server (Java 24+), which is not the JDK 17 that runs Maven
 * and Spark: {@code TRINO_JAVA_HOME} first, then the usual JVM directories.
 */
public final class TrinoJdk {
  public static final int MIN_MAJOR = 24;
  private static final List<Path> JVM_DIRS = List.of(
      Path.of("/usr/lib/jvm"), Path.of("/Library/Java/JavaVirtualMachines"), Path.of("/opt/java"));
  private static final Pattern VERSION = Pattern.compile("^JAVA_VERSION=\"(\\d+)", Pattern.MULTILINE);

  private TrinoJdk() {}

  /** The newest JDK home with major version at least 24, if this machine has one. */
  public static Optional<Path> find() {
    String env = System.getenv("TRINO_JAVA_HOME");
    if (env != null && !env.isBlank()) {
      Path home = Path.of(env);
      if (major(home) < MIN_MAJOR) {
        throw new IllegalStateException("TRINO_JAVA_HOME=" + env + " is not a JDK " + MIN_MAJOR
            + "+ (no bin/java or an older release file); point it at a Java " + MIN_MAJOR + "+ JDK or unset it");
      }
      return Optional.of(home);
    }
    return JVM_DIRS.stream().filter(Files::isDirectory).flatMap(TrinoJdk::candidates)
        .filter(home -> major(home) >= MIN_MAJOR)
        .max(Comparator.comparingInt(TrinoJdk::major));
  }

  public static Path javaExecutable(Path home) {
    return home.resolve("bin").resolve("java");
  }

  private static Stream<Path> candidates(Path dir) {
    try (Stream<Path> children = Files.list(dir)) {
      // macOS bundles keep the home under Contents/Home
      return children.flatMap(c -> Stream.of(c, c.resolve("Contents/Home"))).toList().stream();
    } catch (IOException e) {
      return Stream.empty();
    }
  }

  /** The major version from the JDK's {@code release} file; 0 when it is not a usable JDK. */
  static int major(Path home) {
    Path release = home.resolve("release");
    if (!Files.isExecutable(javaExecutable(home)) || !Files.isRegularFile(release)) {
      return 0;
    }
    try {
      Matcher m = VERSION.matcher(Files.readString(release));
      return m.find() ? Integer.parseInt(m.group(1)) : 0;
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
  }
}
