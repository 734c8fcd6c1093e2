package dev.defilakehouse.common.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.defilakehouse.common.config.Interval;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Transpose SQL API ({@code POST <url>/sql}, key in {@code X-API-KEY}). Values only ever travel as
 * {@code {{name}}} parameters, which Transpose pastes into the SQL as text: every value is checked
 * against a strict form first ({@link SqlParameters}). Lending events are keyset-paginated by
 * (block_number, log_index); a page flagged {@code truncated} is fetched again with half the
 * limit, never accepted.
 */
public final class TransposeClient {
  public static final String SOURCE = "transpose";
  /** TransposeData/docs {@code docs/sql/response.md}: "If you are out of credits, you will receive a 403". */
  public static final String FORBIDDEN = "Transpose answers 403 when the API key's plan is out of credits;"
      + " add credits (or wait for the next billing period), then re-run";
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

  /**
   * One SQL request; the parameters must fit the SQL ({@link SqlParameters#checkAgainst}) or
   * nothing is sent. {@code status:error} bodies become {@link SourceException}s with the server's message.
   */
  public Page query(String sql, SqlParameters parameters, String what) {
    parameters.checkAgainst(sql);
    ObjectNode body = JsonText.MAPPER.createObjectNode();
    body.put("sql", sql);
    body.set("parameters", JsonText.MAPPER.valueToTree(parameters.values()));
    body.set("options", JsonText.MAPPER.createObjectNode());
    String request = request(sql, parameters.values());
    return http.postJson(url, Map.of("X-API-KEY", apiKey), body.toString(), what, b -> page(b, request, what));
  }

  /** The first block at or after {@code day}'s 00:00 UTC (and before the next day), if the chain has one. */
  public Optional<Row> firstBlockOfDay(LocalDate day) {
    SqlParameters parameters = new SqlParameters()
        .instant("day_start", Interval.startOfDay(day))
        .instant("day_end", Interval.startOfDay(day.plusDays(1)));
    String sql = "SELECT block_number, timestamp FROM ethereum.blocks"
        + " WHERE timestamp >= '{{day_start}}' AND timestamp < '{{day_end}}'"
        + " ORDER BY block_number ASC LIMIT 1";
    Page page = query(sql, parameters, "first block of " + day);
    if (page.truncated()) {
      throw new SourceException(SOURCE, "first block of " + day + ": a one-row result came back truncated");
    }
    return page.rows().stream().findFirst();
  }

  /**
   * Every lending event whose category is one of {@code categories} (each also in {@code known},
   * the fixed list of literals) for the protocols in {@code [start, end)}, ordered by
   * (block_number, log_index); {@code onPage} gets each accepted page's row count.
   */
  public List<Row> lendingEvents(List<String> categories, Set<String> known, boolean liquidation,
                                 List<ProtocolVersion> protocols, Instant start, Instant end, IntConsumer onPage) {
    String sql = lendingEventsSql(liquidation, categories.size(), protocols.size());
    SqlParameters base = new SqlParameters();
    for (int i = 0; i < categories.size(); i++) {
      base.word("category_" + i, categories.get(i), known);
    }
    protocolParameters(base, protocols).instant("start", start).instant("end", end);
    List<Row> rows = new ArrayList<>();
    long afterBlock = -1;
    long afterLogIndex = -1;
    int limit = pageSize;
    String kinds = String.join("/", categories);
    while (true) {
      SqlParameters parameters = base.copy().integer("after_block_number", afterBlock)
          .integer("after_log_index", afterLogIndex).integer("limit", limit);
      String what = kinds + " events " + start + ".." + end + " after (" + afterBlock + ", " + afterLogIndex
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

  /**
   * How many lending events of each category the protocols have in {@code [start, end)}: one
   * request, so a job can see categories it does not read (an unknown literal) instead of reading
   * zero rows without knowing.
   */
  public Map<String, Long> categoryCounts(List<ProtocolVersion> protocols, Instant start, Instant end) {
    SqlParameters parameters = protocolParameters(new SqlParameters(), protocols).instant("start", start)
        .instant("end", end);
    String sql = "SELECT category, COUNT(*) AS events FROM ethereum.lending_events"
        + " WHERE (" + protocolFilter(protocols.size()) + ")"
        + " AND timestamp >= '{{start}}' AND timestamp < '{{end}}'"
        + " GROUP BY category ORDER BY category";
    String what = "lending event categories " + start + ".." + end;
    Page page = query(sql, parameters, what);
    if (page.truncated()) {
      throw new SourceException(SOURCE, what + ": a per-category count came back truncated");
    }
    Map<String, Long> counts = new TreeMap<>();
    for (Row row : page.rows()) {
      Long n = JsonText.longValue(row.fields(), "events");
      counts.merge(String.valueOf(JsonText.text(row.fields(), "category")), n == null ? 0L : n, Long::sum);
    }
    return counts;
  }

  private static SqlParameters protocolParameters(SqlParameters parameters, List<ProtocolVersion> protocols) {
    for (int i = 0; i < protocols.size(); i++) {
      parameters.word("protocol_name_" + i, protocols.get(i).protocolName(), ProtocolVersion.PROTOCOL_NAMES)
          .word("contract_version_" + i, protocols.get(i).contractVersion(), ProtocolVersion.CONTRACT_VERSIONS);
    }
    return parameters;
  }

  private static String protocolFilter(int protocolCount) {
    StringBuilder filter = new StringBuilder();
    for (int i = 0; i < protocolCount; i++) {
      filter.append(i == 0 ? "" : " OR ").append("(protocol_name = '{{protocol_name_").append(i)
          .append("}}' AND contract_version = '{{contract_version_").append(i).append("}}')");
    }
    return filter.toString();
  }

  /** Keyset pagination over (block_number, log_index); text values quoted in the SQL, integers bare. */
  static String lendingEventsSql(boolean liquidation, int categoryCount, int protocolCount) {
    StringBuilder categories = new StringBuilder();
    for (int i = 0; i < categoryCount; i++) {
      categories.append(i == 0 ? "" : ", ").append("'{{category_").append(i).append("}}'");
    }
    return "SELECT timestamp, block_number, log_index, transaction_hash, protocol_name, contract_version,"
        + " market_address, token_address, category, account_address, sender_address, quantity"
        + (liquidation ? ", liquidator_address, liquidated_token_address, quantity_liquidated" : "")
        + " FROM ethereum.lending_events"
        + " WHERE category IN (" + categories + ")"
        + " AND (" + protocolFilter(protocolCount) + ")"
        + " AND timestamp >= '{{start}}' AND timestamp < '{{end}}'"
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
