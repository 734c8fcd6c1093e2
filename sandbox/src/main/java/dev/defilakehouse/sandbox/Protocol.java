package dev.defilakehouse.sandbox;

import java.util.Arrays;

/** The three simulated lending deployments, with the names each source uses for them. */
public enum Protocol {
  // Subgraph ids: messari/subgraphs deployment/deployment.json (decentralized-network query-id);
  // schema and subgraph versions from the same file.
  AAVE_V2("aave_v2", "aave", "v2", "C2zniPn45RnLDGzVeGZCx2Sw3GXrbc9gL4ZfL8B8Em2j", Fork.AAVE, "2.2.0", 0.50, 0.50),
  AAVE_V3("aave_v3", "aave", "v3", "JCNWRypm7FYwV8fx5HhzZPSFaMxgkPuw4TnR3Gpi81zk", Fork.AAVE, "2.4.1", 0.50, 1.00),
  COMPOUND_V2("compound_v2", "compound", "v2", "4TbqVA8p2DoBd5qDbPMwmDZv3CsJjWtxo8nVSqF2tA9a", Fork.COMPOUND, "1.9.0",
      0.50, 0.50);

  /**
   * The Messari schema family a deployment is built from, with what differs between them
   * (messari/subgraphs subgraphs/aave-forks and subgraphs/compound-forks {@code schema.graphql}).
   */
  enum Fork {
    /** Schema 3.1.0: Bytes ids for Market/Token/Account, sides COLLATERAL/BORROWER, borrows per rate type. */
    AAVE("3.1.0", "COLLATERAL", "/sandbox/messari-aave-forks-3.1.0.graphqls"),
    /** Schema 2.0.1: ID ids, sides LENDER/BORROWER. */
    COMPOUND("2.0.1", "LENDER", "/sandbox/messari-compound-forks-2.0.1.graphqls");

    final String schemaVersion;
    final String supplySide;
    final String schemaResource;

    Fork(String schemaVersion, String supplySide, String schemaResource) {
      this.schemaVersion = schemaVersion;
      this.supplySide = supplySide;
      this.schemaResource = schemaResource;
    }
  }

  private final String id;
  private final String protocolName;
  private final String contractVersion;
  private final String defaultDeploymentId;
  private final Fork fork;
  private final String subgraphVersion;
  private final double closeFactor;
  private final double deepCloseFactor;

  Protocol(String id, String protocolName, String contractVersion, String defaultDeploymentId, Fork fork,
      String subgraphVersion, double closeFactor, double deepCloseFactor) {
    this.id = id;
    this.protocolName = protocolName;
    this.contractVersion = contractVersion;
    this.defaultDeploymentId = defaultDeploymentId;
    this.fork = fork;
    this.subgraphVersion = subgraphVersion;
    this.closeFactor = closeFactor;
    this.deepCloseFactor = deepCloseFactor;
  }

  Fork fork() { return fork; }

  /** The protocol entity's id: the pool addresses provider (Aave) or comptroller (Compound) on mainnet. */
  String protocolAddress() {
    switch (this) {
      case AAVE_V2: return "0xb53c1a33016b2dc2ff3653530bff1848a515c8c5";
      case AAVE_V3: return "0x2f39d218133afab8f2b819b1066c7e434ad94e9e";
      default: return "0x3d9819210a31b4961b30ef54be2aed79b9c9cd3b";
    }
  }

  String displayName() {
    switch (this) {
      case AAVE_V2: return "Aave v2";
      case AAVE_V3: return "Aave v3";
      default: return "Compound v2";
    }
  }

  /** Messari methodology version (deployment/deployment.json). */
  String methodologyVersion() { return fork == Fork.AAVE ? "1.1.0" : "1.0.0"; }

  /** Messari schema version the deployment serves ({@code LendingProtocol.schemaVersion}). */
  public String schemaVersion() { return fork.schemaVersion; }

  /** Messari subgraph version ({@code LendingProtocol.subgraphVersion}). */
  public String subgraphVersion() { return subgraphVersion; }

  /** aave-forks ids debt positions per interest-rate type: {@code <account>-<market>-BORROWER-VARIABLE-<n>}. */
  String borrowerPositionKey() { return fork == Fork.AAVE ? "BORROWER-VARIABLE" : "BORROWER"; }

  /**
   * {@code isCollateral} of a supply position as the fork writes it: compound-forks sets it on every
   * LENDER position, aave-forks only once the reserve is enabled as collateral (else null).
   */
  Boolean supplyCollateralFlag(boolean enabled) {
    return fork == Fork.COMPOUND ? Boolean.valueOf(enabled) : (enabled ? Boolean.TRUE : null);
  }

  /** Normalised name: {@code aave_v2}, {@code aave_v3}, {@code compound_v2}. */
  public String id() { return id; }

  /** Transpose {@code protocol_name}: {@code aave} or {@code compound}. */
  public String protocolName() { return protocolName; }

  /** Transpose {@code contract_version}: {@code v2} or {@code v3}. */
  public String contractVersion() { return contractVersion; }

  public String defaultDeploymentId() { return defaultDeploymentId; }

  /** Position side of a supply position: COLLATERAL in aave-forks 3.x, LENDER in compound-forks 2.x; debt is BORROWER. */
  public String supplySide() { return fork.supplySide; }

  /** Share of one debt a liquidator may repay at once. */
  public double closeFactor(double healthFactor) {
    // Aave v3 lets liquidators close the whole debt once the health factor is below 0.95.
    return healthFactor < 0.95 ? deepCloseFactor : closeFactor;
  }

  public static Protocol of(String id) {
    return Arrays.stream(values()).filter(p -> p.id.equals(id)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException(
            "unknown protocol '" + id + "'; expected one of aave_v2, aave_v3, compound_v2"));
  }
}
