package dev.defilakehouse.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The launcher's command line, in process: none of these start Spark. */
class LauncherArgumentsTest {
  private static final String JOB = "stage.transpose_ethereum_daily_blocks";

  private record Result(int code, String out, String err) {}

  private static Result launch(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Launcher.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "unknown job              | no.such_job --env local --start 2024-01-01 --end 2024-01-02           | unknown job 'no.such_job'",
      "bad date                 | JOB --env local --start 2024-13-45 --end 2024-01-02                   | --start '2024-13-45' is not a date",
      "end before start         | JOB --env local --start 2024-01-02 --end 2024-01-01                   | --end (2024-01-01T00:00:00Z) must be after --start",
      "end equal to start       | JOB --env local --start 2024-01-02 --end 2024-01-02                   | must be after --start",
      "unknown env              | JOB --env staging --start 2024-01-01 --end 2024-01-02                 | unknown env 'staging'",
      "missing env              | JOB --start 2024-01-01 --end 2024-01-02                               | --env is required",
      "missing end              | JOB --env local --start 2024-01-01                                    | --end is required",
      "missing value            | JOB --env local --start 2024-01-01 --end                              | --end needs a value",
      "value is a flag          | JOB --env --start 2024-01-01 --end 2024-01-02                         | --env needs a value",
      "unknown flag             | JOB --env local --start 2024-01-01 --end 2024-01-02 --force           | unknown flag '--force'",
      "stray argument           | JOB --env local --start 2024-01-01 --end 2024-01-02 extra             | unexpected argument 'extra'",
      "malformed option         | JOB --env local --start 2024-01-01 --end 2024-01-02 --option nokey    | --option 'nokey' is not key=value",
      "empty option key         | JOB --env local --start 2024-01-01 --end 2024-01-02 --option =v       | --option '=v' is not key=value",
      "flag twice               | JOB --env local --env dev --start 2024-01-01 --end 2024-01-02         | --env is given twice",
      "bad run id               | JOB --env local --start 2024-01-01 --end 2024-01-02 --option run_id=a/b | run_id='a/b' may only use",
      "no command               | ''                                                                    | no command given",
      "list with arguments      | list --env local                                                      | list takes no arguments",
      "full refresh with value  | JOB --env local --start 2024-01-01 --end 2024-01-02 --full-refresh=yes | unknown flag '--full-refresh=yes'",
      "sql full refresh         | sql --full-refresh                                                    | sql takes no --full-refresh",
      "sql repoint              | sql --repoint-tables                                                  | sql takes no --full-refresh or --repoint-tables",
      "features end not midnight | analytics.wallet_features --env local --start 2024-01-01 --end 2024-01-02T06:00:00Z | --end 2024-01-02T06:00:00Z is not a UTC midnight",
      "quality end not midnight | quality.wallet_features --env local --start 2024-01-01T06:00:00Z --end 2024-01-02T06:00:00Z | is not a UTC midnight",
      "prod on another root     | JOB --env prod --start 2024-01-01 --end 2024-01-02 --lakehouse-root s3a://scratch-bucket | is not prod's lakehouse (s3a://data-lakehouse-prod)",
      "prod on a prefix of its bucket | JOB --env prod --start 2024-01-01 --end 2024-01-02 --lakehouse-root s3a://data-lakehouse-prod/test | is not prod's lakehouse",
      "dev on prod's root       | JOB --env dev --start 2024-01-01 --end 2024-01-02 --lakehouse-root s3a://data-lakehouse-prod | is prod's lakehouse, but --env is dev",
      "local on prod's root     | JOB --env local --start 2024-01-01 --end 2024-01-02 --lakehouse-root s3a://data-lakehouse-prod/x | is prod's lakehouse, but --env is local",
      "prod root as s3://       | JOB --env prod --start 2024-01-01 --end 2024-01-02 --lakehouse-root s3://data-lakehouse-prod --allow-other-root | use s3a:// in prod",
      "bad dynamodb endpoint    | JOB --env prod --start 2024-01-01 --end 2024-01-02 --option dynamodb.endpoint=localhost:8000 | is not an http(s)://host:port URL",
      "dynamodb on a local root | JOB --env local --start 2024-01-01 --end 2024-01-02 --option dynamodb.table=t | is not an s3a:// root",
      "repoint with a value     | JOB --env local --start 2024-01-01 --end 2024-01-02 --repoint-tables=yes | unknown flag '--repoint-tables=yes'",
  })
  void badArgumentsExitTwoNamingTheProblemAndShowTheUsage(String what, String args, String expected) {
    String[] argv = args.isBlank() ? new String[0] : args.replace("JOB", JOB).split(" +");
    Result r = launch(argv);
    assertEquals(Launcher.BAD_ARGUMENTS, r.code(), what + ": " + r.err());
    String firstLine = r.err().lines().findFirst().orElse("");
    assertTrue(firstLine.startsWith("error: ") && firstLine.contains(expected), what + ": " + r.err());
    assertTrue(r.err().contains("usage: "), "usage follows the error: " + r.err());
    assertEquals("", r.out());
  }

  @Test
  void listShowsEveryCatalogJobWithItsDescriptionAndAllAreImplemented() {
    Result r = launch("list");
    assertEquals(Launcher.OK, r.code(), r.err());
    String blocks = r.out().lines().filter(l -> l.contains(" " + JOB + " ")).findFirst().orElseThrow();
    assertTrue(blocks.contains("Type the daily blocks"), blocks);
    for (var job : dev.defilakehouse.common.catalog.TableCatalog.get().jobs()) {
      assertTrue(r.out().lines().anyMatch(l -> l.contains(" " + job.name() + " ") && !l.contains("not implemented")),
          job.name() + " listed as implemented: " + r.out());
    }
    assertEquals(dev.defilakehouse.common.catalog.TableCatalog.get().jobs().size() + 1, r.out().lines().count());
  }

  @Test
  void helpPrintsTheUsageAndSucceeds() {
    Result r = launch("--help");
    assertEquals(Launcher.OK, r.code());
    assertTrue(r.out().contains("exit codes: 0 ok, 1 the job failed, 2 bad arguments"), r.out());
    assertTrue(r.out().contains("--full-refresh"), r.out());
  }

  @Test
  void everyCatalogJobAcceptsFullRefreshAndWithoutItRunsIncrementally() throws Exception {
    var catalog = dev.defilakehouse.common.catalog.TableCatalog.get();
    JobRegistry registry = JobRegistry.standard();
    for (var job : catalog.jobs()) {
      String[] args = {job.name(), "--env", "local", "--start", "2024-01-01", "--end", "2024-01-02", "--full-refresh"};
      var parsed = dev.defilakehouse.jobs.cli.JobArguments.parse(args, catalog, registry::has);
      assertTrue(parsed.config().fullRefresh(), job.name());
      assertTrue(parsed.config().describe().contains("full_refresh=true"), parsed.config().describe());
      var incremental = dev.defilakehouse.jobs.cli.JobArguments.parse(
          java.util.Arrays.copyOf(args, args.length - 1), catalog, registry::has);
      assertEquals(false, incremental.config().fullRefresh(), job.name());
    }
  }

  @Test
  void repointTablesAndAllowOtherRootAreFlagsOfAJobRun() throws Exception {
    var catalog = dev.defilakehouse.common.catalog.TableCatalog.get();
    JobRegistry registry = JobRegistry.standard();
    String[] args = {JOB, "--env", "prod", "--start", "2024-01-01", "--end", "2024-01-02", "--lakehouse-root",
        "s3a://scratch-bucket/test", "--allow-other-root", "--repoint-tables"};
    var parsed = dev.defilakehouse.jobs.cli.JobArguments.parse(args, catalog, registry::has);
    assertEquals("s3a://scratch-bucket/test", parsed.config().lakehouseRoot());
    assertTrue(parsed.config().repointTables());
    assertTrue(parsed.config().describe().contains("repoint_tables=true"), parsed.config().describe());
    var plain = dev.defilakehouse.jobs.cli.JobArguments.parse(new String[] {JOB, "--env", "prod", "--start",
        "2024-01-01", "--end", "2024-01-02"}, catalog, registry::has);
    assertEquals("s3a://data-lakehouse-prod", plain.config().lakehouseRoot());
    assertEquals(false, plain.config().repointTables());
    // a feature job as of a UTC midnight given as an instant is fine
    dev.defilakehouse.jobs.cli.JobArguments.parse(new String[] {"analytics.wallet_features", "--env", "local",
        "--start", "2024-01-01", "--end", "2024-01-02T00:00:00Z"}, catalog, registry::has);
  }
}
