package dev.defilakehouse.local.bench;

import dev.defilakehouse.sandbox.SandboxOptions;
import java.time.LocalDate;
import java.util.Locale;

/**
 * A benchmark data size: the sandbox simulation's wallets and days. The simulation has no
 * activity knob (about 0.31 events per wallet per day, measured), so the wallet counts are tuned
 * to reach the event targets of issue 9: S ~100k events, M ~1M, L ~10M.
 */
public record BenchScale(String name, int wallets, int days, LocalDate start, long seed) {
  public static final LocalDate START = LocalDate.of(2024, 1, 1);

  public static BenchScale of(String name) {
    return switch (name.toUpperCase(Locale.ROOT)) {
      case "S" -> new BenchScale("S", 3_500, 90, START, 42);
      case "M" -> new BenchScale("M", 9_000, 365, START, 42);
      case "L" -> new BenchScale("L", 45_000, 730, START, 42);
      default -> throw new IllegalArgumentException("unknown benchmark size '" + name + "': expected S, M or L");
    };
  }

  /** The same size with other wallet and day counts (for a quick or a partial run); named e.g. {@code S-3500w-14d}. */
  public BenchScale resized(Integer newWallets, Integer newDays) {
    int w = newWallets == null ? wallets : newWallets;
    int d = newDays == null ? days : newDays;
    if (w == wallets && d == days) {
      return this;
    }
    return new BenchScale(name + "-" + w + "w-" + d + "d", w, d, start, seed);
  }

  /** The last day with events is {@code end - 1}; {@code end} is the last snapshot and the as-of date. */
  public LocalDate end() {
    return start.plusDays(days);
  }

  public SandboxOptions sandboxOptions() {
    return SandboxOptions.builder().seed(seed).wallets(wallets).days(days).startDate(start).build();
  }
}
