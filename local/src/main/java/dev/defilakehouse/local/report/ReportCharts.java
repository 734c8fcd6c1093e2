package dev.defilakehouse.local.report;

import dev.defilakehouse.local.report.RunReport.DayRows;
import dev.defilakehouse.local.report.RunReport.LiquidationDay;
import dev.defilakehouse.local.report.RunReport.RiskBin;
import dev.defilakehouse.local.report.RunReport.RiskDay;
import dev.defilakehouse.local.report.RunReport.RuleCount;
import dev.defilakehouse.local.report.RunReport.UnpricedDay;
import dev.defilakehouse.local.report.RunReport.WalletFeatureDay;
import dev.defilakehouse.local.report.RunReport.WalletHealthDay;
import dev.defilakehouse.local.report.RunReport.WalletHistory;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The report's charts as data the page's script hands to the charting library: one x axis
 * (UTC days as epoch seconds, or bins/categories with labels) and aligned series, a missing
 * point as null. Built from {@link RunReport} here so the pivoting is tested without a browser.
 */
final class ReportCharts {
  /** Risk factors are drawn up to this (debt without collateral is 1e6); the tables show every value. */
  static final double RISK_DRAWN_UP_TO = 2.0;

  /** {@code kind}: line, bars or stacked (bars); {@code time}: x is UTC days as epoch seconds. */
  record Chart(String title, String kind, boolean time, List<Double> x, List<String> xLabels, String yName,
               List<Series> series) {}

  record Series(String name, List<Double> values) {}

  private ReportCharts() {}

  /** The overview's charts by element id; charts without data are left out. */
  static Map<String, Chart> overview(RunReport report) {
    Map<String, Chart> charts = new LinkedHashMap<>();
    if (report.riskHistogram().stream().anyMatch(b -> b.wallets() > 0)) {
      charts.put("risk-histogram", riskHistogram(report.riskHistogram(), report.asOf()));
    }
    if (!report.riskPerDay().isEmpty()) {
      charts.put("risk-share", riskShare(report.riskPerDay()));
      charts.put("risk-percentiles", riskPercentiles(report.riskPerDay()));
    }
    List<LocalDate> eventDays = days(report.rowsPerDay().stream()
        .filter(d -> d.layer().equals("analytics") && d.table().endsWith("_events")).map(DayRows::day));
    if (!eventDays.isEmpty() || !report.liquidations().isEmpty()) {
      charts.put("liquidations", liquidations(report.liquidations(), eventDays));
    }
    if (!report.unpriced().isEmpty()) {
      charts.put("unpriced", unpriced(report.unpriced()));
    }
    if (!report.quarantine().isEmpty()) {
      charts.put("quarantine", quarantine(report.quarantine()));
    }
    for (String layer : List.of("raw", "stage", "analytics")) {
      List<DayRows> rows = report.rowsPerDay().stream().filter(d -> d.layer().equals(layer) && d.day() != null).toList();
      if (!rows.isEmpty()) {
        charts.put("rows-" + layer, byDay(layer + " rows per day", "line", rows,
            days(rows.stream().map(DayRows::day)), DayRows::day, DayRows::table, d -> (double) d.rows(), 0.0, "rows"));
      }
    }
    return charts;
  }

  /** One wallet page's charts by element id ({@code prefix} makes them unique in the page). */
  static Map<String, Chart> wallet(String prefix, WalletHistory wallet) {
    Map<String, Chart> charts = new LinkedHashMap<>();
    List<WalletHealthDay> health = wallet.health();
    if (!health.isEmpty()) {
      List<LocalDate> days = days(health.stream().map(WalletHealthDay::day));
      Chart risk = byDay("risk factor per protocol (drawn up to " + RISK_DRAWN_UP_TO + ")", "line", health, days,
          WalletHealthDay::day, WalletHealthDay::protocol, h -> drawnRisk(h.riskFactor()), null, "risk factor");
      charts.put(prefix + "-risk", risk);
      Map<LocalDate, double[]> perDay = new LinkedHashMap<>();
      for (WalletHealthDay h : health) {
        double[] sums = perDay.computeIfAbsent(h.day(), d -> new double[2]);
        sums[0] += h.collateralEth();
        sums[1] += h.debtEth();
      }
      charts.put(prefix + "-balance", new Chart("collateral and debt, all protocols (ETH)", "line", true,
          epochs(days), null, "ETH", List.of(
              new Series("collateral", days.stream().map(d -> perDay.get(d)[0]).toList()),
              new Series("debt", days.stream().map(d -> perDay.get(d)[1]).toList()))));
    }
    List<WalletFeatureDay> features = wallet.features();
    if (!features.isEmpty()) {
      List<LocalDate> days = features.stream().map(WalletFeatureDay::asOf).toList();
      charts.put(prefix + "-features", new Chart("risk factor features per as-of date (drawn up to "
          + RISK_DRAWN_UP_TO + ")", "line", true, epochs(days), null, "risk factor", List.of(
              new Series("risk_factor", features.stream().map(f -> drawnRisk(f.riskFactor())).toList()),
              new Series("avg_risk_factor", features.stream().map(f -> drawnRisk(f.avgRiskFactor())).toList()),
              new Series("max_risk_factor", features.stream().map(f -> drawnRisk(f.maxRiskFactor())).toList()))));
    }
    return charts;
  }

