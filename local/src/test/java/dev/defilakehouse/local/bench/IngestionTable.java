package dev.defilakehouse.local.bench;

import java.util.List;
import java.util.Map;

/** The ingestion benchmark's results as a fixed-width text table for the terminal. */
final class IngestionTable {
  private IngestionTable() {}

  @SuppressWarnings("unchecked")
  static String render(Map<String, Object> results) {
    StringBuilder out = new StringBuilder();
    Map<String, Object> setup = (Map<String, Object>) results.get("setup");
    Map<String, Object> client = (Map<String, Object>) results.get("client");
    Map<String, Object> machine = (Map<String, Object>) results.get("machine");
    out.append(String.format("%s: %s wallets, %s days (%s..%s), limit %s req/s per source, latency %s ms,"
            + " fault share %s, page size %s, client concurrency %s, day slices %s, id slices %s; %s cores, %s;"
            + " load %s -> %s%n",
        results.get("name"), setup.get("wallets"), setup.get("days"), setup.get("start"), setup.get("end"),
        setup.get("rate_limit_per_second"), setup.get("latency_ms"), setup.get("fault_share"), setup.get("page_size"),
        client.get("max_concurrency"), client.get("transpose_day_slices"), client.get("subgraph_id_slices"),
        machine.get("cores"), machine.get("cpu_model"),
        results.get("load_average_at_start"), results.get("load_average_at_end")));
    String format = "%-44s %8s %9s %6s %8s %10s %10s %7s %11s %9s %8s %s%n";
    out.append(String.format(format, "job", "seconds", "requests", "429s", "retries", "unretried", "window s",
        "idle s", "admitted/s", "of limit", "rows", ""));
    for (Map<String, Object> j : (List<Map<String, Object>>) results.get("jobs")) {
      out.append(String.format(format, j.get("job") + (j.containsKey("failed") ? "!" : ""),
          f1(j.get("seconds")), j.get("requests_seen_by_server"), j.get("http_429"), j.get("retries"),
          j.get("unretried_failures"), f1(j.get("fetch_window_seconds")), f1(j.get("idle_seconds_in_window")),
          f1(j.get("admitted_per_second_in_window")),
          pct(j.get("share_of_limit_in_window")), j.get("rows"),
          (boolean) j.get("rate_bound") ? "" : "(not rate-bound)"));
    }
    Map<String, Object> sources = (Map<String, Object>) results.get("sources");
    for (Map.Entry<String, Object> e : sources.entrySet()) {
      Map<String, Object> s = (Map<String, Object>) e.getValue();
      out.append(String.format("%s: %s requests (%s admitted, %s x 429, %s retries, %s unretried);"
              + " in its fetch windows (%s s) %s admitted/s = %s of the limit; over its jobs' %s s %s/s = %s%n",
          e.getKey(), s.get("requests_seen_by_server"), s.get("requests_admitted"), s.get("http_429"),
          s.get("retries"), s.get("unretried_failures"), f1(s.get("fetch_window_seconds")),
          f1(s.get("admitted_per_second_in_window")), pct(s.get("share_of_limit_in_window")), f1(s.get("job_seconds")),
          f1(s.get("admitted_per_second_wall")), pct(s.get("share_of_limit_wall"))));
      Map<String, Object> bound = (Map<String, Object>) s.get("rate_bound_jobs");
      out.append(String.format("  rate-bound jobs %s: %s admitted in %s s = %s admitted/s = %s of the limit%n",
          bound.get("jobs"), bound.get("requests_admitted"), f1(bound.get("fetch_window_seconds")),
          f1(bound.get("admitted_per_second_in_window")), pct(bound.get("share_of_limit_in_window"))));
    }
    Map<String, Object> total = (Map<String, Object>) results.get("total");
    out.append(String.format("total: %s s, %,d rows (%s rows/s), events %s of %s expected, open positions %s of %s"
            + " expected, peak heap %.0f MiB, unretried failures %s, failed jobs %s%n",
        f1(total.get("seconds")), (long) total.get("rows"), f1(total.get("rows_per_second")),
        total.get("events_ingested"), total.get("events_expected"), total.get("positions_ingested"),
        total.get("positions_expected"),
        (long) total.get("peak_heap_bytes") / (1024.0 * 1024.0), total.get("unretried_failures"),
        total.get("failed_jobs")));
    return out.toString();
  }

  private static String f1(Object seconds) {
    return String.format("%.1f", ((Number) seconds).doubleValue());
  }

  private static String pct(Object share) {
    return String.format("%.0f%%", 100 * ((Number) share).doubleValue());
  }
}
