package dev.defilakehouse.sandbox;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.crypto.digests.KeccakDigest;

/**
 * EIP-55 mixed-case checksum addresses, the spelling Transpose returns (TransposeData/docs
 * {@code docs/sql/response.md}: {@code "address": "0xa330BF3A28a5C7BB36Da83837f450e89e456eaF1"}).
 * A letter is upper case where the matching nibble of keccak256(lowercase hex) is 8 or more.
 */
final class Eip55 {
  private static final Map<String, String> CACHE = new ConcurrentHashMap<>();

  private Eip55() {}

  /** The checksummed form of a {@code 0x} + 40 hex address (any case); null stays null. */
  static String checksum(String address) {
    if (address == null) {
      return null;
    }
    return CACHE.computeIfAbsent(address.toLowerCase(Locale.ROOT), Eip55::compute);
  }

  private static String compute(String lower) {
    if (!lower.matches("0x[0-9a-f]{40}")) {
      throw new IllegalArgumentException("not an address: " + lower);
    }
    String hex = lower.substring(2);
    KeccakDigest keccak = new KeccakDigest(256);
    byte[] in = hex.getBytes(StandardCharsets.US_ASCII);
    keccak.update(in, 0, in.length);
    byte[] hash = new byte[32];
    keccak.doFinal(hash, 0);
    StringBuilder out = new StringBuilder("0x");
    for (int i = 0; i < 40; i++) {
      char c = hex.charAt(i);
      int nibble = (hash[i / 2] >> (i % 2 == 0 ? 4 : 0)) & 0xf;
      out.append(c >= 'a' && nibble >= 8 ? Character.toUpperCase(c) : c);
    }
    return out.toString();
  }
}
