package dev.defilakehouse.common.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.defilakehouse.common.config.Interval;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Transpose SQL API ({@code POST <url>/sql}, key in {@code X-API-KEY}). Values only ever travel as
 * {@code {{name}}} parameters. Lending events are keyset-paginated by (block_number, log_index); a
 * page flagged {@code truncated} is fetched again with half the limit, never accepted.
 */
public final class TransposeClient {
  public static final String SOURCE = "transpose";
  private static final Logger LOG = LoggerFactory.getLogger(TransposeClient.class);

  /** One result row: verbatim JSON, its parsed form for key extraction, and the request (no key). */
  public record Row(String payload, JsonNode fields, String request) {}

  /** One response: its rows and whether the server cut the result short. */
  public record Page(List<Row> rows, boolean truncated) {}

  private final SourceHttp http;
  private final String url;
  private final String apiKey;
  private final int pageSize;

  public TransposeClient(SourceHttp http, String baseUrl, String apiKey, int pageSize) {
    if (pageSize < 1) {
      throw new IllegalArgumentException("--option transpose.page_size must be at least 1, was " + pageSize);
    }
    this.http = http;
    this.url = SubgraphClient.stripSlash(baseUrl) + "/sql";
    this.apiKey = apiKey;
    this.pageSize = pageSize;
  }

  /** One SQL request; {@code status:error} bodies become {@link SourceException}s with the server's message. */
  public Page query(String sql, Map<String, Object> parameters, String what) {
    ObjectNode body = JsonText.MAPPER.createObjectNode();
    body.put("sql", sql);
    body.set("parameters", JsonText.MAPPER.valueToTree(parameters));
    body.set("options", JsonText.MAPPER.createObjectNode());
    String request = request(sql, parameters);
    return http.postJson(url, Map.of("X-API-KEY", apiKey), body.toString(), what, b -> page(b, request, what));
  }

  /** The first block at or after {@code day}'s 00:00 UTC (and before the next day), if the chain has one. */
  public Optional<Row> firstBlockOfDay(LocalDate day) {
    Map<String, Object> parameters = new LinkedHashMap<>();
    parameters.put("day_start", Interval.startOfDay(day).toString());
    parameters.put("day_end", Interval.startOfDay(day.plusDays(1)).toString());
    String sql = "SELECT block_number, timestamp FROM ethereum.blocks"
        + " WHERE timestamp >= {{day_start}} AND timestamp < {{day_end}}"
        + " ORDER BY block_number ASC LIMIT 1";
    Page page = query(sql, parameters, "first block of " + day);
    if (page.truncated()) {
      throw new SourceException(SOURCE, "first block of " + day + ": a one-row result came back truncated");
    }
    return page.rows().stream().findFirst();
  }

  /**
   * Every lending event of {@code category} for the protocols in {@code [start, end)}, ordered by
   * (block_number, log_index); {@code onPage} gets each accepted page's row count.
   */
  public List<Row> lendingEvents(String category, boolean liquidation, List<ProtocolVersion> protocols,
                                 Instant start, Instant end, IntConsumer onPage) {
    String sql = lendingEventsSql(liquidation, protocols.size());
    Map<String, Object> base = new LinkedHashMap<>();
    base.put("category", category);
    for (int i = 0; i < protocols.size(); i++) {
      base.put("protocol_name_" + i, protocols.get(i).protocolName());
      base.put("contract_version_" + i, protocols.get(i).contractVersion());
    }
    base.put("start", start.toString());
    base.put("end", end.toString());
    List<Row> rows = new ArrayList<>();
    long afterBlock = -1;
    long afterLogIndex = -1;
    int limit = pageSize;
    while (true) {
      Map<String, Object> parameters = new LinkedHashMap<>(base);
      parameters.put("after_block_number", afterBlock);
      parameters.put("after_log_index", afterLogIndex);
      parameters.put("limit", limit);
      String what = category + " events " + start + ".." + end + " after (" + afterBlock + ", " + afterLogIndex
          + ") limit " + limit;
      Page page = query(sql, parameters, what);
      if (page.truncated()) {
        if (limit == 1) {
          throw new SourceException(SOURCE, what + ": even a single-row page came back truncated");
        }
        http.stats().fault("truncated_page");
        limit = Math.max(1, limit / 2);
        LOG.warn("transpose page truncated ({}); fetching it again with limit {}", what, limit);
        continue;
      }
      for (Row row : page.rows()) {
        Long block = JsonText.longValue(row.fields(), "block_number");
        Long logIndex = JsonText.longValue(row.fields(), "log_index");
        if (block == null || logIndex == null) {
          throw new SourceException(SOURCE, what + ": a row without block_number/log_index cannot be paginated: "
              + JsonText.start(row.payload()));
        }
        if (block < afterBlock || (block == afterBlock && logIndex <= afterLogIndex)) {
          throw new SourceException(SOURCE, what + ": rows are not in (block_number, log_index) order after the"
              + " cursor; got (" + block + ", " + logIndex + ")");
        }
        afterBlock = block;
        afterLogIndex = logIndex;
        rows.add(row);
      }
      onPage.accept(page.rows().size());
      if (page.rows().size() < limit) {
        return rows;
      }
    }
  }

