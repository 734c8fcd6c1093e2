package dev.defilakehouse.sandbox;

import java.io.PrintStream;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.concurrent.CountDownLatch;

/**
 * Command line: runs the sandbox in the foreground until Ctrl-C.
 * {@code SandboxMain --port <p> --seed <s> --wallets <n> --days <d> [--start-date <date>]
 * [--markets <m>] [--liquidation-category liquidation|liquidate]}
 */
public final class SandboxMain {
  static final String USAGE = "usage: sandbox --port <port> --seed <seed> --wallets <n> --days <d> "
      + "[--start-date <yyyy-mm-dd>] [--markets <2-8>] [--liquidation-category liquidation|liquidate] "
      + "[--subgraph-rate-limit <requests/s>] [--transpose-rate-limit <requests/s>]";

  private SandboxMain() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length > 0 && ("--help".equals(args[0]) || "-h".equals(args[0]))) {
      System.out.println(USAGE);
      return;
    }
    SandboxOptions options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("sandbox: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    Sandbox sandbox = start(options, System.out);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      sandbox.close();
      System.out.println("sandbox stopped");
      stopped.countDown();
    }, "sandbox-shutdown"));
    stopped.await();
  }

  /** Parses the command line; throws IllegalArgumentException saying what was wrong. */
  static SandboxOptions parse(String[] args) {
    SandboxOptions.Builder b = SandboxOptions.builder();
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("missing value after " + flag);
      }
      String value = args[++i];
      switch (flag) {
        case "--port": b.port(integer(flag, value)); break;
        case "--seed": b.seed(longValue(flag, value)); break;
        case "--wallets": b.wallets(integer(flag, value)); break;
        case "--days": b.days(integer(flag, value)); break;
        case "--markets": b.markets(integer(flag, value)); break;
        case "--liquidation-category": b.liquidationCategory(value); break;
        case "--subgraph-rate-limit": b.subgraphRateLimit(decimal(flag, value)); break;
        case "--transpose-rate-limit": b.transposeRateLimit(decimal(flag, value)); break;
        case "--start-date":
          try {
            b.startDate(LocalDate.parse(value));
          } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--start-date must be a date like 2024-01-01, was '" + value + "'");
          }
          break;
        default:
          throw new IllegalArgumentException("unknown option " + flag);
      }
    }
    return b.build();
  }

  /** Starts the sandbox and prints where it listens and what it accepts. */
  static Sandbox start(SandboxOptions options, PrintStream out) {
    long t0 = System.nanoTime();
    Simulation sim = Simulation.generate(options);
    Sandbox sandbox = Sandbox.start(sim);
    out.printf("sandbox: %s, %d events, blocks %d..%d, ready in %d ms%n", options, sim.events().size(),
        sim.firstBlock(), sim.headBlock(), (System.nanoTime() - t0) / 1_000_000);
    out.println("subgraph url:       " + sandbox.subgraphBaseUrl()
        + "  (POST /api/<key>/subgraphs/id/<deployment>)");
    for (String p : sim.protocols()) {
      out.printf("  deployment %-12s %s%n", p, sandbox.deploymentId(p));
    }
    out.println("subgraph api key:   " + sandbox.subgraphApiKey());
    out.println("transpose url:      " + sandbox.transposeBaseUrl() + "  (POST /sql, header X-API-KEY)");
    out.println("transpose api key:  " + sandbox.transposeApiKey());
    out.println("Ctrl-C stops it.");
    out.flush();
    return sandbox;
  }

  private static int integer(String flag, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be an integer, was '" + value + "'");
    }
  }

  private static double decimal(String flag, String value) {
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be a number, was '" + value + "'");
    }
  }

  private static long longValue(String flag, String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be an integer, was '" + value + "'");
    }
  }
}
