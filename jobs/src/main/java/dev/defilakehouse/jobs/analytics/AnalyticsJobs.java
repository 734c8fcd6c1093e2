package dev.defilakehouse.jobs.analytics;

import dev.defilakehouse.common.job.LakehouseJob;
import java.util.Map;

/** Registers the analytics jobs under their catalog names. */
public final class AnalyticsJobs {
  private AnalyticsJobs() {}

  public static void register(Map<String, LakehouseJob> jobs) {
  }
}
