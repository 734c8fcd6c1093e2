package dev.defilakehouse.local.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.defilakehouse.common.config.Secrets;
import dev.defilakehouse.common.testing.SparkTestSession;
import dev.defilakehouse.jobs.Launcher;
import dev.defilakehouse.jobs.cli.JobArguments;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, bad arguments and config: each mistake a user can make on the launcher's command line
 * or in its environment ends with exit 2 (bad arguments: most before Spark starts, option values
 * the job reads once it starts) or 1 (the job failed), and ONE line on stderr naming the problem;
 * a stack trace only with --verbose. In process: the launcher borrows the test JVM's one Spark
 * session and is told not to stop it.
 */
class BadArgumentsTest {
  private static final String AREA = "bad arguments";
  private static final Secrets KEYS = new Secrets(Map.of(Secrets.SUBGRAPH_API_KEY, "sg-key-for-tests",
      Secrets.TRANSPOSE_API_KEY, "tp-key-for-tests"));
  private static final String BLOCKS = "raw.transpose_ethereum_daily_blocks";
  private static final List<String> USAGE = JobArguments.usage().lines().toList();

  @TempDir
  static Path tmp;
  private static String root;
  private static int closedPort;

  private record Result(int code, String out, String err) {}

  @BeforeAll
  static void setUp() throws Exception {
    root = tmp.resolve("lakehouse").toString();
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort(); // closed again before any test connects
    }
  }

  private static Result launch(Secrets secrets, List<String> args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = new Launcher(secrets, config -> SparkTestSession.get(), session -> { }, false, InputStream.nullInputStream())
        .execute(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static List<String> job(String job, String... extra) {
    List<String> args = new ArrayList<>(List.of(job, "--env", "local", "--start", "2024-01-01", "--end", "2024-01-02",
        "--lakehouse-root", root));
    args.addAll(Arrays.asList(extra));
    return args;
  }

  /**
   * Runs one case, records it, and checks: the exit code; exit 1 prints exactly one stderr line,
   * exit 2 one error line followed only by the usage; the line names the problem; no stack trace.
   */
  private static void check(String name, Secrets secrets, List<String> args, int expectedCode, String expected) {
    Result r = launch(secrets, args);
    List<String> lines = r.err().lines().toList();
    String first = lines.isEmpty() ? "" : lines.get(0);
    List<String> rest = lines.isEmpty() ? List.of() : lines.subList(1, lines.size());
    boolean oneLine = expectedCode == Launcher.BAD_ARGUMENTS ? rest.equals(USAGE) : rest.isEmpty();
    boolean noTrace = lines.stream().noneMatch(l -> l.startsWith("\tat ") || l.startsWith("Caused by:"));
    boolean passed = r.code() == expectedCode && oneLine && noTrace && first.contains(expected);
    ReliabilityLog.record(new ReliabilityLog.Case(AREA, name, String.join(" ", args).replace(tmp.toString(), "<tmp>"),
        "exit " + r.code() + ": " + first.replace(tmp.toString(), "<tmp>"), 0, passed));
    assertEquals(expectedCode, r.code(), name + ":\n" + r.err());
    assertTrue(first.contains(expected), name + ": the message names the problem ('" + expected + "'):\n" + r.err());
    assertTrue(first.startsWith(expectedCode == Launcher.BAD_ARGUMENTS ? "error: " : "FAILED "), name + ": " + first);
    assertTrue(oneLine, name + ": one line" + (expectedCode == 2 ? " plus the usage" : "") + ":\n" + r.err());
    assertTrue(noTrace, name + ": no stack trace unless asked:\n" + r.err());
  }

  @Test
  void commandLineMistakesExitTwoBeforeSparkStarts() throws Exception {
    Path file = Files.writeString(tmp.resolve("not-a-dir.txt"), "x");
    check("unknown job", KEYS, List.of("raw.no_such_job", "--env", "local", "--start", "2024-01-01", "--end",
        "2024-01-02"), 2, "unknown job 'raw.no_such_job'");
    check("bad date", KEYS, List.of(BLOCKS, "--env", "local", "--start", "2024-02-30", "--end", "2024-03-01"), 2,
        "--start '2024-02-30' is not a date");
    check("end before start", KEYS, List.of(BLOCKS, "--env", "local", "--start", "2024-01-05", "--end", "2024-01-01"), 2,
        "must be after --start");
    check("unknown flag", KEYS, job(BLOCKS, "--dry-run"), 2, "unknown flag '--dry-run'");
    check("malformed --option", KEYS, job(BLOCKS, "--option", "http.max_attempts"), 2,
        "--option 'http.max_attempts' is not key=value");
    check("bad env", KEYS, List.of(BLOCKS, "--env", "production", "--start", "2024-01-01", "--end", "2024-01-02"), 2,
        "unknown env 'production'");
    check("lakehouse root is a file", KEYS, List.of(BLOCKS, "--env", "local", "--start", "2024-01-01", "--end",
        "2024-01-02", "--lakehouse-root", file.toString()), 2, "is a file, not a directory");
    check("lakehouse root below a file", KEYS, List.of(BLOCKS, "--env", "local", "--start", "2024-01-01", "--end",
        "2024-01-02", "--lakehouse-root", file.resolve("lakehouse").toString()), 2, "cannot be created");
    check("lakehouse root with an unknown scheme", KEYS, List.of(BLOCKS, "--env", "local", "--start", "2024-01-01",
        "--end", "2024-01-02", "--lakehouse-root", "ftp://example.invalid/lakehouse"), 2, "unsupported scheme 'ftp'");
    check("lakehouse root as a relative file: URI", KEYS, List.of(BLOCKS, "--env", "local", "--start", "2024-01-01",
        "--end", "2024-01-02", "--lakehouse-root", "file:lakehouse"), 2, "is not a file URI with an absolute path");
    check("lakehouse root without a bucket", KEYS, List.of(BLOCKS, "--env", "dev", "--start", "2024-01-01",
        "--end", "2024-01-02", "--lakehouse-root", "s3a:///lakehouse"), 2, "names no bucket");
    check("prod run on a root that is not prod's", KEYS, List.of(BLOCKS, "--env", "prod", "--start", "2024-01-01",
        "--end", "2024-01-02", "--lakehouse-root", "s3a://data-lakehouse-dev"), 2,
        "is dev's lakehouse, but --env is prod");
    check("feature job with an --end that is not a UTC midnight", KEYS, List.of("analytics.wallet_features", "--env",
        "local", "--start", "2024-01-01", "--end", "2024-01-02T12:00:00Z", "--lakehouse-root", root), 2,
        "is not a UTC midnight");
    check("bad DynamoDB endpoint", KEYS, List.of(BLOCKS, "--env", "prod", "--start", "2024-01-01", "--end",
        "2024-01-02", "--option", "dynamodb.endpoint=dynamodb.local"), 2, "is not an http(s)://host:port URL");
  }

  /** Values only the job reads: found once it starts, still bad arguments (exit 2), so no retry. */
  @Test
  void badOptionValuesAJobFindsExitTwo() {
    check("unknown protocol", KEYS, job("raw.transpose_deposit_events", "--option", "protocols=aave_v2,aave_v9"), 2,
        "unknown protocol 'aave_v9'");
    check("option value not a number", KEYS, job(BLOCKS, "--option", "http.max_attempts=three"), 2,
        "--option http.max_attempts=three is not a whole number");
  }

  @Test
  void configMistakesFailTheJobWithOneLineNamingIt() {
    check("missing API key variable", new Secrets(Map.of()), job(BLOCKS), 1,
        "set the environment variable TRANSPOSE_API_KEY");
    check("unreachable endpoint", KEYS, job(BLOCKS, "--option", "transpose.url=http://127.0.0.1:" + closedPort,
        "--option", "http.max_attempts=2", "--option", "http.initial_backoff_ms=10"), 1,
        "127.0.0.1:" + closedPort);
  }

  @Test
  void verboseAddsTheStackTrace() {
    Result r = launch(new Secrets(Map.of()), job(BLOCKS, "--verbose"));
    boolean trace = r.err().lines().anyMatch(l -> l.startsWith("\tat "));
    String last = r.err().lines().reduce((a, b) -> b).orElse("");
    ReliabilityLog.record(new ReliabilityLog.Case(AREA, "missing API key variable with --verbose", "--verbose",
        "exit " + r.code() + ", stack trace " + (trace ? "printed" : "MISSING") + ", then: " + last, 0,
        r.code() == 1 && trace));
    assertEquals(1, r.code(), r.err());
    assertTrue(trace, "--verbose prints the stack trace:\n" + r.err());
    assertTrue(last.startsWith("FAILED ") && last.contains("TRANSPOSE_API_KEY"), r.err());
    assertFalse(r.err().contains("tp-key-for-tests"));
  }
}
