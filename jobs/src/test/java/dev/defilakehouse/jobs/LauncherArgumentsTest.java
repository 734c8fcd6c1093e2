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
}