  static Chart riskHistogram(List<RiskBin> bins, LocalDate asOf) {
    List<Double> x = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    List<Double> safe = new ArrayList<>();
    List<Double> warning = new ArrayList<>();
    List<Double> liquidatable = new ArrayList<>();
    for (int i = 0; i < bins.size(); i++) {
      RiskBin b = bins.get(i);
      x.add((double) i);
      labels.add(b.to() == null ? "> " + number(b.from()) : number(b.from()) + "–" + number(b.to()));
      double n = b.wallets();
      boolean above1 = b.from() >= 1.0;
      boolean aboveWarning = b.from() >= ReportQueries.WARNING;
      safe.add(aboveWarning ? null : n);
      warning.add(aboveWarning && !above1 ? n : null);
      liquidatable.add(above1 ? n : null);
    }
    return new Chart("wallets with debt by risk factor as of " + asOf, "bars", false, x, labels, "wallets", List.of(
        new Series("up to 1/1.2", safe), new Series("1/1.2 to 1 (health below 1.2)", warning),
        new Series("above 1 (liquidatable)", liquidatable)));
  }

  static Chart riskShare(List<RiskDay> days) {
    return new Chart("share of the wallets with debt above the lines, per snapshot day", "line", true,
        epochs(days.stream().map(RiskDay::day).toList()), null, "% of wallets with debt", List.of(
            new Series("above 1/1.2 (health below 1.2)", days.stream().map(d -> percent(d.aboveWarning(), d.walletsWithDebt())).toList()),
            new Series("above 1 (liquidatable)", days.stream().map(d -> percent(d.liquidatable(), d.walletsWithDebt())).toList())));
  }

  static Chart riskPercentiles(List<RiskDay> days) {
    return new Chart("risk factor of the wallets with debt, per snapshot day (drawn up to " + RISK_DRAWN_UP_TO + ")",
        "line", true, epochs(days.stream().map(RiskDay::day).toList()), null, "risk factor",
        List.of(new Series("median", days.stream().map(d -> drawnRisk(d.p50())).toList()),
            new Series("90th percentile", days.stream().map(d -> drawnRisk(d.p90())).toList())));
  }

  static Chart liquidations(List<LiquidationDay> liquidations, List<LocalDate> eventDays) {
    List<LocalDate> axis = days(Stream.concat(eventDays.stream(), liquidations.stream().map(LiquidationDay::day)));
    return byDay("collateral seized by liquidations per day (ETH)", "stacked", liquidations, axis,
        LiquidationDay::day, LiquidationDay::protocol, LiquidationDay::collateralSeizedEth, 0.0, "ETH");
  }

  static Chart unpriced(List<UnpricedDay> unpriced) {
    return byDay("events and positions without a price, per day", "line", unpriced,
        days(unpriced.stream().map(UnpricedDay::day)), UnpricedDay::day, UnpricedDay::what, u -> (double) u.unpriced(),
        null, "without a price");
  }

  static Chart quarantine(List<RuleCount> rules) {
    List<Double> x = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    List<Double> rows = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      x.add((double) i);
      labels.add(rules.get(i).rule() + " (" + rules.get(i).sourceTable().replace("stage.", "") + ")");
      rows.add((double) rules.get(i).rows());
    }
    return new Chart("quarantined rows by rule", "bars", false, x, labels, "rows", List.of(new Series("rows", rows)));
  }

  /**
   * Rows pivoted to one series per {@code series} value (in order of first appearance) over the
   * days of {@code axis}; a day a series has no row for gets {@code missing}.
   */
  static <T> Chart byDay(String title, String kind, Collection<T> rows, List<LocalDate> axis, Function<T, LocalDate> day,
                         Function<T, String> series, Function<T, Double> value, Double missing, String yName) {
    Map<String, Map<LocalDate, Double>> bySeries = new LinkedHashMap<>();
    for (T row : rows) {
      bySeries.computeIfAbsent(series.apply(row), s -> new LinkedHashMap<>()).merge(day.apply(row), value.apply(row),
          (a, b) -> a == null ? b : b == null ? a : a + b);
    }
    List<Series> out = new ArrayList<>();
    bySeries.forEach((name, values) -> out.add(new Series(name,
        axis.stream().map(d -> values.containsKey(d) ? values.get(d) : missing).toList())));
    return new Chart(title, kind, true, epochs(axis), null, yName, out);
  }

  static List<LocalDate> days(Stream<LocalDate> days) {
    TreeSet<LocalDate> sorted = new TreeSet<>();
    days.filter(d -> d != null).forEach(sorted::add);
    return List.copyOf(sorted);
  }

  static List<Double> epochs(List<LocalDate> days) {
    return days.stream().map(d -> (double) d.atStartOfDay().toEpochSecond(ZoneOffset.UTC)).toList();
  }

  static Double drawnRisk(Double riskFactor) {
    return riskFactor == null ? null : Math.min(riskFactor, RISK_DRAWN_UP_TO);
  }

  private static Double percent(long part, long whole) {
    return whole == 0 ? null : 100.0 * part / whole;
  }

  private static String number(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
