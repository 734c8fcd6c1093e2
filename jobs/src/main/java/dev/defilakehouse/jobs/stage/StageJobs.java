package dev.defilakehouse.jobs.stage;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.defilakehouse.common.config.Interval;
import dev.defilakehouse.common.job.JobContext;
import dev.defilakehouse.common.job.LakehouseJob;
import dev.defilakehouse.common.transform.stage.AccountPositionsStage;
import dev.defilakehouse.common.transform.stage.LendingEventsStage;
import dev.defilakehouse.common.transform.stage.MarketDataStage;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Registers the stage jobs under their catalog names. */
public final class StageJobs {
  private StageJobs() {}

  public static void register(Map<String, LakehouseJob> jobs) {
    jobs.put(StageDailyBlocksJob.NAME, new StageDailyBlocksJob());
    jobs.put(MarketDataStage.TABLE, new StageJob("raw.the_graph_historical_market_data", MarketDataStage.TABLE,
        StageJob.Span.SNAPSHOTS, (ctx, raw, day) -> MarketDataStage.transform(raw, day, ctx.config().runId()),
        Map.of("token_decimals_in_range", "token_decimals BETWEEN 0 AND 38",
            "thresholds_are_fractions", "(liquidation_threshold IS NULL OR liquidation_threshold BETWEEN 0 AND 1) "
                + "AND (max_ltv IS NULL OR max_ltv BETWEEN 0 AND 1)")));

    jobs.put(AccountPositionsStage.TABLE, new StageJob("raw.the_graph_historical_account_positions",
        AccountPositionsStage.TABLE, StageJob.Span.SNAPSHOTS,
        (ctx, raw, day) -> AccountPositionsStage.transform(raw,
            stageMarkets(ctx).where(col("snapshot_date").gt(lit(Interval.dateOf(day.start())))
                .and(col("snapshot_date").leq(lit(Interval.dateOf(day.end()))))), day, ctx.config().runId()),
        Map.of("balance_raw_not_negative", "balance_raw >= 0",
            "side_is_supply_or_borrow", "side IN ('SUPPLY', 'BORROW')",
            "borrow_is_not_collateral", "side <> 'BORROW' OR NOT is_collateral")));

    for (String kind : LendingEventsStage.KINDS) {
      LendingEventsStage events = LendingEventsStage.of(kind);
      Map<String, String> checks = new LinkedHashMap<>();
      checks.put("quantity_raw_not_negative", "quantity_raw >= 0");
      checks.put("category_is_" + kind, "category = '" + kind + "'");
      if (events.isLiquidation()) {
        checks.put("quantity_liquidated_raw_not_negative", "quantity_liquidated_raw >= 0");
      }
      jobs.put(events.table(), new StageJob(events.rawTable(), events.table(), StageJob.Span.EVENTS,
          (ctx, raw, day) -> events.transform(raw, stageMarkets(ctx), day, ctx.config().runId()), checks));
    }
  }

  /** Decimals and symbols come from the stage market data, which its own job writes first. */
  private static Dataset<Row> stageMarkets(JobContext ctx) {
    return ctx.tables().read(ctx.table(MarketDataStage.TABLE));
  }
}
