package dev.defilakehouse.common.transform.features;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.unsafe.Platform;

/**
 * A task's rows held back in {@link #PARTITIONS} buffers by a hash of their key, each buffer handed
 * on whole, in arrival order, when it is full or at the end.
 *
 * <p>Why: a day fold meets every wallet about once per day, so between two rows of a key it meets
 * all other keys of the task; with ~45k wallets (L) their tables and folds no longer fit the CPU's
 * caches, and every row waited on a chain of memory reads (about 40 % of the feature job's CPU).
 * Replayed by partition, a buffer of many days touches the same few hundred keys again and again
 * while they are still cached. A key's rows all land in one partition and keep their order there,
 * which is all a fold needs.
 */
final class KeyPartitionedRows {
  static final int PARTITIONS = 128;
  private static final int FIRST_BYTES = 4 * 1024;
  private static final long BASE = Platform.BYTE_ARRAY_OFFSET;

  /** What is done with each row, partition by partition. */
  interface Replay {
    void accept(int partition, InternalRow row);
  }

  private final Replay replay;
  private final int maxBytes;
  private final byte[][] buffers = new byte[PARTITIONS][];
  private final int[] used = new int[PARTITIONS];
  private UnsafeRow view; // points into a buffer while its rows are replayed

  /**
   * Rows replayed through {@code replay} once a partition holds {@code maxBytes} (buffers start
   * small and double up to it, so a small task holds little).
   */
  KeyPartitionedRows(Replay replay, int maxBytes) {
    this.replay = replay;
    this.maxBytes = maxBytes;
  }

  /** The partition of a key's hash (any int: its bits are mixed first). */
  static int partitionOf(int keyHash) {
    return (keyHash * 0x9E3779B9) >>> (Integer.SIZE - Integer.numberOfTrailingZeros(PARTITIONS));
  }

  /** Holds a copy of {@code row} in the partition of {@code keyHash}; the row itself may be reused after. */
  void add(InternalRow row, int keyHash) {
    int p = partitionOf(keyHash);
    if (!(row instanceof UnsafeRow unsafe)) {
      flush(p); // no bytes to copy: handed on now, after the partition's earlier rows
      replay.accept(p, row);
      return;
    }
    int size = unsafe.getSizeInBytes();
    int needed = Long.BYTES + size;
    byte[] buffer = room(p, needed);
    Platform.putLong(buffer, BASE + used[p], size);
    unsafe.writeToMemory(buffer, BASE + used[p] + Long.BYTES);
    used[p] += needed;
    if (view == null) {
      view = new UnsafeRow(unsafe.numFields());
    }
  }

  /** Hands on every row still held, partition by partition. */
  void flushAll() {
    for (int p = 0; p < PARTITIONS; p++) {
      flush(p);
    }
  }

  /** The partition's buffer with {@code needed} bytes free: grown while it may, else replayed and emptied. */
  private byte[] room(int p, int needed) {
    byte[] buffer = buffers[p];
    if (buffer != null && used[p] + needed <= buffer.length) {
      return buffer;
    }
    if (buffer != null && buffer.length >= maxBytes) {
      flush(p);
      if (needed <= buffer.length) {
        return buffer;
      }
    }
    int size = buffer == null ? Math.min(FIRST_BYTES, maxBytes) : 2 * buffer.length;
    while (size < used[p] + needed) {
      size *= 2;
    }
    byte[] grown = new byte[size];
    if (buffer != null) {
      System.arraycopy(buffer, 0, grown, 0, used[p]);
    }
    return buffers[p] = grown;
  }

  private void flush(int p) {
    byte[] buffer = buffers[p];
    int end = used[p];
    for (int at = 0; at < end; ) {
      int size = (int) Platform.getLong(buffer, BASE + at);
      view.pointTo(buffer, BASE + at + Long.BYTES, size);
      replay.accept(p, view);
      at += Long.BYTES + size;
    }
    used[p] = 0;
  }
}
