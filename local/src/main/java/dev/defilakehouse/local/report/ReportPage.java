package dev.defilakehouse.local.report;

import static org.apache.commons.text.StringEscapeUtils.escapeHtml4;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.defilakehouse.common.transform.analytics.HealthFactor;
import dev.defilakehouse.local.report.RunReport.FeatureSummary;
import dev.defilakehouse.local.report.RunReport.LiquidationDay;
import dev.defilakehouse.local.report.RunReport.QualityCheck;
import dev.defilakehouse.local.report.RunReport.QualityDay;
import dev.defilakehouse.local.report.RunReport.RiskyWallet;
import dev.defilakehouse.local.report.RunReport.RuleCount;
import dev.defilakehouse.local.report.RunReport.TableState;
import dev.defilakehouse.local.report.RunReport.UnpricedDay;
import dev.defilakehouse.local.report.RunReport.WalletFeatureDay;
import dev.defilakehouse.local.report.RunReport.WalletHealthDay;
import dev.defilakehouse.local.report.RunReport.WalletHistory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The report as one self-contained HTML page: tables rendered here, charts drawn in the browser
 * by uPlot (inlined from its webjar) from the data of {@link ReportCharts}, each wallet of the
 * riskiest list on its own page ({@code #wallet-<address>}, shown by CSS when targeted). Nothing
 * is loaded from anywhere at view time.
 */
public final class ReportPage {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
      .withZone(ZoneOffset.UTC);
  private static final String UPLOT = "META-INF/resources/webjars/uplot/";

  private ReportPage() {}

  public static String render(RunReport report) {
    Map<String, ReportCharts.Chart> charts = new LinkedHashMap<>(ReportCharts.overview(report));
    StringBuilder wallets = new StringBuilder();
    for (WalletHistory w : report.wallets()) {
      Map<String, ReportCharts.Chart> walletCharts = ReportCharts.wallet(chartPrefix(w.wallet()), w);
      charts.putAll(walletCharts);
      wallets.append(walletPage(report, w, walletCharts));
    }
    StringBuilder html = new StringBuilder(256 * 1024);
    html.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>Lakehouse report").append(report.asOf() == null ? "" : " as of " + report.asOf())
        .append("</title>\n<style>\n").append(uplot("dist/uPlot.min.css")).append('\n')
        .append(resource("report/report.css")).append("</style></head>\n<body>\n");
    header(html, report);
    html.append("<main id=\"overview\">\n");
    nav(html);
    cards(html, report);
    risk(html, report, charts);
    riskiest(html, report);
    liquidations(html, report, charts);
    quality(html, report);
    unpriced(html, report, charts);
    quarantine(html, report, charts);
    rows(html, charts);
    tables(html, report);
    html.append("</main>\n").append(wallets);
    html.append("<script type=\"application/json\" id=\"report-data\">").append(json(Map.of("charts", charts)))
        .append("</script>\n<script>").append(uplot("dist/uPlot.iife.min.js")).append("</script>\n<script>")
        .append(resource("report/report.js")).append("</script>\n</body></html>\n");
    return html.toString();
  }

  /** The element id of a wallet's page: what the riskiest list links to. */
  static String walletAnchor(String wallet) {
    return "wallet-" + wallet;
  }

  private static String chartPrefix(String wallet) {
    return "w-" + wallet;
  }

  private static void header(StringBuilder html, RunReport report) {
    html.append("<header class=\"top\"><h1><a href=\"#\">Lakehouse report</a></h1><p class=\"meta\">")
        .append(report.asOf() == null ? "no wallet features yet" : "as of <b>" + report.asOf() + "</b>")
        .append(" · env ").append(esc(report.env())).append(" · <code>").append(esc(report.lakehouseRoot()))
        .append("</code> · generated ").append(TIME.format(report.generatedAt())).append("</p></header>\n");
  }

  private static void nav(StringBuilder html) {
    html.append("<nav class=\"toc\">");
    String[][] links = {{"risk", "Risk"}, {"riskiest", "Riskiest wallets"}, {"liquidations", "Liquidations"},
        {"quality", "Data quality"}, {"unpriced", "Unpriced"}, {"quarantine", "Quarantine"}, {"rows", "Rows per day"},
        {"tables", "Tables"}};
    for (String[] link : links) {
      html.append("<a href=\"#").append(link[0]).append("\">").append(link[1]).append("</a>");
    }
    html.append("</nav>\n");
  }

  private static void cards(StringBuilder html, RunReport report) {
    html.append("<section class=\"cards\">");
    FeatureSummary f = report.features();
    if (f != null) {
      card(html, String.valueOf(f.wallets()), "wallets as of " + report.asOf(), "");
      card(html, String.valueOf(f.withDebt()), "with debt (risk factor above 0)", "");
      card(html, String.valueOf(f.aboveWarning()), "above 1/1.2 (health factor below 1.2)", f.aboveWarning() > 0 ? "warn" : "");
      card(html, String.valueOf(f.liquidatable()), "liquidatable (risk factor above 1)", f.liquidatable() > 0 ? "bad" : "");
      card(html, String.valueOf(f.liquidationsInHistory()), "liquidations before the as-of date", "");
    }
    long failed = report.quality().stream().filter(c -> !c.passed()).count();
    if (!report.quality().isEmpty()) {
      card(html, (report.quality().size() - failed) + "/" + report.quality().size(), "data-quality checks passed",
          failed > 0 ? "bad" : "good");
    }
    long quarantined = report.tables().stream().filter(t -> t.id().equals("stage.quarantine")).mapToLong(TableState::rows)
        .sum();
    card(html, String.valueOf(quarantined), "rows in quarantine", quarantined > 0 ? "warn" : "good");
    html.append("</section>\n");
  }

  private static void card(StringBuilder html, String value, String label, String tone) {
    html.append("<div class=\"card ").append(tone).append("\"><div class=\"value\">").append(esc(value))
        .append("</div><div class=\"label\">").append(esc(label)).append("</div></div>");
  }

  private static void risk(StringBuilder html, RunReport report, Map<String, ReportCharts.Chart> charts) {
    html.append("<section id=\"risk\"><h2>Risk</h2><p class=\"note\">A wallet's risk factor is its debt over its "
        + "collateral weighted by the liquidation thresholds, the highest over its protocols: above 1 it can be "
        + "liquidated, above 1/1.2 its health factor is below 1.2. Only wallets with debt are counted.");
    FeatureSummary f = report.features();
    if (f != null && f.p50() != null) {
      html.append(" As of ").append(report.asOf()).append(": median ").append(risk(f.p50())).append(", 90th percentile ")
          .append(risk(f.p90())).append(", 99th ").append(risk(f.p99())).append(", highest ").append(risk(f.max()))
          .append('.');
    }
    html.append("</p><div class=\"grid\">");
    chart(html, charts, "risk-histogram");
    chart(html, charts, "risk-share");
    chart(html, charts, "risk-percentiles");
    html.append("</div></section>\n");
  }

  private static void riskiest(StringBuilder html, RunReport report) {
    html.append("<section id=\"riskiest\"><h2>Riskiest wallets").append(report.asOf() == null ? "" : " as of "
        + report.asOf()).append("</h2>");
    if (report.riskiest().isEmpty()) {
      html.append("<p class=\"empty\">No wallet has debt on the as-of date.</p></section>\n");
      return;
    }
    html.append("<p class=\"note\">Collateral and debt are the wallet's positions at the as-of snapshot (all "
        + "protocols). Borrowed and repaid add up its borrow and repay <em>events</em> before the as-of date, valued "
        + "at each day's price: they are not its debt (debt from before the data, interest and liquidations make "
        + "them differ). Each wallet links to its page.</p>");
    html.append("<table><thead><tr><th>wallet</th><th class=\"num\">risk factor</th><th class=\"num\">health factor</th>"
        + "<th class=\"num\">collateral (ETH)</th><th class=\"num\">debt (ETH)</th>"
        + "<th class=\"num\">borrowed in events (ETH)</th><th class=\"num\">repaid in events (ETH)</th>"
        + "<th class=\"num\">liquidations</th></tr></thead><tbody>");
    for (RiskyWallet w : report.riskiest()) {
      html.append("<tr class=\"").append(tone(w.riskFactor())).append("\"><td><a href=\"#")
          .append(esc(walletAnchor(w.wallet()))).append("\"><code>").append(esc(w.wallet())).append("</code></a></td>")
          .append(num(risk(w.riskFactor()))).append(num(healthFactor(w.riskFactor()))).append(num(eth(w.collateralEth())))
          .append(num(eth(w.debtEth()))).append(num(eth(w.borrowedInEventsEth()))).append(num(eth(w.repaidInEventsEth())))
          .append(num(String.valueOf(w.liquidations()))).append("</tr>");
    }
    html.append("</tbody></table></section>\n");
  }

  private static void liquidations(StringBuilder html, RunReport report, Map<String, ReportCharts.Chart> charts) {
    html.append("<section id=\"liquidations\"><h2>Liquidations</h2><p class=\"note\">Per day and protocol: the "
        + "collateral seized from the borrowers and the debt repaid by the liquidators, in ETH at the day's price.</p>");
    chart(html, charts, "liquidations");
    if (report.liquidations().isEmpty()) {
      html.append("<p class=\"empty\">No liquidations in the data.</p>");
    } else {
      html.append("<table><thead><tr><th>day</th><th>protocol</th><th class=\"num\">liquidations</th>"
          + "<th class=\"num\">collateral seized (ETH)</th><th class=\"num\">debt repaid (ETH)</th>"
          + "<th class=\"num\">without a price</th></tr></thead><tbody>");
      for (LiquidationDay l : report.liquidations()) {
        html.append("<tr><td>").append(l.day()).append("</td><td>").append(esc(l.protocol())).append("</td>")
            .append(num(String.valueOf(l.events()))).append(num(eth(l.collateralSeizedEth())))
            .append(num(eth(l.debtRepaidEth()))).append(num(String.valueOf(l.unpriced()))).append("</tr>");
      }
      html.append("</tbody></table>");
    }
    html.append("</section>\n");
  }

  private static void quality(StringBuilder html, RunReport report) {
    html.append("<section id=\"quality\"><h2>Data quality</h2><p class=\"note\">The gate "
        + "<code>quality.wallet_features</code> (table <code>analytics.data_quality_results</code>) on the as-of "
        + "date; a failed check stops the daily run.</p>");
    if (report.quality().isEmpty()) {
      html.append("<p class=\"empty\">The gate has not checked this as-of date.</p>");
    } else {
      html.append("<table><thead><tr><th></th><th>check</th><th>observed</th><th>expected</th><th>message</th></tr>"
          + "</thead><tbody>");
      for (QualityCheck c : report.quality()) {
        html.append("<tr class=\"").append(c.passed() ? "good" : "bad").append("\"><td>")
            .append(c.passed() ? "passed" : "FAILED").append("</td><td><code>").append(esc(c.name()))
            .append("</code></td><td>").append(esc(c.observed())).append("</td><td>").append(esc(c.expectation()))
            .append("</td><td>").append(esc(c.message())).append("</td></tr>");
      }
      html.append("</tbody></table>");
    }
    if (report.qualityHistory().size() > 1) {
      html.append("<p class=\"note\">Every as-of date checked: ");
      for (QualityDay d : report.qualityHistory()) {
        html.append("<span class=\"chip ").append(d.failed() > 0 ? "bad" : "good").append("\">").append(d.asOf())
            .append(": ").append(d.checks() - d.failed()).append('/').append(d.checks()).append("</span> ");
      }
      html.append("</p>");
    }
    html.append("</section>\n");
  }

  private static void unpriced(StringBuilder html, RunReport report, Map<String, ReportCharts.Chart> charts) {
    html.append("<section id=\"unpriced\"><h2>Without a price</h2><p class=\"note\">Events with no token price "
        + "young enough (<code>prices.max_age_days</code>) are counted but left out of the ETH sums; positions "
        + "without a price add nothing to a wallet's collateral or debt.</p>");
    chart(html, charts, "unpriced");
    if (!report.unpriced().isEmpty()) {
      Map<String, long[]> totals = new TreeMap<>();
      for (UnpricedDay u : report.unpriced()) {
        long[] t = totals.computeIfAbsent(u.what(), w -> new long[2]);
        t[0] += u.unpriced();
        t[1] += u.total();
      }
      html.append("<table><thead><tr><th>what</th><th class=\"num\">without a price</th><th class=\"num\">of</th>"
          + "<th class=\"num\">share</th></tr></thead><tbody>");
      totals.forEach((what, t) -> html.append("<tr><td>").append(esc(what)).append("</td>")
          .append(num(String.valueOf(t[0]))).append(num(String.valueOf(t[1])))
          .append(num(t[1] == 0 ? "–" : String.format(Locale.ROOT, "%.1f%%", 100.0 * t[0] / t[1]))).append("</tr>"));
      html.append("</tbody></table>");
    }
    html.append("</section>\n");
  }

  private static void quarantine(StringBuilder html, RunReport report, Map<String, ReportCharts.Chart> charts) {
    html.append("<section id=\"quarantine\"><h2>Quarantine</h2><p class=\"note\">Raw rows stage refused, by the rule "
        + "they failed (a row failing two rules counts under both); they are in <code>stage.quarantine</code> with "
        + "their payload.</p>");
    if (report.quarantine().isEmpty()) {
      html.append("<p class=\"empty\">No rows quarantined.</p></section>\n");
      return;
    }
    chart(html, charts, "quarantine");
    html.append("<table><thead><tr><th>stage table</th><th>rule</th><th class=\"num\">rows</th></tr></thead><tbody>");
    for (RuleCount r : report.quarantine()) {
      html.append("<tr><td><code>").append(esc(r.sourceTable())).append("</code></td><td><code>").append(esc(r.rule()))
          .append("</code></td>").append(num(String.valueOf(r.rows()))).append("</tr>");
    }
    html.append("</tbody></table></section>\n");
  }

  private static void rows(StringBuilder html, Map<String, ReportCharts.Chart> charts) {
    html.append("<section id=\"rows\"><h2>Rows per day</h2><p class=\"note\">Each table's rows by its date: the day "
        + "of the events, the snapshot date or the as-of date.</p><div class=\"grid\">");
    chart(html, charts, "rows-raw");
    chart(html, charts, "rows-stage");
    chart(html, charts, "rows-analytics");
    html.append("</div></section>\n");
  }

  private static void tables(StringBuilder html, RunReport report) {
    html.append("<section id=\"tables\"><h2>Tables</h2><p class=\"note\">Each table's latest Delta commit: its "
        + "version, the run that wrote it and when.</p><table><thead><tr><th>table</th><th class=\"num\">rows</th>"
        + "<th class=\"num\">version</th><th>run id</th><th>committed</th><th>operation</th></tr></thead><tbody>");
    for (TableState t : report.tables()) {
      html.append("<tr><td><code>").append(esc(t.qualifiedName())).append("</code></td>");
      if (!t.exists()) {
        html.append("<td class=\"num\">–</td><td class=\"num\">–</td><td colspan=\"3\" class=\"empty\">not written yet</td></tr>");
        continue;
      }
      html.append(num(String.valueOf(t.rows()))).append(num(String.valueOf(t.version()))).append("<td><code>")
          .append(esc(t.runId() == null ? "–" : t.runId())).append("</code></td><td>").append(time(t.committedAt()))
          .append("</td><td>").append(esc(t.operation())).append("</td></tr>");
    }
    html.append("</tbody></table></section>\n");
  }

  private static String walletPage(RunReport report, WalletHistory w, Map<String, ReportCharts.Chart> charts) {
    StringBuilder html = new StringBuilder();
    html.append("<section class=\"wallet\" id=\"").append(esc(walletAnchor(w.wallet()))).append("\">")
        .append("<p><a href=\"#riskiest\">&larr; riskiest wallets</a></p><h2>Wallet <code>").append(esc(w.wallet()))
        .append("</code></h2>");
    RiskyWallet summary = report.riskiest().stream().filter(r -> r.wallet().equals(w.wallet())).findFirst().orElse(null);
    if (summary != null) {
      html.append("<section class=\"cards\">");
      card(html, risk(summary.riskFactor()), "risk factor as of " + report.asOf(), tone(summary.riskFactor()));
      card(html, eth(summary.collateralEth()), "collateral (ETH)", "");
      card(html, eth(summary.debtEth()), "debt (ETH)", "");
      card(html, String.valueOf(summary.liquidations()), "liquidations", "");
      html.append("</section>");
    }
    html.append("<div class=\"grid\">");
    charts.keySet().forEach(id -> chart(html, charts, id));
    html.append("</div><h3>Daily health</h3><p class=\"note\">From <code>analytics.the_graph_daily_wallet_health</code>:"
        + " the wallet's positions at the first block of each day, per protocol.</p>");
    html.append("<table><thead><tr><th>day</th><th>protocol</th><th class=\"num\">collateral (ETH)</th>"
        + "<th class=\"num\">debt (ETH)</th><th class=\"num\">health factor</th><th class=\"num\">risk factor</th>"
        + "<th class=\"num\">positions without a price</th></tr></thead><tbody>");
    for (WalletHealthDay h : w.health()) {
      html.append("<tr class=\"").append(tone(h.riskFactor())).append("\"><td>").append(h.day()).append("</td><td>")
          .append(esc(h.protocol())).append("</td>").append(num(eth(h.collateralEth()))).append(num(eth(h.debtEth())))
          .append(num(h.healthFactor() == null ? "no debt" : risk(h.healthFactor()))).append(num(risk(h.riskFactor())))
          .append(num(String.valueOf(h.unpricedPositions()))).append("</tr>");
    }
    html.append("</tbody></table><h3>Feature history</h3><p class=\"note\">From <code>analytics.wallet_features</code>,"
        + " one row per as-of date.</p><table><thead><tr><th>as of</th><th class=\"num\">risk_factor</th>"
        + "<th class=\"num\">avg_risk_factor</th><th class=\"num\">max_risk_factor</th>"
        + "<th class=\"num\">total_collateral_eth</th><th class=\"num\">borrow_amount_sum_eth</th>"
        + "<th class=\"num\">repay_amount_sum_eth</th><th class=\"num\">liquidation_count</th>"
        + "<th class=\"num\">days above 1/1.2</th></tr></thead><tbody>");
    for (WalletFeatureDay f : w.features()) {
      html.append("<tr><td>").append(f.asOf()).append("</td>").append(num(risk(f.riskFactor())))
          .append(num(risk(f.avgRiskFactor()))).append(num(risk(f.maxRiskFactor()))).append(num(eth(f.collateralEth())))
          .append(num(eth(f.borrowedInEventsEth()))).append(num(eth(f.repaidInEventsEth())))
          .append(num(String.valueOf(f.liquidations()))).append(num(String.valueOf(f.daysAboveWarning()))).append("</tr>");
    }
    html.append("</tbody></table>");
    if (!w.featuresAtAsOf().isEmpty()) {
      html.append("<h3>Every feature as of ").append(report.asOf()).append("</h3><table class=\"features\"><tbody>");
      w.featuresAtAsOf().forEach((name, value) -> html.append("<tr><td><code>").append(esc(name)).append("</code></td>")
          .append(num(value == null ? "null" : value instanceof Double d ? decimal(d) : esc(String.valueOf(value))))
          .append("</tr>"));
      html.append("</tbody></table>");
    }
    html.append("</section>\n");
    return html.toString();
  }

  private static void chart(StringBuilder html, Map<String, ReportCharts.Chart> charts, String id) {
    ReportCharts.Chart chart = charts.get(id);
    if (chart != null) {
      html.append("<figure class=\"chart\"><figcaption>").append(esc(chart.title()))
          .append("</figcaption><div class=\"plot\" data-chart=\"").append(esc(id)).append("\"></div></figure>");
    }
  }

  private static String tone(double riskFactor) {
    return riskFactor > 1 ? "bad" : riskFactor > ReportQueries.WARNING ? "warn" : "";
  }

  private static String num(String text) {
    return "<td class=\"num\">" + text + "</td>";
  }

  static String risk(Double riskFactor) {
    if (riskFactor == null) {
      return "–";
    }
    return riskFactor >= HealthFactor.MAX_RISK_FACTOR ? "debt, no collateral" : decimal(riskFactor);
  }

  private static String healthFactor(double riskFactor) {
    return riskFactor <= 0 ? "no debt" : riskFactor >= HealthFactor.MAX_RISK_FACTOR ? "0"
        : decimal(1 / riskFactor);
  }

  private static String eth(double eth) {
    return String.format(Locale.ROOT, "%,.4f", eth);
  }

  private static String decimal(double v) {
    return String.format(Locale.ROOT, Math.abs(v) >= 1000 ? "%,.2f" : "%.4f", v);
  }

  private static String time(Instant instant) {
    return instant == null ? "–" : TIME.format(instant);
  }

  private static String esc(String text) {
    return text == null ? "" : escapeHtml4(text);
  }

  /** JSON inside a script element: '<' escaped so no string in it can end the element. */
  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value).replace("<", "\\u003c");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("report data not serialisable: " + e.getMessage(), e);
    }
  }

  /** A file of the uPlot webjar, whichever version the build brought (its pom.properties says which). */
  private static String uplot(String file) {
    Properties pom = new Properties();
    try (InputStream in = resourceStream("META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
      pom.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return resource(UPLOT + pom.getProperty("version") + "/" + file);
  }

  static String resource(String name) {
    try (InputStream in = resourceStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + name + ": " + e.getMessage(), e);
    }
  }

  private static InputStream resourceStream(String name) {
    InputStream in = ReportPage.class.getClassLoader().getResourceAsStream(name);
    if (in == null) {
      throw new IllegalStateException(name + " is not on the classpath (is the build complete?)");
    }
    return in;
  }
}
