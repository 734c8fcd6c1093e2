package dev.defilakehouse.local.report;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * What the run report shows, already reduced to small lists: the page and the terminal summary
 * render it, {@link LakehouseReport} reads it from the tables. {@code asOf} is null when the
 * lakehouse has no features yet (then the wallet sections are empty).
 */
public record RunReport(
    String lakehouseRoot,
    String env,
    LocalDate asOf,
    Instant generatedAt,
    List<TableState> tables,
    List<DayRows> rowsPerDay,
    List<RuleCount> quarantine,
    List<QualityCheck> quality,
    List<QualityDay> qualityHistory,
    List<UnpricedDay> unpriced,
    FeatureSummary features,
    List<RiskBin> riskHistogram,
    List<RiskDay> riskPerDay,
    List<LiquidationDay> liquidations,
    List<RiskyWallet> riskiest,
    List<WalletHistory> wallets) {

  /** One catalog table: rows, and its latest Delta commit (version, run id, when, what). */
  public record TableState(String id, String layer, String qualifiedName, boolean exists, long rows, long version,
                           String runId, Instant committedAt, String operation) {}

  /** Rows of one table on one day (its partition date, or its own date column). */
  public record DayRows(String table, String layer, LocalDate day, long rows) {}

  /** Quarantined rows of one stage table that failed one rule (a row failing two rules counts in both). */
  public record RuleCount(String sourceTable, String rule, long rows) {}

  /** One check of the data-quality gate on the as-of date. */
  public record QualityCheck(String name, boolean passed, String observed, String expectation, String message,
                             String runId) {}

  /** The gate on one earlier or later as-of date: how many checks, how many failed. */
  public record QualityDay(LocalDate asOf, long checks, long failed) {}

  /** {@code what}: an event kind ("borrow events") or "positions"; {@code total} of them that day. */
  public record UnpricedDay(LocalDate day, String what, long unpriced, long total) {}

  /**
   * The wallets of the as-of date: all, with debt (risk factor above 0), above the warning line
   * (risk factor above 1/1.2, health factor below 1.2), liquidatable (above 1); risk-factor
   * percentiles over the wallets with debt; liquidations in the whole history.
   */
  public record FeatureSummary(long wallets, long withDebt, long aboveWarning, long liquidatable,
                               long liquidationsInHistory, Double p50, Double p90, Double p99, Double max) {}

  /** Wallets with a risk factor in {@code (from, to]} on the as-of date; {@code to} null: above {@code from}. */
  public record RiskBin(double from, Double to, long wallets) {}

  /**
   * One snapshot day over the wallets with debt that day (a wallet's risk factor is its highest
   * over protocols): how many, how many above 1/1.2 and above 1, and the median and 90th percentile.
   */
  public record RiskDay(LocalDate day, long walletsWithDebt, long aboveWarning, long liquidatable, Double p50,
                        Double p90) {}

  /** Liquidations of one protocol on one day: the collateral seized and the debt repaid, in ETH. */
  public record LiquidationDay(LocalDate day, String protocol, long events, double collateralSeizedEth,
                               double debtRepaidEth, long unpriced) {}

  /**
   * A wallet at the as-of date: its risk factor and collateral (features), its debt at that
   * snapshot (daily health, all protocols), and what its borrow and repay events add up to over
   * the data before the as-of date — events, not the debt.
   */
  public record RiskyWallet(String wallet, double riskFactor, double collateralEth, double debtEth,
                            double borrowedInEventsEth, double repaidInEventsEth, int liquidations) {}

  /** One wallet's page: its feature rows over the as-of dates, its daily health, its features at the as-of date. */
  public record WalletHistory(String wallet, List<WalletFeatureDay> features, List<WalletHealthDay> health,
                              Map<String, Object> featuresAtAsOf) {}

  public record WalletFeatureDay(LocalDate asOf, double riskFactor, Double maxRiskFactor, Double avgRiskFactor,
                                 double collateralEth, double borrowedInEventsEth, double repaidInEventsEth,
                                 int liquidations, int daysAboveWarning) {}

  /** {@code healthFactor} null without debt. */
  public record WalletHealthDay(LocalDate day, String protocol, double collateralEth, double debtEth,
                                Double healthFactor, double riskFactor, int unpricedPositions) {}
}
