package dev.defilakehouse.common.source;

import dev.defilakehouse.common.config.RunConfig;
import dev.defilakehouse.common.config.Secrets;
import java.util.List;

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
  public static final String TRANSPOSE_LIQUIDATION_CATEGORY = "transpose.liquidation_category";
  /** Id ranges each snapshot (date, protocol) is paged in concurrently: 1, 2, 4, 8 or 16. */
  public static final String SUBGRAPH_ID_SLICES = "subgraph.id_slices";
  /** Time slices each day of events is paged in concurrently: a divisor of 24. */
  public static final String TRANSPOSE_DAY_SLICES = "transpose.day_slices";

  public static final String DEFAULT_SUBGRAPH_URL = "https://gateway.thegraph.com";
  public static final String DEFAULT_TRANSPOSE_URL = "https://api.transpose.io";

  private SourceClients() {}

  /** Messari lending deployments on Ethereum (the defaults of {@code subgraph.deployment.<protocol>}). */
  public static String defaultDeployment(String protocol) {
    return switch (protocol) {
      case "aave_v2" -> "84CvqQHYhydZzr2KSth8s1AFYpBRzUbVJXq6PWuZm9U9";
      case "compound_v2" -> "6tGbL7WBx287EZwGUvvcQdL6m67JGMJrma3JSTtt5SV7";
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
        new SecretMasker(List.of(key)));
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

  /** The category literal Transpose uses for {@code kind} (liquidations differ between sources). */
  public static String category(RunConfig config, String kind) {
    return kind.equals("liquidation") ? config.option(TRANSPOSE_LIQUIDATION_CATEGORY, "liquidation") : kind;
  }
}
