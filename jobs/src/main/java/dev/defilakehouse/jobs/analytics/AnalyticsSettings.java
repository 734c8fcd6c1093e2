package dev.defilakehouse.jobs.analytics;

import dev.defilakehouse.common.catalog.TableSpec;
import dev.defilakehouse.common.config.BadArgumentException;
import dev.defilakehouse.common.config.RunConfig;
import dev.defilakehouse.common.job.JobContext;
import dev.defilakehouse.common.transform.analytics.EventValuation;
import dev.defilakehouse.common.transform.analytics.TokenPrices;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The {@code --option}s of the analytics jobs and the date-slice predicates they write. */
final class AnalyticsSettings {
  /** How many days an event may be after the price it is valued at. */
  static final String MAX_PRICE_AGE_DAYS = "prices.max_age_days";
  /** Token address(es) whose USD price is the ETH price, comma-separated, preferred first. */
  static final String ETH_REFERENCE = "prices.weth_address";

  private AnalyticsSettings() {}

  static int maxPriceAgeDays(RunConfig config) {
    int days = config.intOption(MAX_PRICE_AGE_DAYS, EventValuation.DEFAULT_MAX_AGE_DAYS);
    if (days < 0) {
      throw new BadArgumentException("--option " + MAX_PRICE_AGE_DAYS + "=" + days + " must be 0 or more days");
    }
    return days;
  }

  static List<String> ethReferenceTokens(RunConfig config) {
    List<String> tokens = Arrays.stream(config.option(ETH_REFERENCE, TokenPrices.WETH).split(","))
        .map(String::trim).filter(s -> !s.isEmpty()).toList();
    for (String token : tokens) {
      if (!token.matches("0x[0-9a-fA-F]{40}")) {
        throw new BadArgumentException("--option " + ETH_REFERENCE + ": '" + token
            + "' is not a token address (0x and 40 hex digits); the default is WETH " + TokenPrices.WETH);
      }
    }
    if (tokens.isEmpty()) {
      throw new BadArgumentException("--option " + ETH_REFERENCE + " is empty; the default is WETH " + TokenPrices.WETH);
    }
    return tokens;
  }

  /**
   * Writes {@code rows} as the job's output: the interval's slice replaced, or with
   * {@code --full-refresh} the whole table (rebuilt from all of its stage input), in one commit.
   * Returns the version written.
   */
  static long write(JobContext ctx, TableSpec target, Dataset<Row> rows, String slice) {
    ctx.report().metric("full_refresh", ctx.config().fullRefresh());
    return ctx.config().fullRefresh()
        ? ctx.tables().overwrite(target, rows)
        : ctx.tables().replaceWhere(target, rows, slice);
  }

  /** The rows of {@code table} this run reads or wrote: the slice, or all with {@code --full-refresh}. */
  static Dataset<Row> slice(JobContext ctx, String table, String slice) {
    Dataset<Row> rows = ctx.tables().read(ctx.table(table));
    return ctx.config().fullRefresh() ? rows : rows.where(slice);
  }

  /** SQL predicate {@code column} in {@code [first, last]}, for reads and replaceWhere. */
  static String dateRange(String column, LocalDate first, LocalDate last) {
    return column + " >= DATE'" + first + "' AND " + column + " <= DATE'" + last + "'";
  }
}
