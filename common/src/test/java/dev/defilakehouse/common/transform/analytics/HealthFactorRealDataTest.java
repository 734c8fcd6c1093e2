package dev.defilakehouse.common.transform.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.defilakehouse.common.testing.SparkTestSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The health-factor transformation on one real Aave v2 borrower (Cred Protocol's dataset, see
 * shared/realdata/README.md): it must reproduce the file's HF column on every row.
 */
class HealthFactorRealDataTest {
  private static final String FILE = "aave-v2-health-factor-sample.csv";
  private static final String WALLET = "0x01acb3804ba9c42111c6e9c127831eb486ca1ac7";

  /** {@code shared/realdata} next to the repository: walk up from the working directory. */
  static Optional<Path> realDataFile() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared").resolve("realdata").resolve(FILE);
      if (Files.isRegularFile(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  @Test
  void reproducesTheHealthFactorOfEveryRow() throws IOException {
    Optional<Path> file = realDataFile();
    assumeTrue(file.isPresent(), "skipped: no shared/realdata/" + FILE + " in any parent folder of "
        + Path.of("").toAbsolutePath() + " (clone the repository next to the shared/ folder to run it)");

    List<String> lines = Files.readAllLines(file.get());
    String[] header = lines.get(0).split(",", -1);
    Map<String, Integer> column = new HashMap<>();
    for (int i = 0; i < header.length; i++) {
      column.put(header[i], i);
    }
    List<String> tokens = new ArrayList<>();
    for (String h : header) {
      if (h.endsWith("_Deposit_Count")) {
        tokens.add(h.substring(0, h.length() - "_Deposit_Count".length()));
      }
    }
    assertTrue(tokens.size() >= 30, "expected the 34 Aave v2 tokens in the header, found " + tokens);

    List<Row> positions = new ArrayList<>();
    Map<Long, String> expectedHf = new HashMap<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] v = line.split(",", -1);
      long block = Long.parseLong(v[column.get("block_height")]);
      Date day = Date.valueOf(v[column.get("block_timestamp")].substring(0, 10));
      expectedHf.put(block, v[column.get("HF")]);
      for (String t : tokens) {
        double deposit = Double.parseDouble(v[column.get(t + "_Deposit_Count")]);
        double debt = Double.parseDouble(v[column.get(t + "_Debt_Count")]);
        double priceEth = Double.parseDouble(v[column.get(t + "_eth")]);
        double lt = Double.parseDouble(v[column.get(t + "_LiqThreshold")]);
        if (deposit != 0) {
          positions.add(RowFactory.create(WALLET, "aave_v2", day, block, t, "SUPPLY", true, deposit, priceEth, lt, null));
        }
        if (debt != 0) {
          positions.add(RowFactory.create(WALLET, "aave_v2", day, block, t, "BORROW", false, debt, priceEth, lt, null));
        }
      }
    }

    SparkSession spark = SparkTestSession.get();
    List<Row> health = HealthFactor.transform(spark.createDataFrame(positions, StageFixtures.VALUED_POSITIONS))
        .collectAsList();
    assertEquals(expectedHf.size(), health.size(), "one health row per observation");

    int infinite = 0;
    for (Row r : health) {
      long block = r.<Long>getAs("snapshot_block");
      String expected = expectedHf.get(block);
      Double hf = r.getAs("health_factor");
      double rf = r.<Double>getAs("risk_factor");
      if (expected.equals("inf")) {
        infinite++;
        assertNull(hf, "block " + block + ": no debt, so no health factor");
        assertEquals(0.0, rf, 0.0, "block " + block + ": no debt, so risk factor 0");
      } else {
        double want = Double.parseDouble(expected);
        assertNotNull(hf, "block " + block + ": expected HF " + expected);
        assertTrue(Math.abs(hf - want) / want < 1e-9,
            "block " + block + ": health factor " + hf + " but the file says " + expected);
        assertEquals(Math.min(1e6, 1 / want), rf, Math.min(1e6, 1 / want) * 1e-9, "block " + block);
      }
    }
    assertTrue(infinite > 0, "the sample has a row without debt (HF inf)");
  }
}
