package dev.defilakehouse.local.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.defilakehouse.local.report.RunReport.TableState;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The page and its charts from a report built by hand ({@link SampleReport}): no Spark, no browser. */
class ReportPageTest {
  private static final LocalDate D1 = SampleReport.D1;
  private static final LocalDate D2 = SampleReport.D2;
  private static final LocalDate D3 = SampleReport.D3;
  private static final String RISKY = SampleReport.RISKY;
  private static final String NO_COLLATERAL = SampleReport.NO_COLLATERAL;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void thePageIsOneFileThatLoadsNothingFromAnywhere() {
    String html = ReportPage.render(SampleReport.build());
    assertFalse(Pattern.compile("<(script|img|link|iframe)[^>]*\\s(src|href)=", Pattern.CASE_INSENSITIVE).matcher(html)
        .find(), "an external script, image or stylesheet");
    assertFalse(html.contains("@import") || html.contains("url(http"), "a stylesheet that loads something");
    assertTrue(html.contains("uPlot"), "uPlot is inlined");
    assertTrue(html.contains("window.lakehouseReport"), "the chart script is inlined");
  }

  @Test
  void everyRiskyWalletLinksToItsOwnPageAndTheLabelsSayDebtIsNotTheBorrowEvents() {
    String html = ReportPage.render(SampleReport.build());
    for (String wallet : List.of(RISKY, NO_COLLATERAL)) {
      assertTrue(html.contains("<a href=\"#wallet-" + wallet + "\">"), "link to " + wallet);
      assertTrue(html.contains("<section class=\"wallet\" id=\"wallet-" + wallet + "\">"), "page of " + wallet);
    }
    String riskiest = section(html, "riskiest");
    assertTrue(riskiest.contains("<th class=\"num\">debt (ETH)</th>"), riskiest);
    assertTrue(riskiest.contains("<th class=\"num\">borrowed in events (ETH)</th>"), riskiest);
    assertTrue(riskiest.contains("they are not its debt"), riskiest);
    assertTrue(riskiest.contains("debt, no collateral"), "the 1e6 risk factor is named, not printed: " + riskiest);
    // RISKY's row: risk 0.96, health 1/0.96, collateral 2, debt 1.6, borrowed 0.25 in events
    assertTrue(riskiest.contains("<td class=\"num\">0.9600</td><td class=\"num\">1.0417</td><td class=\"num\">2.0000</td>"
        + "<td class=\"num\">1.6000</td><td class=\"num\">0.2500</td>"), riskiest);
  }

  @Test
  void whatTheDataSaysIsEscapedWhereverItGoes() {
    String html = ReportPage.render(SampleReport.build());
    assertFalse(html.contains("<script>window.pwned"), "the check's message would run as script");
    assertTrue(html.contains("&lt;/script&gt;&lt;script&gt;window.pwned"), "the message is shown as text");
  }

  @Test
  void theChartsDataIsParseableAndEverySeriesHasAPointPerX() throws Exception {
    String html = ReportPage.render(SampleReport.build());
    Matcher data = Pattern.compile("<script type=\"application/json\" id=\"report-data\">(.*?)</script>",
        Pattern.DOTALL).matcher(html);
    assertTrue(data.find());
    JsonNode charts = JSON.readTree(data.group(1)).get("charts");
    List<String> placed = Pattern.compile("data-chart=\"([^\"]+)\"").matcher(html).results().map(m -> m.group(1)).toList();
    List<String> defined = new ArrayList<>();
    charts.fieldNames().forEachRemaining(defined::add);
    assertEquals(defined, placed, "every chart has its element, once, and nothing else");
    assertTrue(placed.containsAll(List.of("risk-histogram", "risk-share", "risk-percentiles", "liquidations",
        "unpriced", "quarantine", "rows-raw", "rows-analytics", "w-" + RISKY + "-risk",
        "w-" + RISKY + "-balance", "w-" + RISKY + "-features")), placed.toString());
    for (String id : defined) {
      JsonNode chart = charts.get(id);
      for (JsonNode series : chart.get("series")) {
        assertEquals(chart.get("x").size(), series.get("values").size(), id + " " + series.get("name"));
      }
    }
  }

