package dev.defilakehouse.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the SQL of a Transpose request on the embedded database after substituting each
 * {@code {{name}}} with its parameter's TEXT, as Transpose does (TransposeData/docs
 * {@code docs/sql/parameters.md}: the SQL writes {@code '{{contract_address}}'}; the
 * transpose-python-sdk's test {@code '{{transaction_hash}}'}). So a client that leaves an instant
 * unquoted gets a 400 here as from the real service, and a value with a quote in it changes the
 * SQL — only the SELECT-only database user limits the harm. Responses are cut and marked
 * {@code truncated} past the configured row or byte limit.
 */
final class TransposeService {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*\\}\\}");

  /** An HTTP status and a JSON body. */
  record Response(int status, byte[] body) {}

  private final TransposeDatabase db;
  private final int maxRows;
  private final long maxBytes;

  TransposeService(TransposeDatabase db, int maxRows, long maxBytes) {
    this.db = db;
    this.maxRows = maxRows;
    this.maxBytes = maxBytes;
  }

  static Response error(int status, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", "error");
    body.put("message", message);
    return new Response(status, Json.bytes(body));
  }

  Response execute(JsonNode request) {
    JsonNode sqlNode = request.get("sql");
    if (sqlNode == null || !sqlNode.isTextual() || sqlNode.asText().isBlank()) {
      return error(400, "the request body needs a non-empty \"sql\" string");
    }
    JsonNode parameters = request.get("parameters");
    if (parameters != null && !parameters.isNull() && !parameters.isObject()) {
      return error(400, "\"parameters\" must be an object of name -> value");
    }
    StringBuilder sql = new StringBuilder();
    Matcher m = PLACEHOLDER.matcher(sqlNode.asText());
    while (m.find()) {
      String name = m.group(1);
      JsonNode value = parameters == null ? null : parameters.get(name);
      if (value == null) {
        return error(400, "missing parameter '" + name + "': pass it in \"parameters\"");
      }
      String text = text(value);
      if (text == null) {
        return error(400, "parameter '" + name + "' must be a string, number, boolean or null");
      }
      m.appendReplacement(sql, Matcher.quoteReplacement(text));
    }
    m.appendTail(sql);
    try (Connection c = db.reader(); Statement st = c.createStatement()) {
      st.setMaxRows(maxRows + 1);
      st.setQueryTimeout(120);
      if (!st.execute(sql.toString())) {
        return error(400, "only queries that return rows (SELECT) are allowed");
      }
      try (ResultSet rs = st.getResultSet()) {
        return render(rs);
      }
    } catch (SQLException e) {
      return error(400, "SQL error: " + firstLine(e.getMessage()));
    }
  }

  private Response render(ResultSet rs) throws SQLException {
    ResultSetMetaData md = rs.getMetaData();
    int columns = md.getColumnCount();
    List<String> rows = new ArrayList<>();
    long size = 2;
    boolean truncated = false;
    while (rs.next()) {
      if (rows.size() >= maxRows) {
        truncated = true;
        break;
      }
      Map<String, Object> row = new LinkedHashMap<>();
      for (int i = 1; i <= columns; i++) {
        row.put(md.getColumnLabel(i), value(rs, md, i));
      }
      String json = Json.write(row);
      long rowBytes = json.getBytes(StandardCharsets.UTF_8).length + (rows.isEmpty() ? 0 : 1);
      if (size + rowBytes > maxBytes) {
        truncated = true;
        break;
      }
      size += rowBytes;
      rows.add(json);
    }
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("count", rows.size());
    stats.put("size", size);
    stats.put("time", 1 + rows.size() / 100); // simulated milliseconds, so responses stay reproducible
    stats.put("truncated", truncated);
    StringBuilder body = new StringBuilder((int) Math.min(Integer.MAX_VALUE - 64, size + 128));
    body.append("{\"status\":\"success\",\"stats\":").append(Json.write(stats)).append(",\"results\":[");
    for (int i = 0; i < rows.size(); i++) {
      if (i > 0) {
        body.append(',');
      }
      body.append(rows.get(i));
    }
    body.append("]}");
    return new Response(200, body.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** JSON value of a column: timestamps as ISO-8601 with Z, integers with every digit. */
  private static Object value(ResultSet rs, ResultSetMetaData md, int i) throws SQLException {
    switch (md.getColumnType(i)) {
      case Types.TIMESTAMP: {
        LocalDateTime t = rs.getObject(i, LocalDateTime.class);
        return t == null ? null : t.toInstant(ZoneOffset.UTC).toString();
      }
      case Types.TIMESTAMP_WITH_TIMEZONE: {
        OffsetDateTime t = rs.getObject(i, OffsetDateTime.class);
        return t == null ? null : t.toInstant().toString();
      }
      case Types.DATE: {
        LocalDate d = rs.getObject(i, LocalDate.class);
        return d == null ? null : d.toString();
      }
      case Types.BIGINT: {
        long v = rs.getLong(i);
        return rs.wasNull() ? null : v;
      }
      case Types.INTEGER:
      case Types.SMALLINT:
      case Types.TINYINT: {
        int v = rs.getInt(i);
        return rs.wasNull() ? null : v;
      }
      case Types.NUMERIC:
      case Types.DECIMAL: {
        BigDecimal v = rs.getBigDecimal(i);
        if (v == null) {
          return null;
        }
        return v.scale() <= 0 ? v.toBigIntegerExact() : v;
      }
      case Types.DOUBLE:
      case Types.FLOAT:
      case Types.REAL: {
        double v = rs.getDouble(i);
        return rs.wasNull() ? null : v;
      }
      case Types.BOOLEAN:
      case Types.BIT: {
        boolean v = rs.getBoolean(i);
        return rs.wasNull() ? null : v;
      }
      default:
        return rs.getString(i);
    }
  }

  /** The text a JSON parameter is pasted as: strings verbatim, numbers with every digit; null for arrays and objects. */
  private static String text(JsonNode v) {
    if (v.isNull()) {
      return "null";
    }
    if (v.isTextual()) {
      return v.asText();
    }
    if (v.isBoolean() || v.isIntegralNumber()) {
      return v.asText();
    }
    if (v.isNumber()) {
      return v.decimalValue().toPlainString();
    }
    return null;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
