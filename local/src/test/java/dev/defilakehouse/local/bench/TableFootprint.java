package dev.defilakehouse.local.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Files and bytes under a table's folder (data files and the Delta log), on the local file system. */
record TableFootprint(long files, long bytes) {
  static final TableFootprint NONE = new TableFootprint(0, 0);

  static TableFootprint of(String location) {
    Path dir = location.startsWith("file:") ? Path.of(URI.create(location)) : Path.of(location);
    if (!Files.isDirectory(dir)) {
      return NONE;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      long[] sums = new long[2];
      paths.filter(Files::isRegularFile).forEach(p -> {
        sums[0]++;
        try {
          sums[1] += Files.size(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      return new TableFootprint(sums[0], sums[1]);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot walk table folder " + dir, e);
    }
  }

  TableFootprint plus(TableFootprint other) {
    return new TableFootprint(files + other.files, bytes + other.bytes);
  }

  /** What was added since {@code before}: Delta never rewrites a file, so this is what the stage wrote. */
  TableFootprint minus(TableFootprint before) {
    return new TableFootprint(files - before.files, bytes - before.bytes);
  }
}
