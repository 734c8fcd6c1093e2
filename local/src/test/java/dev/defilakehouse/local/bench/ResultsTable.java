package dev.defilakehouse.local.bench;

import java.util.List;
import java.util.Map;

/** The results as a fixed-width text table for the terminal. */
final class ResultsTable {
  private ResultsTable() {}

  @SuppressWarnings("unchecked")
  static String render(Map<String, Object> results) {
    StringBuilder out = new StringBuilder();
    Map<String, Object> machine = (Map<String, Object>) results.get("machine");
    Map<String, Object> scale = (Map<String, Object>) results.get("scale");
    Map<String, Object> raw = (Map<String, Object>) results.get("raw");
    out.append(String.format("size %s: %s wallets, %s days (%s..%s), %,d events; %s cores, %s, %s%n",
        results.get("size"), scale.get("wallets"), scale.get("days"), scale.get("start"), scale.get("end"),
        (long) raw.get("events"), machine.get("cores"), machine.get("cpu_model"), machine.get("jvm")));
    String format = "%-10s %10s %14s %14s %12s %12s %10s %8s %12s%n";
    out.append(String.format(format, "stage", "seconds", "rows in", "rows out", "in rows/s", "out rows/s",
        "peak heap", "files", "bytes"));
    List<Map<String, Object>> rows = new java.util.ArrayList<>((List<Map<String, Object>>) results.get("stages"));
    rows.add((Map<String, Object>) results.get("total"));
    for (Map<String, Object> m : rows) {
      out.append(String.format(format, m.get("name") + (m.containsKey("failed") ? "!" : ""),
          String.format("%.2f", (double) m.get("seconds")), String.format("%,d", (long) m.get("rows_in")),
          String.format("%,d", (long) m.get("rows_out")),
          String.format("%,.0f", (double) m.get("rows_in_per_second")),
          String.format("%,.0f", (double) m.get("rows_out_per_second")),
          mib((long) m.get("peak_heap_bytes")), String.format("%,d", (long) m.get("files_written")),
          mib((long) m.get("bytes_written"))));
    }
    Map<String, Object> peer = (Map<String, Object>) results.get("peer");
    if (peer != null) {
      out.append(peerLine(peer)).append(System.lineSeparator());
    }
    return out.toString();
  }

  /** The peer's figures in one line: each engine's best run with all its runs, and the ratios. */
  static String peerLine(Map<String, Object> peer) {
    return String.format("peer %s (%s threads): %.2f s (runs %s); Spark feature job %.2f s (ratio %.2f);"
            + " Spark on the same Parquet %.2f s (runs %s, ratio %.2f); %s",
        peer.get("engine"), peer.get("threads"), (double) peer.get("duckdb_seconds"), runs(peer.get("duckdb_runs_seconds")),
        (double) peer.get("features_job_seconds"), (double) peer.get("ratio_features_job_to_duckdb"),
        (double) peer.get("spark_same_input_seconds"), runs(peer.get("spark_same_input_runs_seconds")),
        (double) peer.get("ratio_spark_same_input_to_duckdb"), peer.get("comparison"));
  }

  @SuppressWarnings("unchecked")
  private static String runs(Object seconds) {
    return ((List<Double>) seconds).stream().map(s -> String.format("%.2f", s)).toList().toString();
  }

  private static String mib(long bytes) {
    return String.format("%,.1f MiB", bytes / (1024.0 * 1024.0));
  }
}
