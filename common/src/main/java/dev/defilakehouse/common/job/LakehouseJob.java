package dev.defilakehouse.common.job;

/**
 * One Spark job of the pipeline: reads its inputs, calls pure transformations, writes its tables
 * through {@link JobContext#tables()} and records what it did in {@link JobContext#report()}.
 * Throwing fails the run (exit 1); the message should say what was wrong and what to do.
 */
@FunctionalInterface
public interface LakehouseJob {
  void run(JobContext context) throws Exception;
}
