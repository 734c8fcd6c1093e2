package dev.defilakehouse.sandbox;

import graphql.ExecutionInput;
import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
import graphql.ParseAndValidate;
import graphql.validation.rules.VariableTypesMatch;
import graphql.execution.DataFetcherResult;
import graphql.schema.DataFetcher;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.TypeDefinitionRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * One Messari lending subgraph deployment, answered by graphql-java over the simulation with the
 * schema of its fork ({@link Protocol.Fork}: Bytes ids and COLLATERAL in aave-forks 3.1.0, ID ids
 * and LENDER in compound-forks 2.0.1): the real argument limits (first ≤ 1000, skip ≤ 5000),
 * {@code block: {number}} time travel up to the indexed head (a market exists from its listing
 * block on), {@code _meta} with a deployment hash, {@code lendingProtocols} with the schema
 * version, introspection, and errors as The Graph renders them ({@code {"errors":[{"message":...}]}}).
 */
final class SubgraphService {
  static final int MAX_FIRST = 1000;
  static final int MAX_SKIP = 5000;

  private final Simulation sim;
  private final Protocol protocol;
  private final String deploymentId;
  private final GraphQL graphQL;

  /** A query failed with a message The Graph would give. */
  private static final class QueryError extends RuntimeException {
    QueryError(String message) { super(message, null, false, false); }
  }

  SubgraphService(Simulation sim, Protocol protocol, String deploymentId) {
    this.sim = sim;
    this.protocol = protocol;
    this.deploymentId = deploymentId;
    this.graphQL = GraphQL.newGraphQL(schema()).build();
  }

  private GraphQLSchema schema() {
    String sdl;
    try (InputStream in = SubgraphService.class.getResourceAsStream(protocol.fork().schemaResource)) {
      sdl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the subgraph schema resource " + protocol.fork().schemaResource, e);
    }
    TypeDefinitionRegistry types = new SchemaParser().parse(sdl);
    RuntimeWiring wiring = RuntimeWiring.newRuntimeWiring()
        .scalar(SubgraphScalars.BIG_INT)
        .scalar(SubgraphScalars.BIG_DECIMAL)
        .scalar(SubgraphScalars.BYTES)
        .type("Query", t -> t
            .dataFetcher("markets", guarded(this::markets))
            .dataFetcher("market", guarded(this::market))
            .dataFetcher("positions", guarded(this::positions))
            .dataFetcher("lendingProtocols", guarded(this::lendingProtocols))
            .dataFetcher("_meta", guarded(this::meta)))
        .build();
    return new SchemaGenerator().makeExecutableSchema(types, wiring);
  }

  /**
   * Executes one request body ({@code {"query", "variables", "operationName"}}) and returns the
   * response object: {@code {"data": ...}} or, as graph-node does, only {@code {"errors": [...]}}.
   */
  Map<String, Object> execute(String query, Map<String, Object> variables, String operationName) {
    ExecutionInput.Builder input = ExecutionInput.newExecutionInput().query(query == null ? "" : query)
        .variables(variables == null ? Map.of() : variables)
        // graph-node accepts a String variable where the schema says ID (clients page with
        // `$lastId: String!`), so the strict variable-type rule stays off here too.
        .graphQLContext(Map.of(ParseAndValidate.INTERNAL_VALIDATION_PREDICATE_HINT,
            (Predicate<Class<?>>) rule -> rule != VariableTypesMatch.class));
    if (operationName != null) {
      input.operationName(operationName);
    }
    ExecutionResult result = graphQL.execute(input.build());
    if (!result.getErrors().isEmpty()) {
      List<Map<String, Object>> errors = new ArrayList<>();
      for (GraphQLError e : result.getErrors()) {
        errors.add(error(e.getMessage()));
      }
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("errors", errors);
      return out;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("data", result.getData());
    return out;
  }

  static Map<String, Object> error(String message) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("message", message);
    return e;
  }

