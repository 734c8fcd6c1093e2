package dev.defilakehouse.common.transform.features;

import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.function.BiConsumer;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * A task's values per key, with each key's bytes packed into {@link #WORDS} longs. A day fold
 * looks a key up once per row; with a {@code HashMap} of string keys that lookup chased four
 * objects (bucket, entry, string, its bytes) through memory, about half of the feature job's CPU
 * at L's size. Here keys sit in one array in the order they were put, found through an
 * open-addressing table of their indexes or, mostly, by being next in that order.
 *
 * <p>A key is a string of at most {@link #MAX_BYTES} bytes (a wallet address has 42) and two tag
 * bytes for small codes: bytes 0..43 the string, zero-padded; 44 and 45 the tags; 47 its length,
 * so two different strings never pack alike. Longer strings do not {@link #pack}.
 */
final class PackedKeyTable<V> {
  static final int WORDS = 6;
  static final int MAX_BYTES = 44;
  private static final int TAG_0 = 44;
  private static final int TAG_1 = 45;
  private static final int LENGTH = 47;
  private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

  private static final int AHEAD = 3; // how far past the last key found the next row's key is looked for

  private long[] keys; // key i at WORDS * i, in the order they were put
  private Object[] values;
  private int size;
  private long[] table; // per slot: the key's hash bits << 32 | 1 + its index (0: free)
  private int mask;
  private int last = -1; // the index of the key found last

  /** A table sized at first for about {@code capacity} keys (a power of two). */
  PackedKeyTable(int capacity) {
    if (Integer.bitCount(capacity) != 1) {
      throw new IllegalArgumentException("capacity must be a power of two: " + capacity);
    }
    keys = new long[WORDS * capacity];
    values = new Object[capacity];
    allocate(2 * capacity);
  }

  /**
   * Packs {@code s} and the tags into {@code key} ({@link #WORDS} longs); false, leaving {@code key}
   * undefined, when {@code s} is longer than {@link #MAX_BYTES} bytes.
   */
  static boolean pack(UTF8String s, int tag0, int tag1, long[] key) {
    int length = s.numBytes();
    if (length > MAX_BYTES) {
      return false;
    }
    Object base = s.getBaseObject();
    long offset = s.getBaseOffset();
    int whole = length / 8;
    for (int w = 0; w < whole; w++) {
      key[w] = Platform.getLong(base, offset + 8L * w);
    }
    Arrays.fill(key, whole, WORDS, 0L);
    // the tail and the tags byte by byte, in the words' byte order, never reading past the string
    for (int i = 8 * whole; i < length; i++) {
      key[i / 8] |= (Platform.getByte(base, offset + i) & 0xffL) << shift(i);
    }
    key[TAG_0 / 8] |= (tag0 & 0xffL) << shift(TAG_0);
    key[TAG_1 / 8] |= (tag1 & 0xffL) << shift(TAG_1);
    key[LENGTH / 8] |= (long) length << shift(LENGTH);
    return true;
  }

  /**
   * A hash of a string from its first and last eight bytes and its length: as good as a hash of all
   * its bytes for wallet addresses (hex after "0x"), at a fraction of the cost per row.
   */
  static int hashOf(UTF8String s) {
    int length = s.numBytes();
    if (length < 16) {
      return s.hashCode();
    }
    Object base = s.getBaseObject();
    long offset = s.getBaseOffset();
    long h = Platform.getLong(base, offset) * 0x9E3779B97F4A7C15L
        ^ Platform.getLong(base, offset + length - 8) * 0xC2B2AE3D27D4EB4FL ^ length;
    return (int) (h ^ (h >>> 32));
  }

  /** Where byte {@code i} of the key sits in its word, as {@link Platform#getLong} reads bytes. */
  private static int shift(int i) {
    return LITTLE_ENDIAN ? 8 * (i % 8) : 56 - 8 * (i % 8);
  }

  /** The string of a packed key. */
  static UTF8String string(long[] key) {
    byte[] bytes = new byte[byteAt(key, LENGTH)];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) byteAt(key, i);
    }
    return UTF8String.fromBytes(bytes);
  }

  /** The first tag of a packed key. */
  static int tag0(long[] key) {
    return byteAt(key, TAG_0);
  }

  /** The second tag of a packed key. */
  static int tag1(long[] key) {
    return byteAt(key, TAG_1);
  }

  private static int byteAt(long[] key, int i) {
    return (int) (key[i / 8] >>> shift(i)) & 0xff;
  }

  /**
   * The value of a packed key, or null. The days a task reads tend to list their keys in the same
   * order (files written by the same plan), so the keys put after the last one found are tried
   * first: read in sequence, they cost no random memory access.
   */
  @SuppressWarnings("unchecked")
  V get(long[] key) {
    for (int i = last + 1; i <= last + AHEAD && i < size; i++) {
      if (matches(i, key)) {
        last = i;
        return (V) values[i];
      }
    }
    long h = hash(key, 0);
    for (int slot = (int) h & mask; table[slot] != 0; slot = (slot + 1) & mask) {
      int i = (int) table[slot] - 1;
      if ((table[slot] >>> 32) == (h >>> 32) && matches(i, key)) {
        last = i;
        return (V) values[i];
      }
    }
    return null;
  }

  /** Adds the value of a packed key that is not in the table. */
  void put(long[] key, V value) {
    if (get(key) != null) {
      throw new IllegalStateException("key already in the table");
    }
    if (size == values.length) {
      keys = Arrays.copyOf(keys, 2 * keys.length);
      values = Arrays.copyOf(values, 2 * values.length);
    }
    System.arraycopy(key, 0, keys, WORDS * size, WORDS);
    values[size] = value;
    last = size;
    insert(hash(keys, WORDS * size), size++);
    if (10 * size > 7 * (mask + 1)) {
      allocate(2 * (mask + 1));
    }
  }

  int size() {
    return size;
  }

  /** Each packed key (a fresh array) with its value, in the order they were put. */
  @SuppressWarnings("unchecked")
  void forEach(BiConsumer<long[], V> action) {
    for (int i = 0; i < size; i++) {
      action.accept(Arrays.copyOfRange(keys, WORDS * i, WORDS * (i + 1)), (V) values[i]);
    }
  }

  private void insert(long h, int index) {
    int slot = (int) h & mask;
    while (table[slot] != 0) {
      slot = (slot + 1) & mask;
    }
    table[slot] = (h >>> 32) << 32 | (index + 1L);
  }

  private boolean matches(int index, long[] key) {
    int at = WORDS * index;
    for (int w = 0; w < WORDS; w++) {
      if (keys[at + w] != key[w]) {
        return false;
      }
    }
    return true;
  }

  /** The hash of the key at {@code from} in {@code words}. */
  private static long hash(long[] words, int from) {
    long h = 0;
    for (int w = from; w < from + WORDS; w++) {
      h = Long.rotateLeft((h ^ words[w]) * 0x9E3779B97F4A7C15L, 29);
    }
    return h ^ (h >>> 29);
  }

  /** A table of {@code capacity} slots holding every key put so far. */
  private void allocate(int capacity) {
    table = new long[capacity];
    mask = capacity - 1;
    for (int i = 0; i < size; i++) {
      insert(hash(keys, WORDS * i), i);
    }
  }
}
