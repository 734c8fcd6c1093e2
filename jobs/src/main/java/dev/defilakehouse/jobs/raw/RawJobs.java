package dev.defilakehouse.jobs.raw;

import dev.defilakehouse.common.job.LakehouseJob;
import java.util.Map;

/** Registers the raw jobs under their catalog names. */
public final class RawJobs {
  private RawJobs() {}

  public static void register(Map<String, LakehouseJob> jobs) {
    jobs.put(TransposeDailyBlocksJob.NAME, new TransposeDailyBlocksJob());
    for (String kind : TransposeEventsJob.KINDS) {
      TransposeEventsJob job = new TransposeEventsJob(kind);
      jobs.put(job.name(), job);
    }
    for (TheGraphSnapshotJob job : new TheGraphSnapshotJob[] {TheGraphSnapshotJob.markets(), TheGraphSnapshotJob.positions()}) {
      jobs.put(job.name(), job);
    }
  }
}
