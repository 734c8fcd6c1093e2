package dev.defilakehouse.common.transform.stage;

import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ValidationRuleTest {
  @Test
  void aNameThatCouldNotBeJoinedWithCommasIsRefused() {
    assertEquals("balance_out_of_range", ValidationRule.error("balance_out_of_range", lit(true), "x").name());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ValidationRule.warning("late,or early", lit(true), "x"));
    assertTrue(e.getMessage().contains("'late,or early'"), e.getMessage());
  }
}
