package dev.defilakehouse.jobs.raw;

import dev.defilakehouse.common.job.LakehouseJob;
import java.util.Map;

/** Registers the raw jobs under their catalog names. */
public final class RawJobs {
  private RawJobs() {}

  public static void register(Map<String, LakehouseJob> jobs) {
  }
}
