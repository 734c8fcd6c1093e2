package dev.defilakehouse.common.source;

import dev.defilakehouse.common.config.RunConfig;
import dev.defilakehouse.common.config.Secrets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds the source clients from the run's options (docs/tables.md, "Source options") and the
 * keys in the environment, so jobs, {@code make run} and tests point them at any base URL.
 */
public final class SourceClients {
  public static final String SUBGRAPH_URL = "subgraph.url";
  public static final String SUBGRAPH_PAGE_SIZE = "subgraph.page_size";
  public static final String SUBGRAPH_DEPLOYMENT_PREFIX = "subgraph.deployment.";
  public static final String TRANSPOSE_URL = "transpose.url";
  public static final String TRANSPOSE_PAGE_SIZE = "transpose.page_size";
  /** Category literals read as liquidations: the public record spells it both ways (docs/tables.md). */
  public static final String TRANSPOSE_LIQUIDATION_CATEGORIES = "transpose.liquidation_categories";
  public static final String DEFAULT_LIQUIDATION_CATEGORIES = "liquidation,liquidate";
  /** The event kinds, each a raw table of its own. */
  public static final List<String> EVENT_KINDS = List.of("deposit", "withdraw", "borrow", "repay", "liquidation");
  /** Id ranges each snapshot (date, protocol) is paged in concurrently: 1, 2, 4, 8 or 16. */
  public static final String SUBGRAPH_ID_SLICES = "subgraph.id_slices";
  /** Time slices each day of events is paged in concurrently: a divisor of 24. */
  public static final String TRANSPOSE_DAY_SLICES = "transpose.day_slices";

  public static final String DEFAULT_SUBGRAPH_URL = "https://gateway.thegraph.com";
  public static final String DEFAULT_TRANSPOSE_URL = "https://api.transpose.io";

  private SourceClients() {}

  /**
   * Messari lending subgraphs on Ethereum (the defaults of {@code subgraph.deployment.<protocol>}):
   * the decentralized-network query ids of messari/subgraphs {@code deployment/deployment.json}.
   */
  public static String defaultDeployment(String protocol) {
    return switch (protocol) {
      case "aave_v2" -> "C2zniPn45RnLDGzVeGZCx2Sw3GXrbc9gL4ZfL8B8Em2j";
      case "compound_v2" -> "4TbqVA8p2DoBd5qDbPMwmDZv3CsJjWtxo8nVSqF2tA9a";
      case "aave_v3" -> "JCNWRypm7FYwV8fx5HhzZPSFaMxgkPuw4TnR3Gpi81zk";
      default -> null;
    };
  }

  public static List<ProtocolVersion> protocols(RunConfig config) {
    return ProtocolVersion.parseList(config.option(ProtocolVersion.OPTION, ProtocolVersion.DEFAULT));
  }

  /** The HTTP stack for The Graph; the key is checked before anything is sent. */
  public static SourceHttp subgraphHttp(RunConfig config, Secrets secrets) {
    String key = secrets.require(Secrets.SUBGRAPH_API_KEY, "The Graph");
    return SourceHttp.create(SubgraphClient.SOURCE, Secrets.SUBGRAPH_API_KEY, HttpSettings.from(config),
        new SecretMasker(List.of(key)));
  }

  public static SubgraphClient subgraph(RunConfig config, Secrets secrets, SourceHttp http, String protocol) {
    return new SubgraphClient(http, config.option(SUBGRAPH_URL, DEFAULT_SUBGRAPH_URL),
        secrets.require(Secrets.SUBGRAPH_API_KEY, "The Graph"), protocol,
        config.option(SUBGRAPH_DEPLOYMENT_PREFIX + protocol, defaultDeployment(protocol)),
        config.intOption(SUBGRAPH_PAGE_SIZE, 1000));
  }

  public static SourceHttp transposeHttp(RunConfig config, Secrets secrets) {
    String key = secrets.require(Secrets.TRANSPOSE_API_KEY, "Transpose");
    return SourceHttp.create(TransposeClient.SOURCE, Secrets.TRANSPOSE_API_KEY, HttpSettings.from(config),
        new SecretMasker(List.of(key))).forbiddenMeans(TransposeClient.FORBIDDEN);
  }

  public static TransposeClient transpose(RunConfig config, Secrets secrets, SourceHttp http) {
    return new TransposeClient(http, config.option(TRANSPOSE_URL, DEFAULT_TRANSPOSE_URL),
        secrets.require(Secrets.TRANSPOSE_API_KEY, "Transpose"), config.intOption(TRANSPOSE_PAGE_SIZE, 1000));
  }

  public static List<SubgraphClient.IdSlice> subgraphIdSlices(RunConfig config) {
    return SubgraphClient.idSlices(config.intOption(SUBGRAPH_ID_SLICES, 1));
  }

  public static int transposeDaySlices(RunConfig config) {
    int n = config.intOption(TRANSPOSE_DAY_SLICES, 1);
    if (n < 1 || 24 % n != 0) {
      throw new IllegalArgumentException("--option " + TRANSPOSE_DAY_SLICES
          + " must divide 24 (1, 2, 3, 4, 6, 8, 12 or 24 slices of whole hours), was " + n);
    }
    return n;
  }

  /**
   * The category literals read into {@code kind}'s table: the kind itself, and for liquidations the
   * {@code transpose.liquidation_categories} list (each a lowercase word).
   */
  public static List<String> categories(RunConfig config, String kind) {
    if (!EVENT_KINDS.contains(kind)) {
      throw new IllegalArgumentException("unknown event kind '" + kind + "': expected one of " + EVENT_KINDS);
    }
    if (!kind.equals("liquidation")) {
      return List.of(kind);
    }
    String option = config.option(TRANSPOSE_LIQUIDATION_CATEGORIES, DEFAULT_LIQUIDATION_CATEGORIES);
    List<String> literals = new ArrayList<>();
    for (String part : option.split(",")) {
      String literal = part.trim();
      if (literal.isEmpty()) {
        continue;
      }
      if (!literal.matches("[a-z][a-z_]{0,31}") || (EVENT_KINDS.contains(literal) && !literal.equals(kind))) {
        throw new IllegalArgumentException("--option " + TRANSPOSE_LIQUIDATION_CATEGORIES + ": '" + literal
            + "' is not a lowercase category word of its own (the default is " + DEFAULT_LIQUIDATION_CATEGORIES + ")");
      }
      if (!literals.contains(literal)) {
        literals.add(literal);
      }
    }
    if (literals.isEmpty()) {
      throw new IllegalArgumentException("--option " + TRANSPOSE_LIQUIDATION_CATEGORIES + " is empty; the default is "
          + DEFAULT_LIQUIDATION_CATEGORIES);
    }
    return List.copyOf(literals);
  }

  /** Every literal some kind reads: the fixed list a category parameter must come from. */
  public static Set<String> knownCategories(RunConfig config) {
    Set<String> known = new LinkedHashSet<>();
    for (String kind : EVENT_KINDS) {
      known.addAll(categories(config, kind));
    }
    return known;
  }
}
