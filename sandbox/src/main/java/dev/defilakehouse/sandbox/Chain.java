package dev.defilakehouse.sandbox;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * Block numbers and timestamps: one block every 12 seconds (post-merge slot time), anchored so
 * that 2024-01-01 starts near mainnet block 18,908,895. Pure arithmetic, so any block or day
 * can be answered without storing one row per block.
 */
final class Chain {
  static final int SLOT_SECONDS = 12;
  static final long BLOCKS_PER_DAY = 86_400 / SLOT_SECONDS;
  private static final long REF_BLOCK = 18_908_895L;
  private static final long REF_TIMESTAMP = 1_704_067_211L; // 2024-01-01T00:00:11Z

  private final long seed;
  private final long firstBlock;
  private final long headBlock;

  Chain(long seed, LocalDate startDate, int days) {
    this.seed = seed;
    this.firstBlock = firstBlockAtOrAfter(epochSecond(startDate));
    this.headBlock = firstBlockAtOrAfter(epochSecond(startDate.plusDays(days)));
  }

  static long epochSecond(LocalDate day) { return day.atStartOfDay(ZoneOffset.UTC).toEpochSecond(); }

  long timestamp(long block) { return REF_TIMESTAMP + (block - REF_BLOCK) * SLOT_SECONDS; }

  Instant instant(long block) { return Instant.ofEpochSecond(timestamp(block)); }

  long firstBlockAtOrAfter(long epochSecond) {
    return REF_BLOCK + Math.floorDiv(epochSecond - REF_TIMESTAMP + SLOT_SECONDS - 1, SLOT_SECONDS);
  }

  long firstBlockOfDay(LocalDate day) { return firstBlockAtOrAfter(epochSecond(day)); }

  /** First block of the simulation (first block of the start day). */
  long firstBlock() { return firstBlock; }

  /** Newest indexed block: the first block of the day after the last simulated day. */
  long headBlock() { return headBlock; }

  String blockHash(long block) { return Hex.hash32(seed ^ 0x6b6c6f636bL, block); }
}
