package dev.defilakehouse.common.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryAfterTest {
  private final Clock clock = Clock.fixed(Instant.parse("2024-01-01T00:00:00Z"), ZoneOffset.UTC);

  @Test
  void parsesSecondsAndHttpDates() {
    assertEquals(Optional.of(Duration.ofSeconds(120)), RetryAfter.parse(" 120 ", clock));
    assertEquals(Optional.of(Duration.ofSeconds(90)), RetryAfter.parse("Mon, 01 Jan 2024 00:01:30 GMT", clock));
    assertEquals(Optional.of(Duration.ZERO), RetryAfter.parse("Sun, 31 Dec 2023 23:00:00 GMT", clock), "past dates mean now");
    assertEquals(Optional.empty(), RetryAfter.parse("soon", clock));
    assertEquals(Optional.empty(), RetryAfter.parse(null, clock));
  }
}
