package dev.defilakehouse.common.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.defilakehouse.common.testing.CapturedLogs;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class SecretMaskerTest {
  @Test
  void masksTheGatewayKeySegmentEvenWhenTheValueIsUnknown() {
    SecretMasker masker = SecretMasker.of();
    assertEquals("POST https://gateway.thegraph.com/api/***/subgraphs/id/Qm1",
        masker.mask("POST https://gateway.thegraph.com/api/abc123/subgraphs/id/Qm1"));
  }

  @Test
  void masksKnownValuesAnywhere() {
    assertEquals("key=*** and ***", SecretMasker.of("s3cr3t-value").mask("key=s3cr3t-value and s3cr3t-value"));
  }

  @Test
  void sanitizedExceptionsKeepClassAndTraceButNotTheKey() {
    IOException original = new IOException("unexpected end of stream on http://h/api/s3cr3t-value/subgraphs/id/x",
        new IllegalStateException("inner s3cr3t-value"));
    Throwable clean = SecretMasker.of("s3cr3t-value").sanitize(original);
    String trace = CapturedLogs.stackTrace(clean);
    assertFalse(trace.contains("s3cr3t-value"), trace);
    assertEquals("java.io.IOException: unexpected end of stream on http://h/api/***/subgraphs/id/x", clean.getMessage());
    assertEquals(original.getStackTrace().length, clean.getStackTrace().length);
  }
}
