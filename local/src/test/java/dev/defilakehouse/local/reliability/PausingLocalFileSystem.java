package dev.defilakehouse.local.reliability;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * Test-only {@code file:} file system ({@code spark.hadoop.fs.file.impl}): the local one, except
 * that a Parquet data file of the table {@link KillPoint#TABLE} names pauses once its first bytes
 * are on disk and more are coming, so the job dies in the middle of writing a file.
 */
public final class PausingLocalFileSystem extends LocalFileSystem {
  @Override
  public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize,
      short replication, long blockSize, Progressable progress) throws IOException {
    FSDataOutputStream file = super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
    String p = f.toString();
    if (!p.endsWith(".parquet") || p.contains("/_delta_log/") || !KillPoint.armed(KillPoint.WRITING, p)) {
      return file;
    }
    OutputStream pausing = new FilterOutputStream(file) {
      private long written;

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        pauseIfStarted();
        out.write(b, off, len);
        written += len;
      }

      @Override
      public void write(int b) throws IOException {
        pauseIfStarted();
        out.write(b);
        written++;
      }

      private void pauseIfStarted() throws IOException {
        if (written > 0) {
          file.hflush(); // the first bytes reach the disk: a truncated data file is what the kill leaves
          KillPoint.pauseHere(KillPoint.WRITING, p);
        }
      }
    };
    return new FSDataOutputStream(pausing, null);
  }
}
