package dev.defilakehouse.local;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.defilakehouse.local.report.SampleReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PipelineSummaryTest {
  @Test
  void theRiskiestWalletsShowTheirDebtBesideTheirBorrowEventsAndSayWhichIsWhich() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PipelineSummary.print(SampleReport.build(), new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("riskiest wallets (collateral and debt: positions at the 2024-01-04 snapshot; "
        + "borrowed/repaid: the sums of their borrow/repay events before it, not debt):"), text);
    assertTrue(text.lines().anyMatch(l -> l.matches("\\s+wallet\\s+risk_factor\\s+collateral_eth\\s+debt_eth\\s+"
        + "borrowed_eth\\s+repaid_eth\\s+liquidations")), text);
    // 0x1111...: risk 0.96, 2 ETH collateral, owes 1.6 ETH though its borrow events add up to 0.25
    assertTrue(text.lines().anyMatch(l -> l.matches("\\s+0x1{40}\\s+0\\.9600\\s+2\\.0000\\s+1\\.6000\\s+0\\.2500\\s+"
        + "0\\.0000\\s+1")), text);
    assertTrue(text.contains("5 wallets, 5 with debt, 2 above 1/1.2 (health factor below 1.2), 1 liquidatable"), text);
    assertTrue(text.contains("data-quality gate as of 2024-01-04: 1 of 2 checks passed"), text);
    assertTrue(text.contains("quarantined rows: 3  (see db_stage_local.quarantine)"), text);
    assertTrue(text.lines().anyMatch(l -> l.matches("db_analytics_local\\.wallet_feature_state\\s+-\\s+-")),
        "a table not written yet: " + text);
    assertFalse(text.contains("borrowed_eth=0.0000"), "the old contradictory label");
  }
}
