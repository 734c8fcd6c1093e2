package dev.defilakehouse.common.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class JsonTextTest {
  @Test
  void cutsEachElementOutOfTheTextUnchanged() throws Exception {
    String a = "{\"id\":\"x]}\\\"y\",\"n\":1.50,\"big\":123456789012345678901234567890,\"e\":1e-7}";
    String b = "{ \"nested\" : [ {\"k\": [1, 2]} , null ], \"t\": true }";
    String body = "{\"stats\":{\"results\":[\"decoy\"]},\"results\":[\n  " + a + " ,\n" + b + ", 42, \"s\"]}";

    assertEquals(List.of(a, b, "42", "\"s\""), JsonText.arrayElements(body, "results"));
    assertEquals(List.of("\"decoy\""), JsonText.arrayElements(body, "stats", "results"));
    assertNull(JsonText.arrayElements(body, "missing"));
    assertNull(JsonText.arrayElements("{\"data\":{\"markets\":null}}", "data", "markets"));
  }

  @Test
  void malformedBodiesAreRetryableFaults() {
    RetryableFault f = assertThrows(RetryableFault.class, () -> JsonText.parseObject("{\"a\": [1,", "q"));
    assertEquals("malformed_json", f.reason());
    assertEquals("malformed_json", assertThrows(RetryableFault.class, () -> JsonText.parseObject("[1]", "q")).reason());
  }

  @Test
  void keyFieldsAreReadLeniently() throws Exception {
    var node = JsonText.MAPPER.readTree("{\"a\":18908895,\"b\":\"12\",\"c\":1.5,\"d\":null,\"e\":\"x\"}");
    assertEquals(18908895L, JsonText.longValue(node, "a"));
    assertEquals(12L, JsonText.longValue(node, "b"));
    assertNull(JsonText.longValue(node, "c"));
    assertNull(JsonText.longValue(node, "d"));
    assertNull(JsonText.longValue(node, "e"));
    assertNull(JsonText.longValue(node, "absent"));
  }
}
