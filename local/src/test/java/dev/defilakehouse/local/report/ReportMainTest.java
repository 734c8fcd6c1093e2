package dev.defilakehouse.local.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad arguments and a folder without a lakehouse are refused before any Spark starts; run ids are read leniently. */
class ReportMainTest {
  @Test
  void badArgumentsExitWithTwoAndSayWhatWasWrong() {
    assertBad("--as-of '2024-13-01' is not a date like 2024-01-04", "--as-of", "2024-13-01");
    assertBad("--as-of needs a date (2024-01-04)", "--as-of");
    assertBad("report takes --as-of, not --start, --end or --full-refresh", "--start", "2024-01-01");
    assertBad("unknown flag '--wallets'", "--wallets", "3");
  }

  @Test
  void aFolderWithoutALakehouseIsRefusedBeforeSparkStarts(@TempDir Path empty) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = ReportMain.run(new String[] {"--lakehouse-root", empty.toString()},
        new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(1, code);
    assertEquals("FAILED report : no lakehouse under " + empty + " (make run writes one; --lakehouse-root names another)\n",
        err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void theRunIdIsTheOneOurWritesRecord() {
    assertEquals("pipeline-1", LakehouseReport.runId("{\"run_id\":\"pipeline-1\",\"operation\":\"overwrite\"}"));
    assertNull(LakehouseReport.runId(null));
    assertNull(LakehouseReport.runId("written by hand"));
    assertNull(LakehouseReport.runId("{\"note\":1}"));
  }

  private static void assertBad(String message, String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = ReportMain.run(args, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true,
        StandardCharsets.UTF_8));
    String text = err.toString(StandardCharsets.UTF_8);
    assertEquals(2, code, text);
    assertTrue(text.startsWith("error: " + message + "\nusage: bin/lakehouse report"), text);
  }
}
