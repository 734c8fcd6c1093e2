package dev.defilakehouse.common.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.defilakehouse.common.config.Secrets;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subgraph deployment behind The Graph gateway ({@code <url>/api/<key>/subgraphs/id/<id>}).
 * Snapshots are paginated with {@code where:{id_gt:$lastId}} ordered by id, every page pinned to
 * the same {@code block:{number:$block}}; each entity comes back as its verbatim JSON text.
 */
public final class SubgraphClient {
  public static final String SOURCE = "the_graph";
  private static final Logger LOG = LoggerFactory.getLogger(SubgraphClient.class);

  /** The Messari lending entities the raw layer snapshots, with the fields docs/tables.md lists. */
  public enum Entity {
    MARKETS("markets", "", "id name liquidationThreshold maximumLTV inputToken { id symbol decimals } inputTokenPriceUSD",
        Map.of("Market", List.of("id", "name", "liquidationThreshold", "maximumLTV", "inputToken", "inputTokenPriceUSD"),
            "Token", List.of("id", "symbol", "decimals"))),
    // Closed positions stay in the subgraph with balance 0; a snapshot holds only what is open.
    POSITIONS("positions", ", balance_not: \"0\"", "id account { id } market { id } side isCollateral balance",
        Map.of("Position", List.of("id", "account", "market", "side", "isCollateral", "balance"),
            "Account", List.of("id"), "Market", List.of("id")));

    private final String field;
    private final String filter;
    private final String selection;
    private final Map<String, List<String>> fieldsByType;

    Entity(String field, String filter, String selection, Map<String, List<String>> fieldsByType) {
      this.field = field;
      this.filter = filter;
      this.selection = selection;
      this.fieldsByType = fieldsByType;
    }

    public String field() {
      return field;
    }

    /** The schema types and fields the selection reads: what {@link #checkSchema} requires. */
    public Map<String, List<String>> fieldsByType() {
      return fieldsByType;
    }

    /** Pagination as The Graph documents it: id_gt the last id of the previous page, ordered by id. */
    public String query() {
      return "query Page($block: Int!, $first: Int!, $lastId: String!) { " + field
          + "(block: {number: $block}, first: $first, orderBy: id, orderDirection: asc, where: {id_gt: $lastId" + filter + "}) { "
          + selection + " } }";
    }

    /** The same pagination inside an id range {@code [from, before)} ({@code before} null: no upper end). */
    public String query(IdSlice slice) {
      if (slice.isAll()) {
        return query();
      }
      boolean bounded = slice.before() != null;
      return "query Page($block: Int!, $first: Int!, $lastId: String!, $from: String!"
          + (bounded ? ", $before: String!" : "") + ") { " + field
          + "(block: {number: $block}, first: $first, orderBy: id, orderDirection: asc, where: {id_gt: $lastId,"
          + " id_gte: $from" + (bounded ? ", id_lt: $before" : "") + filter + "}) { " + selection + " } }";
    }
  }

  /**
   * A range of entity ids {@code [from, before)}; {@code before} null means no upper end. Slices
   * from {@link #idSlices} cover every string exactly once, so paging them concurrently fetches
   * each entity once.
   */
  public record IdSlice(String from, String before) {
    public static final IdSlice ALL = new IdSlice("", null);

    boolean isAll() {
      return from.isEmpty() && before == null;
    }
  }

  /**
   * {@code n} id ranges split at {@code 0x<two hex digits>} (Messari ids start with a 0x address, so
   * the ranges hold about equal shares; two digits keep a boundary valid where ids are Bytes); n is
   * 1, 2, 4, 8 or 16. The first starts at "" and the last has no end, so ids of any shape fall in
   * exactly one.
   */
  public static List<IdSlice> idSlices(int n) {
    if (n != 1 && n != 2 && n != 4 && n != 8 && n != 16) {
      throw new IllegalArgumentException("--option " + SourceClients.SUBGRAPH_ID_SLICES
          + " must be 1, 2, 4, 8 or 16 (id ranges split at 0x<two hex digits>), was " + n);
    }
    List<IdSlice> slices = new ArrayList<>();
    String from = "";
    for (int i = 1; i < n; i++) {
      String boundary = String.format("0x%02x", i * 256 / n);
      slices.add(new IdSlice(from, boundary));
      from = boundary;
    }
    slices.add(new IdSlice(from, null));
    return slices;
  }

  public static final String META_QUERY = "{ _meta { block { number hash timestamp } hasIndexingErrors } }";

