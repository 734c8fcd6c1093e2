package dev.defilakehouse.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Long simulations compute ethereum.blocks instead of storing a row per block; answers must not change. */
class LongSimulationBlocksTest {
  @Test
  void firstBlockOfADayIsRightWhenBlocksAreComputed() throws Exception {
    SandboxOptions o = SandboxOptions.builder().seed(1).wallets(10).days(36).markets(2)
        .startDate(LocalDate.parse("2024-06-01")).build();
    try (Sandbox s = Sandbox.start(o)) {
      Simulation sim = s.simulation();
      assertTrue(sim.headBlock() - sim.firstBlock() + 1 > TransposeDatabase.MATERIALISED_BLOCKS_MAX);
      for (LocalDate day : new LocalDate[] {o.startDate(), o.endDate()}) {
        JsonNode r = Http.sql(s, "SELECT block_number, timestamp FROM ethereum.blocks WHERE timestamp >= '{{day}}'"
            + " ORDER BY block_number LIMIT 1", Map.of("day", day.toString())).json();
        // the end date's first block is the head: the last row of the computed range
        assertEquals(sim.blockJson(sim.firstBlockOfDay(day)), Http.MAPPER.writeValueAsString(r.at("/results/0")));
      }
    }
  }
}
