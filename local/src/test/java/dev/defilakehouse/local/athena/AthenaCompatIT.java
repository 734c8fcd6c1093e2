package dev.defilakehouse.local.athena;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.defilakehouse.common.catalog.TableCatalog;
import dev.defilakehouse.common.catalog.TableSpec;
import dev.defilakehouse.common.config.Env;
import dev.defilakehouse.common.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Athena compatibility check: Trino's Delta Lake connector (the reader inside Athena engine v3)
 * registers every catalog table of a lakehouse and must answer like Spark; every table must have
 * only properties Athena reads. {@code -Dlakehouse.root=<dir>} checks that lakehouse (e.g. the one
 * {@code make run} fills); without it the check writes its own small one with every catalog table.
 * Runs only in the Maven profile {@code athena} (scripts/athena-check.sh); skipped without a JDK 24+.
 */
@Tag("athena")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AthenaCompatIT {
  @TempDir
  static Path tmp;

  private final Instant began = Instant.now();
  private SparkSession spark;
  private Env env;
  private String root;
  private TrinoServer trino;
  private Connection connection;
  private Duration startup;
  private Duration fixture = Duration.ZERO;
  private final List<TableSpec> present = new ArrayList<>();
  private final List<TableSpec> missing = new ArrayList<>();

  @BeforeAll
  void startTrinoAndRegisterTables() throws Exception {
    Optional<Path> jdk = TrinoJdk.find();
    assumeTrue(jdk.isPresent(), "no JDK " + TrinoJdk.MIN_MAJOR + "+ found (TRINO_JAVA_HOME or /usr/lib/jvm):"
        + " the Trino server cannot run here, so the Athena compatibility check is skipped");
    spark = SparkTestSession.get();
    env = Env.parse(System.getProperty("lakehouse.env", "local"));
    String given = System.getProperty("lakehouse.root", "");
    if (given.isBlank()) {
      root = tmp.resolve("lakehouse").toString();
      ContractLakehouse.write(spark, root, env);
      fixture = Duration.between(began, Instant.now());
    } else {
      root = Path.of(given).toAbsolutePath().normalize().toString();
      assertTrue(Files.isDirectory(Path.of(root)), "lakehouse root " + root + " does not exist: run make run first"
          + " or pass the folder that holds raw/, stage/ and analytics/");
    }
    for (TableSpec table : TableCatalog.get().tables()) {
      (Files.isDirectory(Path.of(table.location(root), "_delta_log")) ? present : missing).add(table);
    }
    Path home = TrinoDistribution.unpack(Path.of(requiredProperty("trino.tarball")), Path.of(requiredProperty("trino.home")));
    Instant launch = Instant.now();
    trino = TrinoServer.start(home, jdk.get(), Path.of(root), Files.createDirectories(tmp.resolve("trino")));
    startup = Duration.between(launch, Instant.now());
    connection = trino.connect();
    try (Statement statement = connection.createStatement()) {
      Set<String> schemas = new LinkedHashSet<>();
      for (TableSpec table : present) {
        if (schemas.add(table.database(env))) {
          statement.execute("CREATE SCHEMA IF NOT EXISTS " + TrinoServer.CATALOG + "." + table.database(env));
        }
        statement.execute("CALL " + TrinoServer.CATALOG + ".system.register_table(schema_name => '"
            + table.database(env) + "', table_name => '" + table.name() + "', table_location => '"
            + trino.location(table.layer() + "/" + table.name()) + "')");
      }
    }
  }

  @AfterAll
  void stopTrino() throws Exception {
    if (connection != null) {
      connection.close();
    }
    if (trino != null) {
      trino.close();
    }
    if (startup != null) {
      System.out.printf("athena check: %d tables of %s in %d s (writing the own lakehouse %d s of it, Trino startup %d s)%n",
          present.size(), root, Duration.between(began, Instant.now()).toSeconds(), fixture.toSeconds(), startup.toSeconds());
    }
  }

  @Test
  void everyCatalogTableIsInTheLakehouse() {
    assertTrue(missing.isEmpty(), "catalog tables missing under " + root + ": "
        + missing.stream().map(TableSpec::id).collect(Collectors.joining(", "))
        + " — run the jobs that write them (make run) before the check");
  }

  @Test
  void tablesHaveOnlyPropertiesAthenaReads() {
    List<String> problems = new ArrayList<>();
    for (TableSpec table : present) {
      problems.addAll(AthenaTableRules.problems(spark, table, table.location(root)));
    }
    assertTrue(problems.isEmpty(), "tables Athena engine v3 cannot read natively:\n" + String.join("\n", problems));
  }

  /** count(*) and count(column) of every column: Trino must decode every column and agree with Spark. */
  @Test
  void everyColumnReadsInTrinoAsInSpark() throws SQLException {
    List<String> mismatches = new ArrayList<>();
    for (TableSpec table : present) {
      Dataset<Row> rows = read(table);
      List<String> columns = List.of(rows.columns());
      List<Column> sparkCounts = new ArrayList<>();
      sparkCounts.add(functions.count(functions.lit(1)));
      columns.forEach(c -> sparkCounts.add(functions.count(functions.col(c))));
      List<List<Object>> expected = QueryAnswers.rows(rows.agg(sparkCounts.get(0),
          sparkCounts.subList(1, sparkCounts.size()).toArray(Column[]::new)).collectAsList());
      String sql = "SELECT count(*)" + columns.stream().map(c -> ", count(\"" + c + "\")").collect(Collectors.joining())
          + " FROM " + trinoName(table);
      List<String> diff = QueryAnswers.differences(expected, QueryAnswers.trino(connection, sql));
      if (!diff.isEmpty()) {
        mismatches.add(table.id() + " (columns: count(*), " + String.join(", ", columns) + "): " + diff);
      }
    }
    assertTrue(mismatches.isEmpty(), "Trino counts differ from Spark's:\n" + String.join("\n", mismatches));
  }

  @Test
  void partitionPrunedCountsMatchSpark() throws SQLException {
    List<String> mismatches = new ArrayList<>();
    int checked = 0;
    for (TableSpec table : present) {
      if (!table.isPartitioned()) {
        continue;
      }
      String column = table.partitionBy().get(0);
      Dataset<Row> rows = read(table);
      Object newest = rows.agg(functions.max(column)).head().get(0);
      if (newest == null) {
        continue;
      }
      long expected = rows.filter(functions.col(column).equalTo(newest)).count();
      String literal = newest instanceof java.sql.Date || newest instanceof java.time.LocalDate
          ? "DATE '" + QueryAnswers.normalize(newest) + "'"
          : newest instanceof Number ? newest.toString() : "'" + newest.toString().replace("'", "''") + "'";
      String sql = "SELECT count(*) FROM " + trinoName(table) + " WHERE " + column + " = " + literal;
      List<String> diff = QueryAnswers.differences(List.of(List.of(expected)), QueryAnswers.trino(connection, sql));
      if (!diff.isEmpty()) {
        mismatches.add(table.id() + " where " + column + " = " + literal + ": " + diff);
      }
      // pruned: the table scan carries the partition column's value domain ("col:date:PARTITION_KEY :: [[v]]")
      String plan = QueryAnswers.trino(connection, "EXPLAIN " + sql).get(0).get(0).toString();
      if (!Pattern.compile(Pattern.quote(column) + ":[^\\n]*:PARTITION_KEY\\s*:: \\[\\[").matcher(plan).find()) {
        mismatches.add(table.id() + ": Trino did not prune on " + column + "; plan:\n" + plan);
      }
      checked++;
    }
    assertTrue(mismatches.isEmpty(), "partition-pruned counts differ:\n" + String.join("\n", mismatches));
    assertTrue(checked > 0 || present.stream().noneMatch(TableSpec::isPartitioned), "no partitioned table had rows to check");
  }

  @Test
  void topRiskiestWalletsAsOfADateMatchSpark() throws SQLException {
    Object asOf = read(analytics("wallet_features")).agg(functions.max("as_of_date")).head().get(0);
    assumeTrue(asOf != null, "wallet_features is empty: nothing to compare");
    assertSameAnswer(AnalystQueries.topRiskiestWallets(QueryAnswers.normalize(asOf).toString()));
  }

  @Test
  void dailyLiquidationsInEthByProtocolMatchSpark() throws SQLException {
    assertSameAnswer(AnalystQueries.dailyLiquidationsInEth());
  }

  @Test
  void walletFeatureHistoryMatchesSpark() throws SQLException {
    List<Row> riskiest = read(analytics("wallet_features"))
        .orderBy(functions.col("risk_factor").desc_nulls_last(), functions.col("wallet_address")).limit(1).collectAsList();
    assumeTrue(!riskiest.isEmpty(), "wallet_features is empty: nothing to compare");
    assertSameAnswer(AnalystQueries.walletFeatureHistory(riskiest.get(0).getAs("wallet_address")));
  }

  private void assertSameAnswer(String query) throws SQLException {
    List<List<Object>> expected = QueryAnswers.spark(spark, AnalystQueries.resolve(query,
        name -> "delta.`" + analytics(name).location(root) + "`"));
    List<List<Object>> actual = QueryAnswers.trino(connection, AnalystQueries.resolve(query,
        name -> trinoName(analytics(name))));
    List<String> diff = QueryAnswers.differences(expected, actual);
    assertTrue(diff.isEmpty(), "Trino's answer differs from Spark's for\n" + query + "\n" + String.join("\n", diff));
  }

  private TableSpec analytics(String name) {
    TableSpec table = TableCatalog.get().table("analytics", name);
    assertTrue(present.contains(table), table.id() + " is missing under " + root + ": run make run first");
    return table;
  }

  private Dataset<Row> read(TableSpec table) {
    return spark.read().format("delta").load(table.location(root));
  }

  private String trinoName(TableSpec table) {
    return TrinoServer.CATALOG + "." + table.qualifiedName(env);
  }

  private static String requiredProperty(String name) {
    String value = System.getProperty(name, "");
    if (value.isBlank()) {
      throw new IllegalStateException("system property " + name + " is not set: run the check through"
          + " scripts/athena-check.sh (Maven profile athena), which sets it");
    }
    return value;
  }
}