  /**
   * One request that shows what a deployment serves: its indexing head and deployment hash
   * ({@code _meta}), and by introspection every type's fields and enum values. One {@code __schema}
   * rather than several {@code __type}: servers may refuse repeated introspection fields.
   */
  public static final String SCHEMA_QUERY = "{ _meta { deployment hasIndexingErrors block { number } }"
      + " __schema { queryType { name } types { name fields { name } enumValues { name } } } }";
  /** Messari's protocol entity carries the schema version (messari/subgraphs {@code schema-lending.graphql}). */
  public static final String VERSION_QUERY = "{ lendingProtocols(first: 1) { schemaVersion subgraphVersion } }";
  /** Position sides stage understands (SPEC §7: COLLATERAL/BORROWER in aave-forks, LENDER/BORROWER in compound-forks). */
  public static final List<String> KNOWN_SIDES = List.of("LENDER", "COLLATERAL", "BORROWER");
  /** Schema majors the lakehouse was checked against: compound-forks 2.0.1, aave-forks 3.1.0. */
  public static final List<String> VERIFIED_SCHEMA_MAJORS = List.of("2", "3");

  /** What a deployment said about itself: the deployment hash, its schema version and head. */
  public record SchemaInfo(String deployment, String schemaVersion, String subgraphVersion, long headBlock,
                           boolean hasIndexingErrors) {}

  /** What {@code _meta} says about the deployment's indexing head. */
  public record Meta(long blockNumber, String blockHash, Long blockTimestamp, boolean hasIndexingErrors) {}

  /** One entity: its id, its JSON exactly as received, and the request (JSON, no key) it came from. */
  public record Record(String id, String payload, String request) {}

  private final SourceHttp http;
  private final String url;
  private final String protocol;
  private final String deploymentId;
  private final int pageSize;

  public SubgraphClient(SourceHttp http, String baseUrl, String apiKey, String protocol, String deploymentId,
                        int pageSize) {
    if (pageSize < 1 || pageSize > 1000) {
      throw new IllegalArgumentException("--option subgraph.page_size must be between 1 and 1000 (The Graph's limit), was "
          + pageSize);
    }
    if (deploymentId == null || deploymentId.isBlank()) {
      throw new IllegalArgumentException("no subgraph deployment id for " + protocol
          + ": set --option subgraph.deployment." + protocol + "=<id>");
    }
    this.http = http;
    this.url = stripSlash(baseUrl) + "/api/" + apiKey + "/subgraphs/id/" + deploymentId;
    this.protocol = protocol;
    this.deploymentId = deploymentId;
    this.pageSize = pageSize;
  }

  public String protocol() {
    return protocol;
  }

  public Meta meta() {
    String body = body(META_QUERY, Map.of());
    JsonNode data = http.postJson(url, Map.of(), body, protocol + " _meta", b -> data(b, protocol + " _meta"));
    JsonNode meta = data.path("_meta");
    Long number = JsonText.longValue(meta.path("block"), "number");
    if (number == null) {
      throw new SourceException(SOURCE, "subgraph " + protocol + " (deployment " + deploymentId
          + ") answered _meta without block.number: " + JsonText.start(meta.toString()));
    }
    return new Meta(number, JsonText.text(meta.path("block"), "hash"), JsonText.longValue(meta.path("block"), "timestamp"),
        meta.path("hasIndexingErrors").asBoolean(false));
  }

  /** Fails with a clear message when the deployment has not indexed {@code block} yet. */
  public Meta requireIndexed(long block, String snapshot) {
    Meta meta = meta();
    if (meta.blockNumber() < block) {
      throw new SourceException(SOURCE, "subgraph " + protocol + " (deployment " + deploymentId
          + ") has indexed only up to block " + meta.blockNumber() + " but the snapshot of " + snapshot
          + " needs block " + block + ": wait until the deployment has caught up, then re-run");
    }
    if (meta.hasIndexingErrors()) {
      LOG.warn("subgraph {} (deployment {}) reports indexing errors; its data at block {} may be incomplete",
          protocol, deploymentId, block);
    }
    return meta;
  }

