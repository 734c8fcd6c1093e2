package dev.defilakehouse.jobs.raw;

import dev.defilakehouse.common.config.Env;
import dev.defilakehouse.common.config.Interval;
import dev.defilakehouse.common.config.RunConfig;
import dev.defilakehouse.common.config.Secrets;
import dev.defilakehouse.common.job.JobReport;
import dev.defilakehouse.jobs.JobRegistry;
import dev.defilakehouse.jobs.JobRunner;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockWebServer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Running raw jobs in-process against a loopback fake source, and reading what they wrote. */
final class RawJobTestSupport {
  static final String TRANSPOSE_KEY = "tp-job-test-key-31337";
  static final String SUBGRAPH_KEY = "sg-job-test-key-42424";
  static final Secrets SECRETS = new Secrets(Map.of(Secrets.TRANSPOSE_API_KEY, TRANSPOSE_KEY,
      Secrets.SUBGRAPH_API_KEY, SUBGRAPH_KEY));

  private RawJobTestSupport() {}

  static MockWebServer server(Dispatcher dispatcher) throws IOException {
    MockWebServer server = new MockWebServer();
    server.setDispatcher(dispatcher);
    server.start(InetAddress.getLoopbackAddress(), 0);
    return server;
  }

  /** Source URLs pointed at {@code server}, tiny backoffs and short timeouts. */
  static Map<String, String> options(MockWebServer server, String... more) {
    Map<String, String> options = new HashMap<>(Map.of(
        "transpose.url", server.url("/").toString(),
        "subgraph.url", server.url("/").toString(),
        "http.initial_backoff_ms", "1",
        "http.max_backoff_ms", "5",
        "http.read_timeout_ms", "2000",
        "http.max_attempts", "3",
        "http.rate_limit_per_second", "0"));
    for (int i = 0; i < more.length; i += 2) {
      options.put(more[i], more[i + 1]);
    }
    return options;
  }

  static JobReport run(SparkSession spark, String job, Path root, String start, String end, Map<String, String> options,
                       String runId) throws Exception {
    RunConfig config = new RunConfig(Env.LOCAL, root.toString(),
        Interval.of(LocalDate.parse(start), LocalDate.parse(end)), options, runId);
    return new JobRunner(JobRegistry.standard()).run(job, config, spark, SECRETS);
  }

  static Dataset<Row> table(SparkSession spark, Path root, String table) {
    return spark.read().format("delta").load(root.resolve("raw").resolve(table).toString());
  }

  /** The table's rows without ingested_at and run_id, ordered: what a re-run must reproduce exactly. */
  static List<String> content(SparkSession spark, Path root, String table, String... orderBy) {
    Dataset<Row> t = table(spark, root, table);
    String[] columns = Arrays.stream(t.columns()).filter(c -> !c.equals("ingested_at") && !c.equals("run_id"))
        .toArray(String[]::new);
    return t.selectExpr(columns).orderBy(orderBy[0], Arrays.copyOfRange(orderBy, 1, orderBy.length))
        .collectAsList().stream().map(Row::toString).toList();
  }
}
