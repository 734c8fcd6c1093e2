package dev.defilakehouse.local.reliability;

import java.util.Locale;

/**
 * Where {@link KillTest} stops a job to kill it. The test-only hooks ({@link PausingLogStore},
 * {@link PausingLocalFileSystem}), which a child JVM loads only through the {@code --option spark.*}
 * settings the test passes, print {@link #MARKER} on stderr at the point and then wait to be killed.
 * The production code has no hook: these classes are on the test classpath only.
 */
enum KillPoint {
  /** Raw jobs: a source page was accepted and the next request is in flight (the sandbox holds it). */
  FETCHING,
  /** A data file of the new version is open and partly written (its first bytes are on disk). */
  WRITING,
  /** Every data file is written; the Delta commit file is about to be written. */
  BEFORE_COMMIT,
  /** The Delta commit file is written; the job has not gone on yet. */
  AFTER_COMMIT;

  static final String MARKER = "RELIABILITY-PAUSED";
  /** System property of the child JVM: which point to pause at. */
  static final String AT = "reliability.pause.at";
  /** System property of the child JVM: a fragment of the target table's path, e.g. {@code /stage/quarantine/}. */
  static final String TABLE = "reliability.pause.table";

  String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', ' ');
  }

  /** Whether the child JVM was told to pause here for a path of the target table. */
  static boolean armed(KillPoint point, String path) {
    String table = System.getProperty(TABLE);
    return point.name().equals(System.getProperty(AT)) && table != null && path.contains(table);
  }

  /** Prints the marker and blocks the calling thread (the job's) until the test kills the JVM. */
  static void pauseHere(KillPoint point, String path) {
    System.err.println(MARKER + " " + point.name() + " " + path);
    System.err.flush();
    try {
      Thread.sleep(600_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // not killed within 10 minutes: fail the job loudly rather than let it finish as if uninterrupted
    throw new IllegalStateException("reliability pause at " + point + " was never killed");
  }
}
