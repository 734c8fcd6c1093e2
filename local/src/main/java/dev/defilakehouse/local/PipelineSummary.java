package dev.defilakehouse.local;

import dev.defilakehouse.local.report.RunReport;
import dev.defilakehouse.local.report.RunReport.FeatureSummary;
import dev.defilakehouse.local.report.RunReport.RiskyWallet;
import dev.defilakehouse.local.report.RunReport.TableState;
import java.io.PrintStream;
import java.util.Locale;

/** What {@code make run} prints at the end: tables, quarantine, the gate, and a short feature summary. */
final class PipelineSummary {
  /** Riskiest wallets on the terminal; the report lists more. */
  static final int RISKIEST = 5;

  private PipelineSummary() {}

  static void print(RunReport report, PrintStream out) {
    out.println();
    out.println(String.format("%-58s %10s %8s", "table", "rows", "version"));
    for (TableState t : report.tables()) {
      out.println(t.exists() ? String.format("%-58s %10d %8d", t.qualifiedName(), t.rows(), t.version())
          : String.format("%-58s %10s %8s", t.qualifiedName(), "-", "-"));
    }
    TableState quarantine = report.tables().stream().filter(t -> t.id().equals("stage.quarantine")).findFirst()
        .orElseThrow();
    out.println();
    out.println("quarantined rows: " + quarantine.rows()
        + (quarantine.rows() > 0 ? "  (see " + quarantine.qualifiedName() + ")" : ""));
    if (!report.quality().isEmpty()) {
      long failed = report.quality().stream().filter(c -> !c.passed()).count();
      out.println("data-quality gate as of " + report.asOf() + ": " + (report.quality().size() - failed) + " of "
          + report.quality().size() + " checks passed");
    }

    FeatureSummary f = report.features();
    if (f != null) {
      out.println();
      out.println("wallet_features as of " + report.asOf() + ": " + f.wallets() + " wallets, " + f.withDebt()
          + " with debt, " + f.aboveWarning() + " above 1/1.2 (health factor below 1.2), " + f.liquidatable()
          + " liquidatable (risk factor above 1); " + f.liquidationsInHistory() + " liquidations before it");
      if (f.p50() != null) {
        out.println(String.format(Locale.ROOT, "risk_factor of the wallets with debt: p50=%.4f p90=%.4f p99=%.4f max=%.4f",
            f.p50(), f.p90(), f.p99(), f.max()));
      }
    }
    if (!report.riskiest().isEmpty()) {
      out.println("riskiest wallets (collateral and debt: positions at the " + report.asOf() + " snapshot; "
          + "borrowed/repaid: the sums of their borrow/repay events before it, not debt):");
      out.println(String.format("  %-42s %11s %14s %10s %12s %10s %12s", "wallet", "risk_factor", "collateral_eth",
          "debt_eth", "borrowed_eth", "repaid_eth", "liquidations"));
      for (RiskyWallet w : report.riskiest().subList(0, Math.min(RISKIEST, report.riskiest().size()))) {
        out.println(String.format(Locale.ROOT, "  %-42s %11.4f %14.4f %10.4f %12.4f %10.4f %12d", w.wallet(),
            w.riskFactor(), w.collateralEth(), w.debtEth(), w.borrowedInEventsEth(), w.repaidInEventsEth(),
            w.liquidations()));
      }
    }
    if (report.asOf() != null) {
      out.println();
      out.println("explore: make sql Q=\"select * from db_analytics_" + report.env() + ".wallet_features"
          + " where as_of_date = date'" + report.asOf() + "' order by risk_factor desc limit 20\"");
    }
  }
}
