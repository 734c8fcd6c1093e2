package dev.defilakehouse.local.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A benchmark's working folder: recreated each run, but only when the benchmark made it (a marker file says so). */
final class BenchRoot {
  private static final String MARKER = ".bench-root";

  private BenchRoot() {}

  static void fresh(Path root) throws IOException {
    if (Files.exists(root)) {
      try (Stream<Path> entries = Files.list(root)) {
        if (entries.findAny().isPresent() && !Files.exists(root.resolve(MARKER))) {
          throw new IllegalArgumentException("--root " + root + " exists and was not made by the benchmark (no "
              + MARKER + " file): pass an empty or new folder");
        }
      }
      try (Stream<Path> paths = Files.walk(root)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    Files.createDirectories(root);
    Files.createFile(root.resolve(MARKER));
  }
}
