package dev.defilakehouse.jobs.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;

import dev.defilakehouse.common.catalog.TableSpec;
import dev.defilakehouse.common.job.JobContext;
import dev.defilakehouse.common.job.LakehouseJob;
import dev.defilakehouse.common.quality.DataQualityGateFailed;
import dev.defilakehouse.common.quality.QualityCheck;
import dev.defilakehouse.common.quality.QualityResults;
import dev.defilakehouse.common.quality.WalletFeatureChecks;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code quality.wallet_features}: checks the {@code as_of_date = --end} partition of the features,
 * records every check in {@code analytics.data_quality_results} (that partition replaced), then
 * fails the run when any check failed.
 */
public final class WalletFeaturesQualityJob implements LakehouseJob {
  public static final String NAME = "quality.wallet_features";
  private static final String RESULTS = "analytics.data_quality_results";

  @Override
  public void run(JobContext ctx) {
    LocalDate asOf = AsOfDate.of(ctx.config().interval());
    TableSpec featuresTable = ctx.table(WalletFeaturesJob.NAME);
    Dataset<Row> features = ctx.tables().read(featuresTable)
        .where(col("as_of_date").equalTo(to_date(lit(asOf.toString()))));
    Dataset<Row> walletDays = WalletFeatureChecks.walletDays(
        ctx.tables().read(ctx.table("analytics.the_graph_daily_wallet_health")), asOf);

    WalletFeatureChecks.Outcome outcome = WalletFeatureChecks.evaluate(features, walletDays);
    List<QualityCheck> checks = outcome.checks();
    ctx.report().addRead(outcome.rows());
    Dataset<Row> rows = QualityResults.toRows(ctx.spark(), checks, asOf, ctx.config().runId(), Instant.now());
    long version = ctx.tables().replaceWhere(ctx.table(RESULTS), rows, AsOfDate.partitionPredicate(asOf));
    ctx.report().committed(RESULTS, version);
    ctx.report().addWritten(checks.size());
    long failed = checks.stream().filter(c -> !c.passed()).count();
    ctx.report().metric("checks", checks.size());
    ctx.report().metric("checks_failed", failed);

    Optional<String> failure = QualityResults.failure(featuresTable.qualifiedName(ctx.config().env()), asOf, checks);
    if (failure.isPresent()) {
      throw new DataQualityGateFailed(failure.get() + "\nEvery check is in "
          + ctx.table(RESULTS).qualifiedName(ctx.config().env()) + " (as_of_date = '" + asOf + "').");
    }
  }
}
