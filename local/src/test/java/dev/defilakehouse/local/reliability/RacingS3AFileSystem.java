package dev.defilakehouse.local.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.fs.s3a.S3AFileSystem;
import org.apache.hadoop.util.Progressable;

/**
 * Test-only S3A file system ({@code --option s3a.impl=...}) that lines two writer JVMs up inside
 * the race S3 leaves open: creating the commit file named by the system property {@link #FILE}
 * checks that it does not exist yet (S3A does that in {@code create}), and the object is only put
 * when the stream closes. Here each JVM, after that check, waits at a barrier (a folder both see:
 * system property {@link #BARRIER}) until {@link #PARTIES} writers have arrived, or 30 s passed. So
 * both writers pass the check before either puts the object, every time.
 */
public final class RacingS3AFileSystem extends S3AFileSystem {
  static final String FILE = "race.commit.file";
  static final String BARRIER = "race.barrier.dir";
  static final int PARTIES = 2;
  private static final long WAIT_MILLIS = 30_000;

  @Override
  public FSDataOutputStream create(org.apache.hadoop.fs.Path path, FsPermission permission, boolean overwrite,
      int bufferSize, short replication, long blockSize, Progressable progress) throws IOException {
    FSDataOutputStream stream = super.create(path, permission, overwrite, bufferSize, replication, blockSize, progress);
    if (path.getName().equals(System.getProperty(FILE))) {
      await(Path.of(System.getProperty(BARRIER)));
    }
    return stream;
  }

  private static void await(Path barrier) throws IOException {
    Files.createDirectories(barrier);
    Files.createFile(barrier.resolve(ProcessHandle.current().pid() + "-" + UUID.randomUUID()));
    System.err.println("RACE arrived at the barrier in " + barrier);
    long deadline = System.currentTimeMillis() + WAIT_MILLIS;
    try {
      while (arrivals(barrier) < PARTIES && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted at the race barrier");
    }
    System.err.println("RACE released with " + arrivals(barrier) + " writer(s) at the barrier");
  }

  static long arrivals(Path barrier) throws IOException {
    try (var files = Files.list(barrier)) {
      return files.count();
    }
  }
}
