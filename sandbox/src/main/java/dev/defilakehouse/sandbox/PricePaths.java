package dev.defilakehouse.sandbox;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Daily USD prices per token for days {@code 0..days} (day {@code days} is the snapshot day after
 * the last simulated day). A price holds from the first block of its day until the next day's
 * first block. StrictMath keeps the paths identical on every JVM and CPU. Crypto assets follow a common market factor (ETH) plus their own noise; crashes of
 * 20-35 % hit the market on scheduled days, stablecoins stay within a few basis points of 1 USD.
 */
final class PricePaths {
  private final Map<String, BigDecimal[]> byToken = new HashMap<>();
  private final boolean[] crashDays;

  PricePaths(long seed, int days, List<Token> tokens) {
    SplittableRandom rnd = new SplittableRandom(seed ^ 0x7072696365L);
    crashDays = new boolean[days + 1];
    // Always one real drawdown inside the simulated window, then one every ~40 days.
    for (int d = Math.max(1, days / 2); d <= days; d += 35 + rnd.nextInt(10)) {
      crashDays[d] = true;
    }
    double[] marketLog = new double[days + 1];
    for (int d = 1; d <= days; d++) {
      double move = 0.0005 + 0.035 * gaussian(rnd);
      if (crashDays[d]) {
        move = StrictMath.log(1.0 - (0.20 + 0.15 * rnd.nextDouble()));
      } else if (d > 1 && crashDays[d - 1]) {
        move = Math.abs(move) * 0.5; // a partial rebound after a crash
      }
      marketLog[d] = marketLog[d - 1] + move;
    }
    for (Token t : tokens) {
      if (byToken.containsKey(t.priceKey())) {
        continue;
      }
      SplittableRandom own = new SplittableRandom(seed ^ t.priceKey().hashCode());
      BigDecimal[] path = new BigDecimal[days + 1];
      double idio = 0;
      for (int d = 0; d <= days; d++) {
        double price;
        if (t.isStable()) {
          price = 1.0 + Math.max(-0.004, Math.min(0.004, t.idioVol() * gaussian(own)));
        } else {
          if (d > 0) {
            idio += t.idioVol() * gaussian(own);
          }
          price = t.basePriceUsd() * StrictMath.exp(t.beta() * marketLog[d] + idio);
        }
        path[d] = round(price);
      }
      byToken.put(t.priceKey(), path);
    }
  }

  private static double gaussian(SplittableRandom rnd) {
    // Box-Muller with a deterministic generator (java.util.Random#nextGaussian is not splittable).
    double u1 = 1.0 - rnd.nextDouble();
    double u2 = rnd.nextDouble();
    return Math.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2 * Math.PI * u2);
  }

  /** Eight significant digits, plain decimal: what the subgraph prints. */
  private static BigDecimal round(double price) {
    BigDecimal bd = new BigDecimal(price).round(new MathContext(8, RoundingMode.HALF_EVEN));
    return bd.scale() < 0 ? bd.setScale(0) : bd.stripTrailingZeros().scale() < 0
        ? bd.stripTrailingZeros().setScale(0) : bd.stripTrailingZeros();
  }

  BigDecimal price(Token token, int day) {
    BigDecimal[] path = byToken.get(token.priceKey());
    if (path == null) {
      throw new IllegalArgumentException("no simulated price for token " + token.address());
    }
    return path[Math.max(0, Math.min(day, path.length - 1))];
  }

  boolean isCrashDay(int day) { return day >= 0 && day < crashDays.length && crashDays[day]; }
}
