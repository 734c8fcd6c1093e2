package dev.defilakehouse.jobs.analytics;

import dev.defilakehouse.common.catalog.TableSpec;
import dev.defilakehouse.common.config.Interval;
import dev.defilakehouse.common.job.JobContext;
import dev.defilakehouse.common.job.LakehouseJob;
import dev.defilakehouse.common.transform.analytics.EventValuation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code analytics.transpose_<kind>_events}: values the stage events of the interval's days in ETH
 * and replaces those block_date partitions. Reads prices from {@code max age} days before the
 * first day, so events early in the interval find their price. {@code --full-refresh}: every
 * stage event valued against every price, the whole table replaced.
 */
final class EventValuationJob implements LakehouseJob {
  static final List<String> KINDS = List.of("deposit", "withdraw", "borrow", "repay", "liquidation");

  private final String kind;

  EventValuationJob(String kind) {
    if (!KINDS.contains(kind)) {
      throw new IllegalArgumentException("unknown event kind '" + kind + "': expected one of " + KINDS);
    }
    this.kind = kind;
  }

  static String jobName(String kind) {
    return "analytics.transpose_" + kind + "_events";
  }

  @Override
  public void run(JobContext ctx) {
    Interval interval = ctx.config().interval();
    int maxAgeDays = AnalyticsSettings.maxPriceAgeDays(ctx.config());
    String slice = AnalyticsSettings.dateRange("block_date", interval.startDate(), interval.lastDate());
    Dataset<Row> events = AnalyticsSettings.slice(ctx, "stage.transpose_" + kind + "_events", slice);
    Dataset<Row> prices = AnalyticsSettings.slice(ctx, "analytics.token_prices_daily",
        AnalyticsSettings.dateRange("snapshot_date", interval.startDate().minusDays(maxAgeDays), interval.lastDate()));
    ctx.report().addRead(events.count());

    TableSpec target = ctx.table("analytics.transpose_" + kind + "_events");
    Dataset<Row> valued = EventValuation.transform(events, prices, maxAgeDays);
    ctx.report().committed(target.id(), AnalyticsSettings.write(ctx, target, valued, slice));

    Dataset<Row> written = AnalyticsSettings.slice(ctx, target.id(), slice);
    Map<String, String> unpriced = new LinkedHashMap<>();
    unpriced.put("unpriced_events", "amount_eth");
    if (kind.equals("liquidation")) {
      unpriced.put("unpriced_liquidated_debt", "amount_liquidated_eth");
    }
    WrittenRows.report(ctx.report(), written, unpriced);
  }
}
