package dev.defilakehouse.jobs.features;

import dev.defilakehouse.common.job.LakehouseJob;
import java.util.Map;

/** Registers the features jobs under their catalog names. */
public final class FeatureJobs {
  private FeatureJobs() {}

  public static void register(Map<String, LakehouseJob> jobs) {
    jobs.put(WalletFeaturesJob.NAME, new WalletFeaturesJob());
    jobs.put(WalletFeaturesQualityJob.NAME, new WalletFeaturesQualityJob());
  }
}