  private DataFetcher<Object> guarded(DataFetcher<Object> fetcher) {
    return env -> {
      try {
        return fetcher.get(env);
      } catch (QueryError e) {
        return DataFetcherResult.newResult()
            .error(GraphqlErrorBuilder.newError(env).message(e.getMessage()).build()).build();
      }
    };
  }

  // ---- fetchers -----------------------------------------------------------------------------

  private Object markets(DataFetchingEnvironment env) {
    long block = block(env);
    int first = range(env, "first", 100, MAX_FIRST);
    int skip = range(env, "skip", 0, MAX_SKIP);
    Map<String, Object> where = env.getArgumentOrDefault("where", Map.of());
    List<Market> ms = sim.marketsAt(protocol.id(), block);
    Predicate<String> idFilter = idFilter(where);
    List<Object> out = new ArrayList<>();
    boolean desc = "desc".equals(env.getArgument("orderDirection"));
    List<Market> ordered = new ArrayList<>(ms);
    if (desc) {
      java.util.Collections.reverse(ordered);
    }
    int skipped = 0;
    for (Market m : ordered) {
      if (!idFilter.test(m.id())) {
        continue;
      }
      if (skipped++ < skip) {
        continue;
      }
      if (out.size() >= first) {
        break;
      }
      out.add(SubgraphValues.market(sim, m, block, true));
    }
    return out;
  }

  private Object market(DataFetchingEnvironment env) {
    long block = block(env);
    String id = env.getArgument("id");
    Market m = id == null ? null : sim.market(protocol.id(), id.toLowerCase(java.util.Locale.ROOT));
    return m == null || !m.listedAt(block) ? null : SubgraphValues.market(sim, m, block, true);
  }

  private Object positions(DataFetchingEnvironment env) {
    long block = block(env);
    int first = range(env, "first", 100, MAX_FIRST);
    int skip = range(env, "skip", 0, MAX_SKIP);
    Map<String, Object> where = env.getArgumentOrDefault("where", Map.of());
    boolean desc = "desc".equals(env.getArgument("orderDirection"));
    Predicate<Position> filter = positionFilter(where);
    List<Position> all = sim.positionsAt(protocol.id(), block);
    Map<String, Map<String, Object>> marketMaps = new HashMap<>();
    List<Object> out = new ArrayList<>();
    int skipped = 0;
    int start = desc ? all.size() - 1 : 0;
    String idGt = (String) where.get("id_gt");
    if (!desc && idGt != null) {
      start = firstAfter(all, idGt); // keyset pages start where the last one ended
    }
    for (int i = start; desc ? i >= 0 : i < all.size(); i += desc ? -1 : 1) {
      Position p = all.get(i);
      if (!filter.test(p)) {
        continue;
      }
      if (skipped++ < skip) {
        continue;
      }
      if (out.size() >= first) {
        break;
      }
      Map<String, Object> market = marketMaps.computeIfAbsent(p.market().id(),
          id -> SubgraphValues.market(sim, p.market(), block, true));
      out.add(SubgraphValues.position(p, market, true));
    }
    return out;
  }

  private Object meta(DataFetchingEnvironment env) {
    long block = block(env);
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("number", block);
    b.put("hash", sim.blockHash(block));
    b.put("timestamp", sim.blockTimestamp(block).getEpochSecond());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("block", b);
    out.put("deployment", deploymentHash(protocol));
    out.put("hasIndexingErrors", false);
    return out;
  }

  private Object lendingProtocols(DataFetchingEnvironment env) {
    block(env);
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("id", protocol.protocolAddress());
    p.put("name", protocol.displayName());
    p.put("slug", protocol.id().replace('_', '-') + "-ethereum");
    p.put("schemaVersion", protocol.schemaVersion());
    p.put("subgraphVersion", protocol.subgraphVersion());
    p.put("methodologyVersion", protocol.methodologyVersion());
    int skip = range(env, "skip", 0, MAX_SKIP);
    range(env, "first", 100, MAX_FIRST);
    return skip > 0 ? List.of() : List.of(p);
  }

