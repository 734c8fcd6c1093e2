package dev.defilakehouse.sandbox;

/** Deterministic hex identifiers (addresses, hashes) from a seed and a counter. */
final class Hex {
  private static final char[] DIGITS = "0123456789abcdef".toCharArray();

  private Hex() {}

  /** SplitMix64 finaliser: a good 64-bit mix, so neighbouring counters give unrelated values. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** {@code 0x} + 40 hex digits. */
  static String address(long seed, long n) { return "0x" + hex(seed, n, 40); }

  /** {@code 0x} + 64 hex digits. */
  static String hash32(long seed, long n) { return "0x" + hex(seed, n, 64); }

  /** {@code length} hex digits. */
  static String hex(long seed, long n, int length) {
    char[] out = new char[length];
    long state = mix(seed * 0x9e3779b97f4a7c15L + n);
    for (int i = 0; i < length; i++) {
      if (i % 16 == 0) {
        state = mix(state + 0x9e3779b97f4a7c15L);
      }
      out[i] = DIGITS[(int) ((state >>> ((i % 16) * 4)) & 0xf)];
    }
    return new String(out);
  }
}
