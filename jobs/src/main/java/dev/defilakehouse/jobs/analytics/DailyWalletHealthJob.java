package dev.defilakehouse.jobs.analytics;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import dev.defilakehouse.common.catalog.TableSpec;
import dev.defilakehouse.common.job.JobContext;
import dev.defilakehouse.common.job.LakehouseJob;
import dev.defilakehouse.common.transform.analytics.HealthFactor;
import dev.defilakehouse.common.transform.analytics.ValuedPositions;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code analytics.the_graph_daily_wallet_health}: replaces the snapshot dates d with start &lt; d
 * &lt;= end ({@code --full-refresh}: every snapshot date of the stage positions, the whole table replaced).
 */
final class DailyWalletHealthJob implements LakehouseJob {
  @Override
  public void run(JobContext ctx) {
    List<LocalDate> days = ctx.config().interval().snapshotDates();
    if (days.isEmpty() && !ctx.config().fullRefresh()) {
      ctx.report().metric("snapshot_dates", 0);
      return;
    }
    String slice = days.isEmpty() ? "false"
        : AnalyticsSettings.dateRange("snapshot_date", days.get(0), days.get(days.size() - 1));
    Dataset<Row> positions = AnalyticsSettings.slice(ctx, "stage.the_graph_historical_account_positions", slice);
    Dataset<Row> markets = AnalyticsSettings.slice(ctx, "stage.the_graph_historical_market_data", slice);
    Dataset<Row> prices = AnalyticsSettings.slice(ctx, "analytics.token_prices_daily", slice);
    ctx.report().addRead(positions.count());

    TableSpec target = ctx.table("analytics.the_graph_daily_wallet_health");
    Dataset<Row> health = HealthFactor.transform(ValuedPositions.transform(positions, markets, prices));
    ctx.report().committed(target.id(), AnalyticsSettings.write(ctx, target, health, slice));

    Dataset<Row> written = AnalyticsSettings.slice(ctx, target.id(), slice);
    ctx.report().addWritten(written.count());
    ctx.report().metric("unpriced_positions",
        written.agg(coalesce(sum(col("unpriced_positions")), lit(0L))).head().getLong(0));
  }
}