  /**
   * Fails with a message naming the deployment, its schema version and what is missing when the
   * deployment lacks a type, field or position side the snapshots of {@code entities} read (an
   * upgraded schema); warns when its schema major was never checked here.
   */
  public SchemaInfo checkSchema(List<Entity> entities) {
    JsonNode data = http.postJson(url, Map.of(), body(SCHEMA_QUERY, Map.of()), protocol + " schema",
        b -> data(b, protocol + " schema"));
    JsonNode meta = data.path("_meta");
    Map<String, JsonNode> types = new java.util.HashMap<>();
    data.path("__schema").path("types").forEach(t -> types.put(t.path("name").asText(), t));
    String queryType = data.path("__schema").path("queryType").path("name").asText("Query");
    Set<String> queryFields = names(types.getOrDefault(queryType, JsonText.MAPPER.createObjectNode()).path("fields"));
    String schemaVersion = null;
    String subgraphVersion = null;
    if (queryFields.contains("lendingProtocols")) {
      JsonNode versions = http.postJson(url, Map.of(), body(VERSION_QUERY, Map.of()), protocol + " schema version",
          b -> data(b, protocol + " schema version")).path("lendingProtocols").path(0);
      schemaVersion = JsonText.text(versions, "schemaVersion");
      subgraphVersion = JsonText.text(versions, "subgraphVersion");
    }
    String deployment = JsonText.text(meta, "deployment");
    String describe = "subgraph " + protocol + " (id " + deploymentId + ", deployment " + deployment + ", schema "
        + (schemaVersion == null ? "version unknown" : schemaVersion) + ")";
    List<String> missing = new ArrayList<>();
    for (Entity entity : entities) {
      if (!queryFields.contains(entity.field())) {
        missing.add("Query." + entity.field());
      }
      for (Map.Entry<String, List<String>> type : new java.util.TreeMap<>(entity.fieldsByType()).entrySet()) {
        Set<String> fields = names(types.getOrDefault(type.getKey(), JsonText.MAPPER.createObjectNode()).path("fields"));
        for (String field : type.getValue()) {
          String name = type.getKey() + "." + field;
          if (!fields.contains(field) && !missing.contains(name)) {
            missing.add(name);
          }
        }
      }
    }
    if (!missing.isEmpty()) {
      throw new SourceException(SOURCE, describe + " does not serve " + missing + ", which the raw snapshots read:"
          + " the deployment's schema changed. Check messari/subgraphs for the new schema, adapt"
          + " SubgraphClient.Entity and stage, or pin --option subgraph.deployment." + protocol + " to a deployment"
          + " with the old schema");
    }
    if (entities.contains(Entity.POSITIONS)) {
      Set<String> sides = names(types.getOrDefault("PositionSide", JsonText.MAPPER.createObjectNode())
          .path("enumValues"));
      Set<String> unknown = new java.util.TreeSet<>(sides);
      unknown.removeAll(KNOWN_SIDES);
      if (sides.isEmpty() || !unknown.isEmpty()) {
        throw new SourceException(SOURCE, describe + " has position sides " + sides + "; stage understands "
            + KNOWN_SIDES + ": adapt AccountPositionsStage before reading it");
      }
    }
    String major = schemaVersion == null ? null : schemaVersion.split("\\.")[0];
    if (major == null || !VERIFIED_SCHEMA_MAJORS.contains(major)) {
      LOG.warn("{} serves every field the snapshots read, but its schema version was never checked here"
          + " (checked: {}.x); compare its schema with docs/tables.md", describe, VERIFIED_SCHEMA_MAJORS);
    }
    Long head = JsonText.longValue(meta.path("block"), "number");
    return new SchemaInfo(deployment, schemaVersion, subgraphVersion, head == null ? -1 : head,
        meta.path("hasIndexingErrors").asBoolean(false));
  }

  private static Set<String> names(JsonNode array) {
    Set<String> names = new java.util.LinkedHashSet<>();
    array.forEach(n -> names.add(n.path("name").asText()));
    return names;
  }

  /** Every entity at {@code block}, page by page; {@code onPage} gets each page's row count. */
  public List<Record> fetchAll(Entity entity, long block, IntConsumer onPage) {
    return fetchSlice(entity, block, IdSlice.ALL, onPage);
  }