  /**
   * {@code _meta.deployment} is the IPFS hash of the deployment the subgraph id currently points
   * at (a {@code Qm...} hash), not the id in the URL: a new version of the subgraph shows here.
   */
  static String deploymentHash(Protocol protocol) {
    String alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    long state = Hex.mix(protocol.ordinal() * 0x9e3779b97f4a7c15L ^ protocol.subgraphVersion().hashCode());
    StringBuilder hash = new StringBuilder("Qm");
    for (int i = 0; i < 44; i++) {
      state = Hex.mix(state + i);
      hash.append(alphabet.charAt((int) Math.floorMod(state, (long) alphabet.length())));
    }
    return hash.toString();
  }

  // ---- arguments ----------------------------------------------------------------------------

  private long block(DataFetchingEnvironment env) {
    Map<String, Object> block = env.getArgument("block");
    long head = sim.headBlock();
    if (block == null) {
      return head;
    }
    if (block.get("hash") != null) {
      throw new QueryError("Not supported: querying by block hash; pin pages with block: {number: N}");
    }
    Object number = block.get("number") != null ? block.get("number") : block.get("number_gte");
    if (number == null) {
      return head;
    }
    long n = ((Number) number).longValue();
    if (n > head) {
      throw new QueryError("Failed to decode `block.number` value: `subgraph " + deploymentId
          + " has only indexed up to block number " + head + " and data for block number " + n
          + " is therefore not yet available`");
    }
    return block.get("number") != null ? n : head;
  }

  private static int range(DataFetchingEnvironment env, String name, int dflt, int max) {
    Integer v = env.getArgument(name);
    int value = v == null ? dflt : v;
    if (value < 0 || value > max) {
      throw new QueryError("The `" + name + "` argument must be between 0 and " + max + ", but is " + value);
    }
    return value;
  }

  @SuppressWarnings("unchecked")
  private static Predicate<String> idFilter(Map<String, Object> where) {
    String id = (String) where.get("id");
    String gt = (String) where.get("id_gt");
    String gte = (String) where.get("id_gte");
    String lt = (String) where.get("id_lt");
    List<String> in = (List<String>) where.get("id_in");
    Set<String> inSet = in == null ? null : new HashSet<>(in);
    return s -> (id == null || s.equals(id)) && (gt == null || s.compareTo(gt) > 0)
        && (gte == null || s.compareTo(gte) >= 0) && (lt == null || s.compareTo(lt) < 0)
        && (inSet == null || inSet.contains(s));
  }

  @SuppressWarnings("unchecked")
  private static Predicate<Position> positionFilter(Map<String, Object> where) {
    Predicate<String> ids = idFilter(where);
    String account = lower((String) where.get("account"));
    Set<String> accountIn = lowerSet((List<String>) where.get("account_in"));
    String market = lower((String) where.get("market"));
    Set<String> marketIn = lowerSet((List<String>) where.get("market_in"));
    String side = (String) where.get("side");
    BigInteger balance = (BigInteger) where.get("balance");
    BigInteger balanceNot = (BigInteger) where.get("balance_not");
    BigInteger balanceGt = (BigInteger) where.get("balance_gt");
    return p -> ids.test(p.id())
        && (account == null || p.account().equals(account))
        && (accountIn == null || accountIn.contains(p.account()))
        && (market == null || p.market().id().equals(market))
        && (marketIn == null || marketIn.contains(p.market().id()))
        && (side == null || p.side().equals(side))
        && (balance == null || p.balance().equals(balance))
        && (balanceNot == null || !p.balance().equals(balanceNot))
        && (balanceGt == null || p.balance().compareTo(balanceGt) > 0);
  }

  private static String lower(String s) { return s == null ? null : s.toLowerCase(java.util.Locale.ROOT); }

  private static Set<String> lowerSet(List<String> values) {
    if (values == null) {
      return null;
    }
    Set<String> out = new HashSet<>();
    for (String v : values) {
      out.add(lower(v));
    }
    return out;
  }

  private static int firstAfter(List<Position> sorted, String id) {
    int lo = 0;
    int hi = sorted.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted.get(mid).id().compareTo(id) <= 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
