package dev.defilakehouse.common.transform.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

/**
 * Rows held back by key are all handed on, each key's in the order they came and in the partition
 * its hash gives, whether they wait in a buffer that fills and is replayed many times over, are
 * larger than a whole buffer, or are not in Spark's binary layout (handed on at once, after what
 * the partition held).
 */
class KeyPartitionedRowsTest {
  private static final StructType SCHEMA = new StructType()
      .add("key", DataTypes.StringType).add("seq", DataTypes.IntegerType);

  @Test
  void everyRowIsHandedOnInItsKeysOrderAndPartitionThroughFullBuffersAndAtTheEnd() {
    Map<String, List<Integer>> seen = new HashMap<>();
    List<String> wrongPartition = new ArrayList<>();
    KeyPartitionedRows rows = new KeyPartitionedRows((p, row) -> {
      String key = row.getUTF8String(0).toString();
      if (p != KeyPartitionedRows.partitionOf(key.hashCode())) {
        wrongPartition.add(key);
      }
      seen.computeIfAbsent(key, k -> new ArrayList<>()).add(row.getInt(1));
    }, 256); // a few rows per buffer: most partitions fill and are replayed many times

    UnsafeProjection binary = UnsafeProjection.create(SCHEMA);
    int keys = 300;
    int perKey = 40;
    String huge = "h".repeat(1000); // larger than a whole buffer
    for (int seq = 0; seq < perKey; seq++) {
      for (int k = 0; k < keys; k++) {
        String key = "key-" + k;
        rows.add(binary.apply(row(key, seq)), key.hashCode()); // the projection reuses its row for the next
      }
      rows.add(binary.apply(row(huge, seq)), huge.hashCode());
      if (seq % 10 == 0) {
        rows.add(row("generic", seq), "generic".hashCode());
      } else {
        rows.add(binary.apply(row("generic", seq)), "generic".hashCode());
      }
    }
    int handedOnBeforeTheEnd = seen.values().stream().mapToInt(List::size).sum();
    assertTrue(handedOnBeforeTheEnd > perKey * keys / 2, "full buffers were replayed: " + handedOnBeforeTheEnd);
    assertTrue(handedOnBeforeTheEnd < perKey * (keys + 2), "some rows waited for the end");
    rows.flushAll();

    assertEquals(keys + 2, seen.size());
    List<Integer> inOrder = new ArrayList<>();
    for (int seq = 0; seq < perKey; seq++) {
      inOrder.add(seq);
    }
    seen.forEach((key, seqs) -> assertEquals(inOrder, seqs, key));
    assertEquals(List.of(), wrongPartition);
  }

  @Test
  void keysSpreadOverAllPartitions() {
    int[] counts = new int[KeyPartitionedRows.PARTITIONS];
    for (int i = 0; i < 100 * KeyPartitionedRows.PARTITIONS; i++) {
      counts[KeyPartitionedRows.partitionOf(PackedKeyTable.hashOf(UTF8String.fromString(String.format("0x%040x", i))))]++;
    }
    for (int count : counts) {
      assertTrue(count > 50 && count < 150, "about 100 wallets per partition: " + count);
    }
  }

  private static InternalRow row(String key, int seq) {
    return new GenericInternalRow(new Object[] {UTF8String.fromString(key), seq});
  }
}