  /** Every entity at {@code block} whose id is in {@code slice}, page by page. */
  public List<Record> fetchSlice(Entity entity, long block, IdSlice slice, IntConsumer onPage) {
    List<Record> records = new ArrayList<>();
    String query = entity.query(slice);
    String lastId = "";
    while (true) {
      Map<String, Object> variables = new java.util.LinkedHashMap<>();
      variables.put("block", block);
      variables.put("first", pageSize);
      variables.put("lastId", lastId);
      if (!slice.isAll()) {
        variables.put("from", slice.from());
        if (slice.before() != null) {
          variables.put("before", slice.before());
        }
      }
      String request = request(entity, query, variables);
      String what = protocol + " " + entity.field() + " at block " + block + " after id '" + lastId + "'"
          + (slice.isAll() ? "" : " in ids [" + slice.from() + ", "
              + (slice.before() == null ? "end" : slice.before()) + ")");
      List<String> page = http.postJson(url, Map.of(), body(query, variables), what,
          b -> entities(b, entity, what));
      for (String payload : page) {
        String id = idOf(payload, what);
        if (id.compareTo(lastId) <= 0) {
          throw new SourceException(SOURCE, what + ": the subgraph returned id '" + id
              + "' not after the previous page's last id; pagination would not terminate");
        }
        lastId = id;
        records.add(new Record(id, payload, request));
      }
      onPage.accept(page.size());
      if (page.size() < pageSize) {
        return records;
      }
    }
  }

  /** {@code data} of a GraphQL response; {@code errors} fail (transient ones are retried). */
  private JsonNode data(String body, String what) throws RetryableFault {
    JsonNode root = JsonText.parseObject(body, what);
    JsonNode errors = root.path("errors");
    if (errors.isArray() && errors.size() > 0) {
      List<String> messages = new ArrayList<>();
      errors.forEach(e -> messages.add(e.path("message").asText(e.toString())));
      String joined = String.join("; ", messages);
      if (joined.toLowerCase(Locale.ROOT).contains("auth error")) {
        // the gateway answers a bad key with HTTP 200 and only an error (graphprotocol/gateway-x#965)
        throw new SourceAuthException(SOURCE, 200, "The Graph gateway rejected the API key for "
            + http.describe(url, what) + ": " + http.masker().mask(joined) + "; set the environment variable "
            + Secrets.SUBGRAPH_API_KEY + " to a valid gateway key");
      }
      if (isTransient(joined)) {
        throw new RetryableFault("graphql_transient", "GraphQL errors: " + joined);
      }
      throw new SourceException(SOURCE, -1, "subgraph " + protocol + " rejected the query " + what + ": "
          + http.masker().mask(joined), null);
    }
    JsonNode data = root.path("data");
    if (!data.isObject()) {
      throw new RetryableFault("malformed_json", what + " returned no data object: " + JsonText.start(body));
    }
    return data;
  }

  private List<String> entities(String body, Entity entity, String what) throws RetryableFault {
    data(body, what);
    try {
      List<String> elements = JsonText.arrayElements(body, "data", entity.field());
      if (elements == null) {
        throw new RetryableFault("malformed_json", what + " returned no '" + entity.field() + "' array: "
            + JsonText.start(body));
      }
      return elements;
    } catch (IOException e) {
      throw new RetryableFault("malformed_json", what + " returned malformed JSON: " + e.getMessage());
    }
  }

  private String idOf(String payload, String what) {
    try {
      String id = JsonText.text(JsonText.MAPPER.readTree(payload), "id");
      if (id == null) {
        throw new SourceException(SOURCE, what + ": an entity without id: " + JsonText.start(payload));
      }
      return id;
    } catch (IOException e) {
      throw new SourceException(SOURCE, what + ": unreadable entity " + JsonText.start(payload));
    }
  }

  /**
   * Gateway and indexer hiccups worth another attempt; anything else (validation, unknown fields,
   * a block not indexed) is the query's fault and fails at once.
   */
  static boolean isTransient(String message) {
    String m = message.toLowerCase(Locale.ROOT);
    return m.contains("bad indexers") || m.contains("indexing") || m.contains("timeout") || m.contains("timed out")
        || m.contains("unavailable") || m.contains("too many") || m.contains("rate limit") || m.contains("overloaded")
        || m.contains("try again") || m.contains("internal error") || m.contains("no suitable indexer");
  }

  private String body(String query, Map<String, Object> variables) {
    ObjectNode body = JsonText.MAPPER.createObjectNode();
    body.put("query", query);
    body.set("variables", JsonText.MAPPER.valueToTree(variables));
    return body.toString();
  }

  /** The {@code request} column: source, endpoint, query and variables, never the key. */
  private String request(Entity entity, String query, Map<String, Object> variables) {
    ObjectNode request = JsonText.MAPPER.createObjectNode();
    request.put("source", SOURCE);
    request.put("endpoint", "subgraphs/id/" + deploymentId);
    request.put("protocol", protocol);
    request.put("entity", entity.field());
    request.put("query", query);
    request.set("variables", JsonText.MAPPER.valueToTree(variables));
    return request.toString();
  }

  static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
