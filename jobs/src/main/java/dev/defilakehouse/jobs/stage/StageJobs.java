package dev.defilakehouse.jobs.stage;

import dev.defilakehouse.common.job.LakehouseJob;
import java.util.Map;

/** Registers the stage jobs under their catalog names. */
public final class StageJobs {
  private StageJobs() {}

  public static void register(Map<String, LakehouseJob> jobs) {
    jobs.put(StageDailyBlocksJob.NAME, new StageDailyBlocksJob());
  }
}