  /** Keyset pagination over (block_number, log_index); every value is a {{parameter}}. */
  static String lendingEventsSql(boolean liquidation, int protocolCount) {
    StringBuilder protocolFilter = new StringBuilder();
    for (int i = 0; i < protocolCount; i++) {
      protocolFilter.append(i == 0 ? "" : " OR ").append("(protocol_name = {{protocol_name_").append(i)
          .append("}} AND contract_version = {{contract_version_").append(i).append("}})");
    }
    return "SELECT timestamp, block_number, log_index, transaction_hash, protocol_name, contract_version,"
        + " market_address, token_address, category, account_address, sender_address, quantity"
        + (liquidation ? ", liquidator_address, liquidated_token_address, quantity_liquidated" : "")
        + " FROM ethereum.lending_events"
        + " WHERE category = {{category}}"
        + " AND (" + protocolFilter + ")"
        + " AND timestamp >= {{start}} AND timestamp < {{end}}"
        + " AND (block_number > {{after_block_number}}"
        + " OR (block_number = {{after_block_number}} AND log_index > {{after_log_index}}))"
        + " ORDER BY block_number ASC, log_index ASC"
        + " LIMIT {{limit}}";
  }

  private Page page(String body, String request, String what) throws RetryableFault {
    JsonNode root = JsonText.parseObject(body, what);
    String status = root.path("status").asText("");
    if (!"success".equals(status)) {
      String message = root.path("message").asText("status '" + status + "' without message");
      if (message.toLowerCase(Locale.ROOT).contains("timeout") || message.toLowerCase(Locale.ROOT).contains("timed out")) {
        throw new RetryableFault("query_timeout", "Transpose: " + message);
      }
      throw new SourceException(SOURCE, -1, "transpose rejected " + http.describe(url, what) + ": "
          + http.masker().mask(message), null);
    }
    boolean truncated = root.path("stats").path("truncated").asBoolean(false);
    try {
      List<String> elements = JsonText.arrayElements(body, "results");
      if (elements == null) {
        throw new RetryableFault("malformed_json", what + " returned no 'results' array: " + JsonText.start(body));
      }
      List<Row> rows = new ArrayList<>(elements.size());
      for (String element : elements) {
        rows.add(new Row(element, JsonText.MAPPER.readTree(element), request));
      }
      return new Page(rows, truncated);
    } catch (IOException e) {
      throw new RetryableFault("malformed_json", what + " returned malformed JSON: " + e.getMessage());
    }
  }

  /** The {@code request} column: source, endpoint, SQL and parameters, never the key. */
  private static String request(String sql, Map<String, Object> parameters) {
    ObjectNode request = JsonText.MAPPER.createObjectNode();
    request.put("source", SOURCE);
    request.put("endpoint", "sql");
    request.put("sql", sql);
    request.set("parameters", JsonText.MAPPER.valueToTree(parameters));
    return request.toString();
  }
}
