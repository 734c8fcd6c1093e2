package dev.defilakehouse.local.bench;

/** The benchmarks' unit conversions, so every figure is derived the same way. */
final class Rates {
  private Rates() {}

  static double seconds(long nanos) {
    return nanos / 1e9;
  }

  /** {@code amount / over} (e.g. rows per second), 0 when there is nothing to divide by. */
  static double per(double amount, double over) {
    return over > 0 ? amount / over : 0.0;
  }
}
