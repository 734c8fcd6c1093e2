package dev.defilakehouse.common.transform.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

class PackedKeyTableTest {
  private static long[] packed(String s, int tag0, int tag1) {
    long[] key = new long[PackedKeyTable.WORDS];
    assertTrue(PackedKeyTable.pack(UTF8String.fromString(s), tag0, tag1, key), s);
    return key;
  }

  @Test
  void aKeyUnpacksToItsStringAndTagsWhateverItsLength() {
    for (String s : List.of("", "a", "0x1146452f4a131e99eff3a4ba070e2ce84755cff0", "12345678", "w\u00e9\u20ac",
        "x".repeat(PackedKeyTable.MAX_BYTES))) {
      long[] key = packed(s, 3, 255);
      assertEquals(s, PackedKeyTable.string(key).toString());
      assertEquals(3, PackedKeyTable.tag0(key));
      assertEquals(255, PackedKeyTable.tag1(key));
    }
  }

  @Test
  void aKeyInTheMiddleOfLargerBytesPacksOnlyItsOwn() {
    UTF8String all = UTF8String.fromString("prefix-0xabcdef0123456789-suffix");
    UTF8String middle = all.substring(7, 25);
    long[] key = new long[PackedKeyTable.WORDS];
    assertTrue(PackedKeyTable.pack(middle, 0, 0, key));
    assertEquals("0xabcdef0123456789", PackedKeyTable.string(key).toString());
    assertTrue(Arrays.equals(packed("0xabcdef0123456789", 0, 0), key));
  }

  @Test
  void differentStringsOrTagsPackDifferently() {
    Set<List<Long>> keys = new HashSet<>();
    List<long[]> all = List.of(packed("a", 0, 0), packed("a\u0000", 0, 0), packed("a", 1, 0), packed("a", 0, 1),
        packed("b", 0, 0), packed("", 0, 0), packed("\u0000", 0, 0));
    all.forEach(k -> keys.add(Arrays.stream(k).boxed().toList()));
    assertEquals(all.size(), keys.size());
  }

  @Test
  void aStringLongerThanTheKeyDoesNotPack() {
    assertFalse(PackedKeyTable.pack(UTF8String.fromString("x".repeat(PackedKeyTable.MAX_BYTES + 1)), 0, 0,
        new long[PackedKeyTable.WORDS]));
  }

  @Test
  void everyKeyPutIsFoundWithItsValueAfterTheTableGrew() {
    PackedKeyTable<Integer> table = new PackedKeyTable<>(16);
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      long[] key = packed(String.format("0x%040x", i), i % 3, 0);
      assertNull(table.get(key));
      table.put(key, i);
    }
    assertEquals(n, table.size());
    for (int i = 0; i < n; i++) { // in the order put: each the next after the last found
      assertEquals(i, table.get(packed(String.format("0x%040x", i), i % 3, 0)));
      assertNull(table.get(packed(String.format("0x%040x", i), (i + 1) % 3, 0)), "another tag is another key");
    }
    for (int i = n - 1; i >= 0; i -= 7) { // out of order: through the hash table
      assertEquals(i, table.get(packed(String.format("0x%040x", i), i % 3, 0)));
    }
    Map<String, Integer> seen = new HashMap<>();
    table.forEach((key, value) -> seen.put(PackedKeyTable.string(key) + "/" + PackedKeyTable.tag0(key), value));
    assertEquals(n, seen.size());
    assertEquals(7, seen.get(String.format("0x%040x", 7) + "/1"));
    assertThrows(IllegalStateException.class, () -> table.put(packed(String.format("0x%040x", 7), 1, 0), 0));
  }
}
