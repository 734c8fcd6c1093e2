package dev.defilakehouse.common.transform.stage;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class QuarantineThresholdTest {
  private static final String TABLE = "stage.transpose_deposit_events";

  private static StageCounts counts(long raw, long quarantined) {
    return new StageCounts(raw, raw - quarantined, quarantined, quarantined, 0,
        Map.of("negative_quantity", quarantined - 1, "invalid_json", 1L, "unknown_token_decimals", 4L),
        Map.of("negative_quantity", quarantined - 1, "invalid_json", 1L));
  }

  @Test
  void atTheThresholdPassesAboveItFailsNamingTableShareTopRulesAndWhereToLook() {
    assertDoesNotThrow(() -> QuarantineThreshold.check(TABLE, "block_date=2024-01-01", counts(100, 1), 0.01, "db_stage_local.quarantine"));
    assertDoesNotThrow(() -> QuarantineThreshold.check(TABLE, "block_date=2024-01-01", counts(0, 0), 0.0, "db_stage_local.quarantine"));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> QuarantineThreshold.check(TABLE, "block_date=2024-01-01", counts(100, 3), 0.01, "db_stage_local.quarantine"));
    assertTrue(e.getMessage().startsWith(TABLE + ": 3 of 100 raw rows of block_date=2024-01-01 quarantined (3.00%), above quarantine.max_share=0.01"),
        e.getMessage());
    assertTrue(e.getMessage().contains("top rules: negative_quantity=2, invalid_json=1."), e.getMessage());
    assertTrue(e.getMessage().contains("db_stage_local.quarantine WHERE source_table = '" + TABLE + "'"), e.getMessage());
    assertTrue(e.getMessage().contains("NOT written for block_date=2024-01-01"), e.getMessage());
  }

  @Test
  void theOptionMustBeAShare() {
    assertEquals(0.05, QuarantineThreshold.parse("0.05"));
    assertThrows(IllegalArgumentException.class, () -> QuarantineThreshold.parse("5%"));
    assertThrows(IllegalArgumentException.class, () -> QuarantineThreshold.parse("1.5"));
  }
}
