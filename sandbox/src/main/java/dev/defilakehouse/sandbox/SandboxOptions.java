package dev.defilakehouse.sandbox;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** What to simulate and how to serve it. Immutable; build with {@link #builder()}. */
public final class SandboxOptions {
  private final long seed;
  private final int wallets;
  private final int days;
  private final int markets;
  private final LocalDate startDate;
  private final int port;
  private final String liquidationCategory;
  private final String subgraphApiKey;
  private final String transposeApiKey;
  private final int transposeMaxRows;
  private final long transposeMaxBytes;
  private final double subgraphRateLimit;
  private final double transposeRateLimit;
  private final long transposeCredits;
  private final Map<String, String> deploymentIds;

  private SandboxOptions(Builder b) {
    this.seed = b.seed;
    this.wallets = b.wallets;
    this.days = b.days;
    this.markets = b.markets;
    this.startDate = b.startDate;
    this.port = b.port;
    this.liquidationCategory = b.liquidationCategory;
    this.subgraphApiKey = b.subgraphApiKey;
    this.transposeApiKey = b.transposeApiKey;
    this.transposeMaxRows = b.transposeMaxRows;
    this.transposeMaxBytes = b.transposeMaxBytes;
    this.subgraphRateLimit = b.subgraphRateLimit;
    this.transposeRateLimit = b.transposeRateLimit;
    this.transposeCredits = b.transposeCredits;
    this.deploymentIds = Map.copyOf(b.deploymentIds);
  }

  public static Builder builder() { return new Builder(); }

  public Builder toBuilder() {
    return new Builder().seed(seed).wallets(wallets).days(days).markets(markets).startDate(startDate)
        .port(port).liquidationCategory(liquidationCategory).subgraphApiKey(subgraphApiKey)
        .transposeApiKey(transposeApiKey).transposeMaxRows(transposeMaxRows)
        .transposeMaxBytes(transposeMaxBytes).subgraphRateLimit(subgraphRateLimit)
        .transposeRateLimit(transposeRateLimit).transposeCredits(transposeCredits).deploymentIds(deploymentIds);
  }

  public long seed() { return seed; }

  public int wallets() { return wallets; }

  /** Simulated days: events on days {@code [startDate, startDate + days)}, snapshots up to the first block of {@code startDate + days}. */
  public int days() { return days; }

  /** Markets per protocol (2..8, WETH always among them). */
  public int markets() { return markets; }

  public LocalDate startDate() { return startDate; }

  public LocalDate endDate() { return startDate.plusDays(days); }

  /** 0 = an ephemeral port. */
  public int port() { return port; }

  /** Transpose category literal of liquidations: {@code liquidation} or {@code liquidate}. */
  public String liquidationCategory() { return liquidationCategory; }

  /** The subgraph key accepted, or null for one derived from the seed. */
  public String subgraphApiKey() { return subgraphApiKey; }

  /** The Transpose key accepted, or null for one derived from the seed. */
  public String transposeApiKey() { return transposeApiKey; }

  /** Rows after which a Transpose response is cut and marked {@code truncated}. */
  public int transposeMaxRows() { return transposeMaxRows; }

  /** Bytes of results after which a Transpose response is cut and marked {@code truncated}. */
  public long transposeMaxBytes() { return transposeMaxBytes; }

  /** Requests per second the subgraph endpoint serves before answering 429; 0 = unlimited. */
  public double subgraphRateLimit() { return subgraphRateLimit; }

  /** Requests per second the Transpose endpoint serves before answering 429; 0 = unlimited. */
  public double transposeRateLimit() { return transposeRateLimit; }

  /** SQL requests the Transpose key may make before it is out of credits (HTTP 403); 0 = unlimited. */
  public long transposeCredits() { return transposeCredits; }

  /** Subgraph deployment id served for a protocol (the Messari mainnet ids unless overridden). */
  public String deploymentId(String protocol) {
    return deploymentIds.getOrDefault(protocol, Protocol.of(protocol).defaultDeploymentId());
  }

  @Override
  public String toString() {
    return "seed=" + seed + " wallets=" + wallets + " days=" + days + " markets=" + markets
        + " start=" + startDate + " port=" + port + " liquidationCategory=" + liquidationCategory;
  }

  public static final class Builder {
    private long seed = 42;
    private int wallets = 100;
    private int days = 7;
    private int markets = MarketCatalog.MAX_MARKETS;
    private LocalDate startDate = LocalDate.of(2024, 1, 1);
    private int port = 0;
    private String liquidationCategory = "liquidation";
    private String subgraphApiKey;
    private String transposeApiKey;
    private int transposeMaxRows = 100_000;
    private long transposeMaxBytes = 64L * 1024 * 1024;
    private double subgraphRateLimit;
    private double transposeRateLimit;
    private long transposeCredits;
    private final Map<String, String> deploymentIds = new LinkedHashMap<>();

    private Builder() {}

    public Builder seed(long seed) { this.seed = seed; return this; }

    public Builder wallets(int wallets) { this.wallets = wallets; return this; }

    public Builder days(int days) { this.days = days; return this; }

    public Builder markets(int markets) { this.markets = markets; return this; }

    public Builder startDate(LocalDate startDate) { this.startDate = startDate; return this; }

    public Builder port(int port) { this.port = port; return this; }

    public Builder liquidationCategory(String c) { this.liquidationCategory = c; return this; }

    public Builder subgraphApiKey(String key) { this.subgraphApiKey = key; return this; }

    public Builder transposeApiKey(String key) { this.transposeApiKey = key; return this; }

    public Builder transposeMaxRows(int rows) { this.transposeMaxRows = rows; return this; }

    public Builder transposeMaxBytes(long bytes) { this.transposeMaxBytes = bytes; return this; }

    public Builder subgraphRateLimit(double requestsPerSecond) { this.subgraphRateLimit = requestsPerSecond; return this; }

    public Builder transposeRateLimit(double requestsPerSecond) { this.transposeRateLimit = requestsPerSecond; return this; }

    public Builder transposeCredits(long requests) { this.transposeCredits = requests; return this; }

    /** Serves {@code protocol} ({@code aave_v2}, {@code aave_v3}, {@code compound_v2}) under another deployment id. */
    public Builder deploymentId(String protocol, String id) {
      Protocol.of(protocol);
      require(id != null && id.matches("[A-Za-z0-9]+"), "a deployment id is letters and digits, was '" + id + "'");
      deploymentIds.put(protocol, id);
      return this;
    }

    private Builder deploymentIds(Map<String, String> ids) {
      ids.forEach(this::deploymentId);
      return this;
    }

    public SandboxOptions build() {
      require(wallets >= 1, "wallets must be at least 1, was " + wallets);
      require(days >= 1, "days must be at least 1, was " + days);
      require(markets >= 2 && markets <= MarketCatalog.MAX_MARKETS,
          "markets must be between 2 and " + MarketCatalog.MAX_MARKETS + ", was " + markets);
      require(port >= 0 && port <= 65535, "port must be between 0 and 65535, was " + port);
      Objects.requireNonNull(startDate, "startDate");
      require(!startDate.isBefore(LocalDate.of(2016, 1, 1)),
          "startDate must be 2016-01-01 or later, was " + startDate);
      require("liquidation".equals(liquidationCategory) || "liquidate".equals(liquidationCategory),
          "liquidationCategory must be 'liquidation' or 'liquidate', was '" + liquidationCategory + "'");
      require(subgraphRateLimit >= 0 && transposeRateLimit >= 0, "rate limits must be >= 0 requests/s (0 = unlimited)");
      require(Protocol.values().length == java.util.Arrays.stream(Protocol.values())
          .map(p -> deploymentIds.getOrDefault(p.id(), p.defaultDeploymentId())).distinct().count(),
          "each protocol needs its own deployment id, got " + deploymentIds);
      require(transposeMaxRows >= 1, "transposeMaxRows must be at least 1");
      require(transposeCredits >= 0, "transposeCredits must be >= 0 requests (0 = unlimited)");
      require(transposeMaxBytes >= 1, "transposeMaxBytes must be at least 1");
      return new SandboxOptions(this);
    }

    private static void require(boolean ok, String message) {
      if (!ok) {
        throw new IllegalArgumentException(message);
      }
    }
  }
}
