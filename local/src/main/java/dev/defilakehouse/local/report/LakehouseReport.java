package dev.defilakehouse.local.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.defilakehouse.common.catalog.TableSpec;
import dev.defilakehouse.common.config.Env;
import dev.defilakehouse.common.delta.LakehouseTables;
import dev.defilakehouse.local.report.RunReport.DayRows;
import dev.defilakehouse.local.report.RunReport.RiskyWallet;
import dev.defilakehouse.local.report.RunReport.TableState;
import dev.defilakehouse.local.report.RunReport.UnpricedDay;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads the run report from a lakehouse's tables (those not written yet leave their sections
 * empty) and writes its page under {@code <root>/_reports/}.
 */
public final class LakehouseReport {
  /** Wallets in the riskiest list, each with its page. */
  public static final int RISKIEST = 20;
  public static final String REPORTS_DIR = "_reports";
  private static final Pattern EVENTS_TABLE = Pattern.compile("transpose_(\\w+)_events");
  private static final ObjectMapper JSON = new ObjectMapper();

  private LakehouseReport() {}

  /** The newest as-of date of the features, or null when there are none. */
  public static LocalDate latestAsOf(LakehouseTables tables) {
    TableSpec features = tables.catalog().table("analytics.wallet_features");
    if (!tables.exists(features)) {
      return null;
    }
    Row newest = tables.read(features).agg(max("as_of_date")).head();
    return newest.isNullAt(0) ? null : newest.getDate(0).toLocalDate();
  }

  /** The report of the lakehouse as of {@code asOf} (null: no features, so no wallet sections). */
  public static RunReport read(SparkSession spark, LakehouseTables tables, Env env, String root, LocalDate asOf,
                               Clock clock) {
    List<ReportQueries.DatedTable> dated = new ArrayList<>();
    for (TableSpec t : tables.catalog().tables()) {
      if (tables.exists(t)) {
        Dataset<Row> rows = tables.read(t);
        dated.add(new ReportQueries.DatedTable(t.id(), t.layer(), rows,
            ReportQueries.dayColumn(rows.schema(), t.partitionBy()).orElse(null)));
      }
    }
    List<DayRows> rowsPerDay = ReportQueries.rowsPerDay(dated);
    List<TableState> states = new ArrayList<>();
    for (TableSpec t : tables.catalog().tables()) {
      states.add(state(spark, tables, env, t, rowsPerDay));
    }

    Dataset<Row> quarantine = existing(tables, "stage.quarantine");
    Dataset<Row> quality = existing(tables, "analytics.data_quality_results");
    Dataset<Row> health = existing(tables, "analytics.the_graph_daily_wallet_health");
    Dataset<Row> positions = existing(tables, "stage.the_graph_historical_account_positions");
    Dataset<Row> liquidations = existing(tables, "analytics.transpose_liquidation_events");
    Dataset<Row> features = existing(tables, "analytics.wallet_features");

    List<UnpricedDay> unpriced = new ArrayList<>(ReportQueries.unpricedEvents(analyticsEventsByKind(tables)));
    if (health != null && positions != null) {
      unpriced.addAll(ReportQueries.unpricedPositions(health, positions));
    }
    Dataset<Row> featuresAtAsOf = features == null || asOf == null ? null
        : features.where(col("as_of_date").equalTo(lit(Date.valueOf(asOf))));
    Dataset<Row> healthAtAsOf = health == null || asOf == null ? null
        : health.where(col("snapshot_date").equalTo(lit(Date.valueOf(asOf))));
    List<RiskyWallet> riskiest = featuresAtAsOf == null || healthAtAsOf == null ? List.of()
        : ReportQueries.riskiest(featuresAtAsOf, healthAtAsOf, RISKIEST);
    return new RunReport(root, env.id(), asOf, clock.instant(), states, rowsPerDay,
        quarantine == null ? List.of() : ReportQueries.quarantineByRule(quarantine),
        quality == null || asOf == null ? List.of() : ReportQueries.qualityChecks(quality, asOf),
        quality == null ? List.of() : ReportQueries.qualityHistory(quality),
        unpriced,
        featuresAtAsOf == null ? null : ReportQueries.featureSummary(featuresAtAsOf),
        featuresAtAsOf == null ? List.of() : ReportQueries.riskHistogram(featuresAtAsOf),
        health == null ? List.of() : ReportQueries.riskPerDay(health),
        liquidations == null ? List.of() : ReportQueries.liquidationsPerDay(liquidations),
        riskiest,
        features == null || health == null ? List.of() : ReportQueries.walletHistories(features, health,
            riskiest.stream().map(RiskyWallet::wallet).toList(), asOf));
  }

  /** Writes the page to {@code <root>/_reports/lakehouse-report-<as-of>.html}; returns where. */
  public static String write(SparkSession spark, String root, RunReport report) {
    Path target = new Path(root.replaceAll("/+$", "") + "/" + REPORTS_DIR + "/lakehouse-report"
        + (report.asOf() == null ? "" : "-" + report.asOf()) + ".html");
    byte[] page = ReportPage.render(report).getBytes(StandardCharsets.UTF_8);
    try {
      FileSystem fs = target.getFileSystem(spark.sparkContext().hadoopConfiguration());
      // a local page needs no Hadoop checksum file beside it
      FileSystem files = fs instanceof LocalFileSystem local ? local.getRawFileSystem() : fs;
      try (OutputStream out = files.create(target, true)) {
        out.write(page);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the report to " + target + ": " + e.getMessage(), e);
    }
    return target.toString();
  }

  private static Dataset<Row> existing(LakehouseTables tables, String id) {
    TableSpec table = tables.catalog().table(id);
    return tables.exists(table) ? tables.read(table) : null;
  }

  /** The analytics event tables written so far, by kind ("deposit", ... "liquidation"). */
  private static Map<String, Dataset<Row>> analyticsEventsByKind(LakehouseTables tables) {
    Map<String, Dataset<Row>> byKind = new LinkedHashMap<>();
    for (TableSpec t : tables.catalog().tables()) {
      Matcher m = EVENTS_TABLE.matcher(t.name());
      if (t.layer().equals("analytics") && m.matches() && tables.exists(t)) {
        byKind.put(m.group(1), tables.read(t));
      }
    }
    return byKind;
  }

  /** Rows (from the per-day counts) and the latest commit: version, the run id it recorded, when, what. */
  private static TableState state(SparkSession spark, LakehouseTables tables, Env env, TableSpec t,
                                  List<DayRows> rowsPerDay) {
    if (!tables.exists(t)) {
      return new TableState(t.id(), t.layer(), t.qualifiedName(env), false, 0, -1, null, null, null);
    }
    long rows = rowsPerDay.stream().filter(d -> d.table().equals(t.id())).mapToLong(DayRows::rows).sum();
    Row last = DeltaTable.forPath(spark, tables.location(t)).history(1)
        .select("version", "timestamp", "operation", "userMetadata").head();
    return new TableState(t.id(), t.layer(), t.qualifiedName(env), true, rows, last.getLong(0),
        runId(last.isNullAt(3) ? null : last.getString(3)), last.<Timestamp>getAs(1).toInstant(), last.getString(2));
  }

  /** The run id our writes put in a commit's userMetadata ({"run_id": ...}); null for any other commit. */
  static String runId(String userMetadata) {
    if (userMetadata == null || userMetadata.isBlank()) {
      return null;
    }
    try {
      JsonNode runId = JSON.readTree(userMetadata).get("run_id");
      return runId == null || runId.isNull() ? null : runId.asText();
    } catch (IOException e) {
      return null; // someone else's metadata: no run id of ours
    }
  }
}
