package dev.defilakehouse.jobs.analytics;

import dev.defilakehouse.common.catalog.TableSpec;
import dev.defilakehouse.common.config.Interval;
import dev.defilakehouse.common.job.JobContext;
import dev.defilakehouse.common.job.LakehouseJob;
import dev.defilakehouse.common.transform.analytics.CurrentPositions;
import dev.defilakehouse.common.transform.analytics.ValuedPositions;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code analytics.the_graph_current_collateral_positions}: rewrites the table with the positions
 * of the newest snapshot date present up to the interval's end (normally the end's own snapshot,
 * the only partition read then). Every run rebuilds the whole table from stage, so
 * {@code --full-refresh} changes nothing here.
 */
final class CurrentCollateralPositionsJob implements LakehouseJob {
  @Override
  public void run(JobContext ctx) {
    LocalDate newestAllowed = Interval.dateOf(ctx.config().interval().end());
    Dataset<Row> positions = ctx.tables().read(ctx.table("stage.the_graph_historical_account_positions"));
    String endDay = AnalyticsSettings.dateRange("snapshot_date", newestAllowed, newestAllowed);
    // The end's snapshot is normally there: only when it is missing look through the history for the newest.
    Optional<LocalDate> newest = positions.where(endDay).isEmpty()
        ? CurrentPositions.newestSnapshotDate(
            positions.where(AnalyticsSettings.dateRange("snapshot_date", LocalDate.EPOCH, newestAllowed)))
        : Optional.of(newestAllowed);
    LocalDate day = newest.orElse(newestAllowed);
    String slice = AnalyticsSettings.dateRange("snapshot_date", day, day);
    positions = positions.where(slice);
    Dataset<Row> markets = ctx.tables().read(ctx.table("stage.the_graph_historical_market_data")).where(slice);
    Dataset<Row> prices = ctx.tables().read(ctx.table("analytics.token_prices_daily")).where(slice);
    ctx.report().addRead(positions.count());
    ctx.report().metric("snapshot_date", newest.map(LocalDate::toString).orElse("none"));

    TableSpec target = ctx.table("analytics.the_graph_current_collateral_positions");
    Dataset<Row> current = CurrentPositions.transform(ValuedPositions.transform(positions, markets, prices), day);
    ctx.report().committed(target.id(), ctx.tables().overwrite(target, current));
    ctx.report().metric("full_refresh", ctx.config().fullRefresh());

    Dataset<Row> written = ctx.tables().read(target);
    WrittenRows.report(ctx.report(), written, Map.of("unpriced_positions", "amount_eth"));
  }
}
