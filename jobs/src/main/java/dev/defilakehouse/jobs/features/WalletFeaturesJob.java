package dev.defilakehouse.jobs.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;

import dev.defilakehouse.common.catalog.TableSpec;
import dev.defilakehouse.common.job.JobContext;
import dev.defilakehouse.common.job.LakehouseJob;
import dev.defilakehouse.common.transform.features.WalletFeatures;
import io.delta.tables.DeltaTable;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code analytics.wallet_features}: the feature dictionary as of {@code --end} T, written to the
 * partition {@code as_of_date = T} only, so earlier as-of dates stay as they were computed.
 */
public final class WalletFeaturesJob implements LakehouseJob {
  public static final String NAME = "analytics.wallet_features";
  private static final Logger LOG = LoggerFactory.getLogger(WalletFeaturesJob.class);

  @Override
  public void run(JobContext ctx) {
    LocalDate asOf = AsOfDate.of(ctx.config().interval());
    WalletFeatures.Inputs inputs = new WalletFeatures.Inputs(
        events(ctx, "deposit", asOf), events(ctx, "withdraw", asOf), events(ctx, "borrow", asOf),
        events(ctx, "repay", asOf), events(ctx, "liquidation", asOf),
        ctx.tables().read(ctx.table("analytics.the_graph_daily_wallet_health")));

    long events = 0;
    long unpriced = 0;
    for (Row r : WalletFeatures.eventCounts(inputs, asOf).collectAsList()) {
      events += r.getLong(1);
      unpriced += r.getLong(2);
      if (r.getLong(2) > 0) {
        ctx.report().metric("unpriced_" + r.getString(0) + "_events", r.getLong(2));
      }
    }
    ctx.report().addRead(events);
    ctx.report().metric("unpriced_events", unpriced);
    if (unpriced > 0) {
      LOG.warn("{} of {} events before {} have no amount_eth (no price at most the configured age): "
          + "counted in the counts, skipped in the sums and averages", unpriced, events, asOf);
    }

    TableSpec target = ctx.table(NAME);
    Dataset<Row> features = WalletFeatures.compute(inputs, asOf, Instant.now());
    long version = ctx.tables().replaceWhere(target, features, AsOfDate.partitionPredicate(asOf));
    ctx.report().committed(NAME, version);
    long wallets = rowsWritten(ctx, target);
    ctx.report().addWritten(wallets);
    ctx.report().metric("as_of_date", asOf);
    ctx.report().metric("wallets", wallets);
  }

  /** Events up to T; {@code block_date <= T} prunes later partitions before the exact time filter. */
  private static Dataset<Row> events(JobContext ctx, String kind, LocalDate asOf) {
    return ctx.tables().read(ctx.table("analytics.transpose_" + kind + "_events"))
        .where(col("block_date").leq(to_date(lit(asOf.toString()))));
  }

  /** Rows of the commit just written, from the Delta log rather than another pass over the data. */
  private static long rowsWritten(JobContext ctx, TableSpec table) {
    Row last = DeltaTable.forPath(ctx.spark(), ctx.tables().location(table)).history(1)
        .select("operationMetrics").head();
    Map<String, String> metrics = last.getJavaMap(0);
    return metrics == null ? -1 : Long.parseLong(metrics.getOrDefault("numOutputRows", "-1"));
  }
}
