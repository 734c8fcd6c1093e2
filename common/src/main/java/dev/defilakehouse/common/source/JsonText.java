package dev.defilakehouse.common.source;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * JSON helpers for source responses. {@link #arrayElements} cuts each element of an array out of
 * the response text itself, so raw payloads keep every digit and character as the source sent them.
 */
public final class JsonText {
  /** Parses numbers exactly (BigDecimal/BigInteger) for key extraction; never used to re-render payloads. */
  public static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
      .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
      .build();
  private static final JsonFactory FACTORY = new JsonFactory();

  private JsonText() {}

  /** The parsed document; a body that is not a JSON object is a retryable {@code malformed_json} fault. */
  public static JsonNode parseObject(String body, String what) throws RetryableFault {
    try {
      JsonNode node = MAPPER.readTree(body);
      if (node == null || !node.isObject()) {
        throw new RetryableFault("malformed_json", what + " returned a body that is not a JSON object: " + start(body));
      }
      return node;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new RetryableFault("malformed_json", what + " returned malformed JSON (" + e.getOriginalMessage()
          + "): " + start(body));
    }
  }

  /**
   * The verbatim text of each element of the array at {@code path} (object field names from the
   * root), or null when the path is absent or null. The body must be valid JSON.
   */
  public static List<String> arrayElements(String json, String... path) throws IOException {
    try (JsonParser p = FACTORY.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      for (int depth = 0; depth < path.length; depth++) {
        boolean found = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          JsonToken value = p.nextToken();
          if (name.equals(path[depth])) {
            found = true;
            break;
          }
          if (value.isStructStart()) {
            p.skipChildren();
          }
        }
        if (!found) {
          return null;
        }
        boolean last = depth == path.length - 1;
        if (!last && p.currentToken() != JsonToken.START_OBJECT) {
          return null;
        }
      }
      if (p.currentToken() != JsonToken.START_ARRAY) {
        return null;
      }
      List<String> elements = new ArrayList<>();
      JsonToken t;
      while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
        int begin = (int) p.currentTokenLocation().getCharOffset();
        if (t.isStructStart()) {
          p.skipChildren();
        } else {
          p.finishToken(); // strings are read lazily: consume it so the location is its end
        }
        int end = (int) p.currentLocation().getCharOffset();
        elements.add(json.substring(begin, end));
      }
      return elements;
    }
  }

  /** A text field (numbers rendered as their digits), or null. */
  public static String text(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    if (v == null || v.isNull() || v.isContainerNode()) {
      return null;
    }
    return v.isNumber() ? v.numberValue().toString() : v.asText();
  }

  /** A whole number given as a JSON number or numeric string, or null when absent or not whole. */
  public static Long longValue(JsonNode node, String field) {
    String text = text(node, field);
    if (text == null) {
      return null;
    }
    try {
      return new java.math.BigDecimal(text.trim()).longValueExact();
    } catch (ArithmeticException | NumberFormatException e) {
      return null;
    }
  }

  static String start(String body) {
    if (body == null) {
      return "<no body>";
    }
    return body.length() > 200 ? body.substring(0, 200) + "..." : body;
  }
}
