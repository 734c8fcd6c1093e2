package dev.defilakehouse.local.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens a report page in headless Chromium and checks what a reader would see: every chart of
 * the overview drawn (a canvas with the data's series, and a screenshot of it that is not blank),
 * the first riskiest wallet's page reached by its link with its charts drawn, and no error from
 * the page. Screenshots are kept under {@code target/report-screenshots/} to look at.
 */
public final class ReportInBrowser {
  /** Window width: the report's two-column layout. */
  private static final int WIDTH = 1280;
  private static final String SHOWN_CHARTS = "Array.from(document.querySelectorAll('[data-chart]'))"
      + ".filter(e => e.offsetParent !== null)";

  private ReportInBrowser() {}

  /** Checks the page and returns the chart ids drawn on the overview and on the first wallet's page. */
  public static List<String> check(HeadlessChromium.Tab tab, Path page, String name) throws Exception {
    Path screenshots = Files.createDirectories(Path.of("target", "report-screenshots"));
    tab.open(WIDTH, 900);
    tab.navigate(page.toUri().toString());
    List<String> drawn = new ArrayList<>(checkShownCharts(tab, screenshots, name + "-overview"));

    JsonNode link = tab.evaluate("(() => { const a = document.querySelector('#riskiest a'); "
        + "if (!a) return null; a.click(); return a.getAttribute('href'); })()");
    if (!link.isNull()) {
      String anchor = link.asText().substring(1);
      tab.waitUntil("location.hash === '#" + anchor + "' && document.getElementById('" + anchor + "').offsetParent !== null",
          "the wallet's page is shown");
      assertTrue(tab.evaluate("document.getElementById('overview').offsetParent === null").asBoolean(),
          "the overview hides behind the wallet's page");
      List<String> walletCharts = checkShownCharts(tab, screenshots, name + "-wallet");
      assertTrue(walletCharts.stream().allMatch(id -> id.startsWith("w-")), walletCharts.toString());
      drawn.addAll(walletCharts);
    }
    assertEquals(List.of(), tab.errors(), "errors in " + page);
    return drawn;
  }

  private static List<String> checkShownCharts(HeadlessChromium.Tab tab, Path screenshots, String name)
      throws Exception {
    tab.waitUntil(SHOWN_CHARTS + ".every(e => e.dataset.drawn === 'yes' && e.querySelector('canvas'))",
        "every chart shown is drawn");
    List<String> ids = new ArrayList<>();
    tab.evaluate(SHOWN_CHARTS + ".map(e => e.dataset.chart)").forEach(id -> ids.add(id.asText()));
    assertTrue(!ids.isEmpty(), name + ": no chart shown");
    // the library holds each chart's data: as many series as the report gave it, and points on x
    for (String id : ids) {
      JsonNode shape = tab.evaluate("(() => { const u = window.lakehouseReport.charts['" + id + "']; "
          + "return [u.series.length - 1, u.data[0].length, u.data.slice(1).flat().filter(v => v != null).length]; })()");
      assertTrue(shape.get(0).asInt() > 0 && shape.get(1).asInt() > 0 && shape.get(2).asInt() > 0,
          id + " has no data to draw: " + shape);
    }
    JsonNode size = tab.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]");
    byte[] whole = tab.screenshot(0, 0, WIDTH, Math.min(size.get(1).asDouble(), 12_000));
    Files.write(screenshots.resolve(name + ".png"), whole);
    PngStats page = PngStats.of(whole);
    assertTrue(page.luminanceVariance() > 100 && page.drawnShare() > 0.05, name + " looks blank: " + page);
    for (String id : ids) {
      JsonNode box = tab.evaluate("(() => { const r = document.querySelector('[data-chart=\"" + id + "\"] canvas')"
          + ".getBoundingClientRect(); return [r.x + scrollX, r.y + scrollY, r.width, r.height]; })()");
      byte[] chart = tab.screenshot(box.get(0).asDouble(), box.get(1).asDouble(), box.get(2).asDouble(),
          box.get(3).asDouble());
      PngStats stats = PngStats.of(chart);
      // axes, grid and labels in greys, far from one flat colour, and the series in colour
      assertTrue(stats.luminanceVariance() > 50 && stats.drawnShare() > 0.02 && stats.colours() > 8
          && stats.vividPixels() > 20, name + " chart " + id + " looks empty: " + stats);
    }
    return ids;
  }
}
