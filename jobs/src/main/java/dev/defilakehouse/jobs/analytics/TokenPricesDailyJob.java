package dev.defilakehouse.jobs.analytics;

import dev.defilakehouse.common.catalog.TableSpec;
import dev.defilakehouse.common.job.JobContext;
import dev.defilakehouse.common.job.LakehouseJob;
import dev.defilakehouse.common.transform.analytics.TokenPrices;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code analytics.token_prices_daily}: replaces the snapshot dates d with start &lt; d &lt;= end
 * ({@code --full-refresh}: every snapshot date of the stage market data, the whole table replaced).
 */
final class TokenPricesDailyJob implements LakehouseJob {
  @Override
  public void run(JobContext ctx) {
    List<LocalDate> days = ctx.config().interval().snapshotDates();
    if (days.isEmpty() && !ctx.config().fullRefresh()) {
      ctx.report().metric("snapshot_dates", 0);
      return;
    }
    String slice = days.isEmpty() ? "false"
        : AnalyticsSettings.dateRange("snapshot_date", days.get(0), days.get(days.size() - 1));
    Dataset<Row> markets = AnalyticsSettings.slice(ctx, "stage.the_graph_historical_market_data", slice);
    ctx.report().addRead(markets.count());

    TableSpec target = ctx.table("analytics.token_prices_daily");
    Dataset<Row> prices = TokenPrices.transform(markets, AnalyticsSettings.ethReferenceTokens(ctx.config()));
    ctx.report().committed(target.id(), AnalyticsSettings.write(ctx, target, prices, slice));

    Dataset<Row> written = AnalyticsSettings.slice(ctx, target.id(), slice);
    WrittenRows.report(ctx.report(), written, Map.of("prices_without_eth", "price_eth"));
  }
}
