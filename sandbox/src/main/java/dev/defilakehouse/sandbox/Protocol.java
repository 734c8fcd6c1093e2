package dev.defilakehouse.sandbox;

import java.util.Arrays;

/** The three simulated lending deployments, with the names each source uses for them. */
public enum Protocol {
  AAVE_V2("aave_v2", "aave", "v2", "84CvqQHYhydZzr2KSth8s1AFYpBRzUbVJXq6PWuZm9U9", "COLLATERAL", 0.50, 0.50),
  AAVE_V3("aave_v3", "aave", "v3", "JCNWRypm7FYwV8fx5HhzZPSFaMxgkPuw4TnR3Gpi81zk", "COLLATERAL", 0.50, 1.00),
  COMPOUND_V2("compound_v2", "compound", "v2", "6tGbL7WBx287EZwGUvvcQdL6m67JGMJrma3JSTtt5SV7", "LENDER", 0.50, 0.50);

  private final String id;
  private final String protocolName;
  private final String contractVersion;
  private final String defaultDeploymentId;
  private final String supplySide;
  private final double closeFactor;
  private final double deepCloseFactor;

  Protocol(String id, String protocolName, String contractVersion, String defaultDeploymentId,
      String supplySide, double closeFactor, double deepCloseFactor) {
    this.id = id;
    this.protocolName = protocolName;
    this.contractVersion = contractVersion;
    this.defaultDeploymentId = defaultDeploymentId;
    this.supplySide = supplySide;
    this.closeFactor = closeFactor;
    this.deepCloseFactor = deepCloseFactor;
  }

  /** Normalised name: {@code aave_v2}, {@code aave_v3}, {@code compound_v2}. */
  public String id() { return id; }

  /** Transpose {@code protocol_name}: {@code aave} or {@code compound}. */
  public String protocolName() { return protocolName; }

  /** Transpose {@code contract_version}: {@code v2} or {@code v3}. */
  public String contractVersion() { return contractVersion; }

  public String defaultDeploymentId() { return defaultDeploymentId; }

  /**
   * Position side of a supply position: newer Messari schemas (Aave here) say COLLATERAL, older
   * ones (Compound here) say LENDER. Debt is BORROWER in both.
   */
  public String supplySide() { return supplySide; }

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