  @Test
  void chartsPivotTheDaysSoAMissingDayIsZeroForCountsAndAGapForMeasures() {
    RunReport report = SampleReport.build();
    Map<String, ReportCharts.Chart> charts = ReportCharts.overview(report);
    ReportCharts.Chart raw = charts.get("rows-raw");
    assertEquals(ReportCharts.epochs(List.of(D1, D2, D3)), raw.x());
    assertEquals(List.of(2.0, 0.0, 3.0), raw.series().get(0).values(), "borrow events: none on D2");
    assertEquals(List.of(0.0, 4.0, 0.0), raw.series().get(1).values(), "deposit events");
    assertFalse(charts.containsKey("rows-stage"), "undated rows are on no day");

    ReportCharts.Chart liquidations = charts.get("liquidations");
    assertEquals("stacked", liquidations.kind());
    assertEquals(ReportCharts.epochs(List.of(D1, D2)), liquidations.x(), "every day with events, liquidations or not");
    assertEquals(List.of(0.0, 1.5), liquidations.series().get(0).values());

    ReportCharts.Chart unpriced = charts.get("unpriced");
    assertEquals(Arrays.asList(1.0, null), unpriced.series().get(0).values(), "no borrow events counted on D2: a gap");

    ReportCharts.Chart share = charts.get("risk-share");
    assertEquals(List.of(25.0, 40.0), share.series().get(0).values(), "percent of the wallets with debt");

    ReportCharts.Chart histogram = charts.get("risk-histogram");
    assertEquals(3.0, histogram.series().get(0).values().get(5));
    assertNull(histogram.series().get(0).values().get(11), "above the line is not in the first series");
    assertEquals(1.0, histogram.series().get(1).values().get(11), "(11/12, 1]: between the lines");
    assertEquals(1.0, histogram.series().get(2).values().get(ReportQueries.BOUNDED_BINS));
    assertEquals("> 1.50", histogram.xLabels().get(ReportQueries.BOUNDED_BINS));

    Map<String, ReportCharts.Chart> wallet = ReportCharts.wallet("w", report.wallets().get(1));
    assertEquals(List.of(2.0, 2.0), wallet.get("w-balance").series().get(0).values(), "collateral summed over protocols");
    assertEquals(List.of(1.4, 1.6), wallet.get("w-balance").series().get(1).values(), "debt summed over protocols");
    assertEquals(Arrays.asList(null, 0.96), wallet.get("w-risk").series().get(1).values(), "aave_v3 only on D3");
    Map<String, ReportCharts.Chart> capped = ReportCharts.wallet("w", report.wallets().get(0));
    assertEquals(List.of(ReportCharts.RISK_DRAWN_UP_TO), capped.get("w-risk").series().get(0).values(),
        "1e6 is drawn at the top of the chart");
  }

  @Test
  void anEmptyLakehouseStillGivesAPageThatSaysSo() {
    RunReport empty = new RunReport("/tmp/l", "local", null, Instant.EPOCH, List.of(new TableState("stage.quarantine",
        "stage", "db_stage_local.quarantine", false, 0, -1, null, null, null)), List.of(), List.of(), List.of(), List.of(),
        List.of(), null, List.of(), List.of(), List.of(), List.of(), List.of());
    String html = ReportPage.render(empty);
    assertTrue(html.contains("no wallet features yet"));
    assertTrue(html.contains("No rows quarantined."));
    assertTrue(html.contains("not written yet"));
    assertFalse(html.contains("data-chart="), "no chart without data");
  }

  /** The HTML of one overview section. */
  static String section(String html, String id) {
    int start = html.indexOf("<section id=\"" + id + "\">");
    return html.substring(start, html.indexOf("</section>", start));
  }
}
