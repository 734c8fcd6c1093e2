package dev.defilakehouse.jobs.analytics;

import dev.defilakehouse.common.job.LakehouseJob;
import java.util.Map;

/** Registers the analytics jobs under their catalog names. */
public final class AnalyticsJobs {
  private AnalyticsJobs() {}

  public static void register(Map<String, LakehouseJob> jobs) {
    jobs.put("analytics.token_prices_daily", new TokenPricesDailyJob());
    for (String kind : EventValuationJob.KINDS) {
      jobs.put(EventValuationJob.jobName(kind), new EventValuationJob(kind));
    }
    jobs.put("analytics.the_graph_daily_wallet_health", new DailyWalletHealthJob());
    jobs.put("analytics.the_graph_current_collateral_positions", new CurrentCollateralPositionsJob());
  }
}
