package dev.defilakehouse.local.report;

import dev.defilakehouse.local.report.RunReport.DayRows;
import dev.defilakehouse.local.report.RunReport.FeatureSummary;
import dev.defilakehouse.local.report.RunReport.LiquidationDay;
import dev.defilakehouse.local.report.RunReport.QualityCheck;
import dev.defilakehouse.local.report.RunReport.QualityDay;
import dev.defilakehouse.local.report.RunReport.RiskBin;
import dev.defilakehouse.local.report.RunReport.RiskDay;
import dev.defilakehouse.local.report.RunReport.RiskyWallet;
import dev.defilakehouse.local.report.RunReport.RuleCount;
import dev.defilakehouse.local.report.RunReport.TableState;
import dev.defilakehouse.local.report.RunReport.UnpricedDay;
import dev.defilakehouse.local.report.RunReport.WalletFeatureDay;
import dev.defilakehouse.local.report.RunReport.WalletHealthDay;
import dev.defilakehouse.local.report.RunReport.WalletHistory;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A report built by hand with every section filled: a liquidation on one of two days, a failed
 * check whose message is hostile HTML, quarantined rows, a wallet without collateral.
 */
public final class SampleReport {
  static final LocalDate D1 = LocalDate.parse("2024-01-02");
  static final LocalDate D2 = LocalDate.parse("2024-01-03");
  static final LocalDate D3 = LocalDate.parse("2024-01-04");
  static final String RISKY = "0x1111111111111111111111111111111111111111";
  static final String NO_COLLATERAL = "0x2222222222222222222222222222222222222222";
  /** A check message that would end the data's script element and run its own, were it not escaped. */
  public static final String HOSTILE = "</script><script>window.pwned = true</script><b>";

  private SampleReport() {}

  public static RunReport build() {
    List<TableState> tables = List.of(
        new TableState("raw.transpose_borrow_events", "raw", "db_raw_local.transpose_borrow_events", true, 5, 2,
            "pipeline-1", Instant.parse("2024-01-05T10:00:00Z"), "WRITE"),
        new TableState("stage.quarantine", "stage", "db_stage_local.quarantine", true, 3, 4, "pipeline-1",
            Instant.parse("2024-01-05T10:01:00Z"), "WRITE"),
        new TableState("analytics.wallet_feature_state", "analytics", "db_analytics_local.wallet_feature_state", false,
            0, -1, null, null, null));
    List<DayRows> rows = List.of(new DayRows("raw.transpose_borrow_events", "raw", D1, 2),
        new DayRows("raw.transpose_borrow_events", "raw", D3, 3), new DayRows("raw.transpose_deposit_events", "raw", D2, 4),
        new DayRows("analytics.transpose_liquidation_events", "analytics", D1, 0),
        new DayRows("analytics.transpose_deposit_events", "analytics", D2, 4),
        new DayRows("stage.quarantine", "stage", null, 1));
    List<RiskBin> bins = new ArrayList<>();
    for (int k = 0; k <= ReportQueries.BOUNDED_BINS; k++) {
      bins.add(new RiskBin(ReportQueries.edge(k), k == ReportQueries.BOUNDED_BINS ? null : ReportQueries.edge(k + 1),
          k == 5 ? 3 : k == 11 ? 1 : k == ReportQueries.BOUNDED_BINS ? 1 : 0));
    }
    Map<String, Object> features = new LinkedHashMap<>();
    features.put("risk_factor", 1_000_000.0);
    features.put("borrow_amount_avg_eth", null);
    features.put("borrow_count", 2);
    return new RunReport("/tmp/lakehouse", "local", D3, Instant.parse("2024-01-05T12:00:00Z"), tables, rows,
        List.of(new RuleCount("stage.transpose_borrow_events", "missing_block_number", 2),
            new RuleCount("stage.transpose_borrow_events", "malformed_account_address", 1)),
        List.of(new QualityCheck("counts_not_negative", false, "1 row", "0 rows", HOSTILE, "pipeline-1"),
            new QualityCheck("row_count", true, "5", "> 0", "5 wallets", "pipeline-1")),
        List.of(new QualityDay(D2, 2, 0), new QualityDay(D3, 2, 1)),
        List.of(new UnpricedDay(D1, "borrow events", 1, 2), new UnpricedDay(D2, "positions", 3, 10)),
        new FeatureSummary(5, 5, 2, 1, 1, 0.4, 0.95, 0.99, 1_000_000.0), bins,
        List.of(new RiskDay(D2, 4, 1, 0, 0.4, 0.9), new RiskDay(D3, 5, 2, 1, 0.4, 0.95)),
        List.of(new LiquidationDay(D2, "aave_v2", 1, 1.5, 1.2, 0), new LiquidationDay(D2, "compound_v2", 2, 0.5, 0.4, 0)),
        List.of(new RiskyWallet(NO_COLLATERAL, 1_000_000.0, 0.0, 0.5, 0.0, 0.0, 0),
            new RiskyWallet(RISKY, 0.96, 2.0, 1.6, 0.25, 0.0, 1)),
        List.of(new WalletHistory(NO_COLLATERAL, List.of(new WalletFeatureDay(D3, 1_000_000.0, 1_000_000.0, 1_000_000.0,
                0.0, 0.0, 0.0, 0, 1)),
                List.of(new WalletHealthDay(D3, "aave_v2", 0.0, 0.5, 0.0, 1_000_000.0, 0)), features),
            new WalletHistory(RISKY, List.of(new WalletFeatureDay(D2, 0.7, 0.7, 0.7, 2.0, 0.25, 0.0, 0, 0),
                new WalletFeatureDay(D3, 0.96, 0.96, 0.83, 2.0, 0.25, 0.0, 1, 1)),
                List.of(new WalletHealthDay(D2, "aave_v2", 2.0, 1.4, 1 / 0.7, 0.7, 0),
                    new WalletHealthDay(D3, "aave_v2", 1.0, 0.6, 1 / 0.6, 0.6, 0),
                    new WalletHealthDay(D3, "aave_v3", 1.0, 1.0, 1 / 0.96, 0.96, 0)), Map.of())));
  }
}
