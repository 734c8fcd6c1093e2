package dev.defilakehouse.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.defilakehouse.common.config.Env;
import dev.defilakehouse.common.config.RunConfig;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunFlagsTest {
  @Test
  void resolvesAirflowInstantsOptionsAndAnAbsoluteLocalRoot() throws Exception {
    RunConfig config = RunFlags.parse(List.of("--env=local", "--start", "2024-01-01T00:00:00+00:00",
        "--end", "2024-01-03", "--lakehouse-root", "lake", "--option", "a=b=c", "--option", "spark.master=local[2]"))
        .toRunConfig("stage.x");
    assertEquals(Env.LOCAL, config.env());
    assertEquals(Instant.parse("2024-01-01T00:00:00Z"), config.interval().start());
    assertEquals(Instant.parse("2024-01-03T00:00:00Z"), config.interval().end());
    assertEquals(Path.of("lake").toAbsolutePath().toString(), config.lakehouseRoot());
    assertEquals(Map.of("a", "b=c", "spark.master", "local[2]"), config.options());
    assertTrue(config.runId().matches("stage\\.x-\\d{8}T\\d{6}Z-[0-9a-f]{6}"), config.runId());
  }

  @Test
  void cloudEnvsDefaultToTheirBucketAndARunIdCanBeGiven() throws Exception {
    RunConfig config = RunFlags.parse(List.of("--env", "prod", "--start", "2024-01-01", "--end", "2024-01-02",
        "--option", "run_id=scheduled__2024-01-01T00:00:00+00:00")).toRunConfig("j");
    assertEquals("s3a://data-lakehouse-prod", config.lakehouseRoot());
    assertEquals("scheduled__2024-01-01T00:00:00+00:00", config.runId());
  }
}
