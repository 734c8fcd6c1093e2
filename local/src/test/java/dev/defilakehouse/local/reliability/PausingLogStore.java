package dev.defilakehouse.local.reliability;

import io.delta.storage.HDFSLogStore;
import java.io.IOException;
import java.util.Iterator;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Test-only Delta log store for {@code file:} paths ({@code spark.delta.logStore.file.impl}): Delta's
 * own HDFS log store, pausing right before or right after writing a commit file
 * ({@code _delta_log/<version>.json}) of the table {@link KillPoint#TABLE} names.
 */
public final class PausingLogStore extends HDFSLogStore {
  public PausingLogStore(Configuration hadoopConf) {
    super(hadoopConf);
  }

  @Override
  public void write(Path path, Iterator<String> actions, Boolean overwrite, Configuration hadoopConf)
      throws IOException {
    String p = path.toString();
    boolean commit = p.matches(".*/_delta_log/\\d{20}\\.json");
    if (commit && KillPoint.armed(KillPoint.BEFORE_COMMIT, p)) {
      KillPoint.pauseHere(KillPoint.BEFORE_COMMIT, p);
    }
    super.write(path, actions, overwrite, hadoopConf);
    if (commit && KillPoint.armed(KillPoint.AFTER_COMMIT, p)) {
      KillPoint.pauseHere(KillPoint.AFTER_COMMIT, p);
    }
  }
}
