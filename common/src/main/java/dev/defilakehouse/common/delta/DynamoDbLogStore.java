package dev.defilakehouse.common.delta;

import io.delta.storage.HadoopFileSystemLogStore;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.util.Iterator;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delta log store for S3 with several writing drivers per table ({@code spark.delta.logStore.s3a.impl}).
 * S3 has no put-if-absent, so two drivers can both write commit N and one commit is lost; here a
 * conditional put in DynamoDB decides which driver owns N, the loser gets the
 * {@link FileAlreadyExistsException} Delta retries on, and a commit whose copy to {@code N.json}
 * was cut short is finished by the next reader or writer.
 *
 * <p>This is the protocol of Delta's {@code io.delta.storage.S3DynamoDBLogStore} (docs: delta-io/delta
 * docs/source/delta-storage.md, "Multi-cluster setup"; design: storage-s3-dynamodb/.../BaseExternalLogStore.java,
 * tag v4.0.0) on the same DynamoDB items and settings. That class's artifact,
 * {@code io.delta:delta-storage-s3-dynamodb}, is not served by the registries this project builds
 * from, needs AWS SDK v1 next to the v2 that S3A uses, and has no endpoint setting to test it
 * against a local DynamoDB. Writers of one table must all use this store or Delta's, with the same
 * DynamoDB table and region and the same {@code s3a://} path.
 *
 * <p>Settings (Hadoop keys, or the same with {@code spark.} in front, as the session sets them):
 * {@value #TABLE_NAME} (required), {@value #REGION} (default us-east-1), {@value #TTL_SECONDS}
 * (default one day) and {@value #ENDPOINT} (none: AWS).
 */
public class DynamoDbLogStore extends HadoopFileSystemLogStore {
  private static final String DELTA_PREFIX = "io.delta.storage.S3DynamoDBLogStore.";
  public static final String TABLE_NAME = DELTA_PREFIX + "ddb.tableName";
  public static final String REGION = DELTA_PREFIX + "ddb.region";
  public static final String TTL_SECONDS = DELTA_PREFIX + "ddb.ttl";
  /** Ours: Delta's class always talks to AWS. */
  public static final String ENDPOINT = "lakehouse.dynamodb.endpoint";

  /**
   * A completed entry must outlive the time in which a writer could still miss {@code N.json} on S3;
   * S3 lists and reads consistently, so a day is ample. Delta's default too.
   */
  private static final long DEFAULT_TTL_SECONDS = 24 * 60 * 60;
  private static final Pattern COMMIT_FILE = Pattern.compile("(\\d{20})\\.json");
  private static final Logger LOG = LoggerFactory.getLogger(DynamoDbLogStore.class);

  private final DynamoDbCommitTable commits;
  private final long ttlSeconds;

  public DynamoDbLogStore(Configuration hadoopConf) {
    super(hadoopConf);
    String tableName = setting(hadoopConf, TABLE_NAME);
    if (tableName == null || tableName.isBlank()) {
      throw new IllegalArgumentException(DynamoDbLogStore.class.getSimpleName() + " needs the DynamoDB table: set spark."
          + TABLE_NAME);
    }
    String region = Optional.ofNullable(setting(hadoopConf, REGION)).orElse("us-east-1");
    String ttl = setting(hadoopConf, TTL_SECONDS);
    this.ttlSeconds = ttl == null ? DEFAULT_TTL_SECONDS : Long.parseLong(ttl.trim());
    this.commits = DynamoDbCommitTable.open(tableName, region, setting(hadoopConf, ENDPOINT));
  }

  /** {@code spark.<key>} (as a session sets it) or {@code <key>} (as Hadoop settings do); null when neither. */
  static String setting(Configuration conf, String key) {
    String value = conf.get("spark." + key);
    return value != null ? value : conf.get(key);
  }

  /**
   * A commit file {@code N.json} without overwrite goes through DynamoDB: check that N-1 is on S3
   * (finishing it if its copy was cut short), write the actions to a temp file, claim N with a
   * conditional put, copy the temp file to {@code N.json}, mark the entry complete. Once the claim
   * succeeded the commit is made: a failed copy is finished by the next reader, so it is not an error.
   * Other files (checkpoint markers, checksums) are written directly.
   */
  @Override
  public void write(Path path, Iterator<String> actions, Boolean overwrite, Configuration hadoopConf)
      throws IOException {
    FileSystem fs = path.getFileSystem(hadoopConf);
    Path file = withoutUserInfo(fs.makeQualified(path));
    Matcher commit = COMMIT_FILE.matcher(file.getName());
    if (overwrite || !commit.matches() || !isInDeltaLog(file)) {
      writeFile(fs, file, actions, overwrite);
      return;
    }
    if (fs.exists(file)) {
      throw new FileAlreadyExistsException(file.toString());
    }
    long version = Long.parseLong(commit.group(1));
    Path logDir = file.getParent();
    String tablePath = logDir.getParent().toString();
    if (version > 0) {
      Path previous = new Path(logDir, String.format("%020d.json", version - 1));
      Optional<DynamoDbCommitTable.Entry> entry = commits.get(tablePath, previous.getName());
      if (entry.isPresent() && !entry.get().complete()) {
        finish(fs, logDir, entry.get());
      } else if (!fs.exists(previous)) {
        throw new FileSystemException(previous + " is neither on S3 nor pending in DynamoDB: cannot commit "
            + file.getName() + " after it");
      }
    } else {
      // A complete entry for version 0 without its file: the table was deleted and re-created at
      // this path within the entries' TTL; committing would mix two tables' histories.
      Optional<DynamoDbCommitTable.Entry> entry = commits.get(tablePath, file.getName());
      if (entry.isPresent() && entry.get().complete() && !fs.exists(file)) {
        throw new FileSystemException("the DynamoDB table still holds commits of an earlier Delta table at "
            + tablePath + ": wait for their TTL or delete the items of tablePath=" + tablePath);
      }
    }
    String tempPath = ".tmp/" + file.getName() + "." + UUID.randomUUID();
    writeFile(fs, new Path(logDir, tempPath), actions, true);
    DynamoDbCommitTable.Entry entry = new DynamoDbCommitTable.Entry(tablePath, file.getName(), tempPath, false, null);
    if (!commits.putIfAbsent(entry)) {
      throw new FileAlreadyExistsException(file.toString());
    }
    try {
      copyIfAbsent(fs, new Path(logDir, tempPath), file);
      commits.put(entry.completed(ttlSeconds));
    } catch (IOException | RuntimeException e) {
      LOG.warn("commit {} is claimed in DynamoDB but not yet complete ({}); the next reader or writer of the table "
          + "finishes it", file, e.toString());
    }
  }

  /** Lists as Delta expects, after finishing the table's newest commit if its copy was cut short. */
  @Override
  public Iterator<FileStatus> listFrom(Path path, Configuration hadoopConf) throws IOException {
    FileSystem fs = path.getFileSystem(hadoopConf);
    Path resolved = withoutUserInfo(fs.makeQualified(path));
    // VACUUM lists data folders through the log store too; only a _delta_log has commits to finish
    if (isInDeltaLog(resolved)) {
      Path logDir = resolved.getParent();
      Optional<DynamoDbCommitTable.Entry> latest = commits.latest(logDir.getParent().toString());
      if (latest.isPresent() && !latest.get().complete()) {
        finish(fs, logDir, latest.get());
      }
    }
    return super.listFrom(path, hadoopConf);
  }

  /** S3 shows an object only once it is written whole. */
  @Override
  public Boolean isPartialWriteVisible(Path path, Configuration hadoopConf) {
    return false;
  }

  /**
   * Copies a claimed commit's temp file to its {@code N.json} if no one has, and marks the entry
   * complete. Several drivers may do this at once: they copy the same bytes.
   */
  private void finish(FileSystem fs, Path logDir, DynamoDbCommitTable.Entry entry) throws IOException {
    Path target = new Path(logDir, entry.fileName());
    IOException last = null;
    for (int attempt = 1; attempt <= 3; attempt++) {
      try {
        if (!fs.exists(target)) {
          copyIfAbsent(fs, new Path(logDir, entry.tempPath()), target);
        }
        commits.put(entry.completed(ttlSeconds));
        LOG.info("finished commit {} of {} from its temp file", entry.fileName(), entry.tablePath());
        return;
      } catch (FileNotFoundException e) {
        throw new IOException("commit " + target + " is claimed in DynamoDB but its temp file " + entry.tempPath()
            + " is gone", e);
      } catch (IOException e) {
        last = e;
      }
    }
    throw last;
  }

  /** Copies {@code source} to {@code target} unless {@code target} exists (then someone else copied it). */
  private static void copyIfAbsent(FileSystem fs, Path source, Path target) throws IOException {
    try (InputStream in = fs.open(source)) {
      try (OutputStream out = fs.create(target, false)) {
        in.transferTo(out);
      }
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException | FileAlreadyExistsException e) {
      LOG.info("{} was already copied", target);
    }
  }

  private static void writeFile(FileSystem fs, Path path, Iterator<String> lines, boolean overwrite) throws IOException {
    try (OutputStream out = fs.create(path, overwrite)) {
      while (lines.hasNext()) {
        out.write((lines.next() + "\n").getBytes(StandardCharsets.UTF_8));
      }
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      throw new FileAlreadyExistsException(path.toString());
    }
  }

  private static boolean isInDeltaLog(Path file) {
    return file.getParent() != null && file.getParent().getName().equals("_delta_log");
  }

  /** Keys must not depend on how a run spelled credentials into the URI (Delta strips them too). */
  private static Path withoutUserInfo(Path path) {
    URI uri = path.toUri();
    try {
      return new Path(new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), uri.getQuery(),
          uri.getFragment()));
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
