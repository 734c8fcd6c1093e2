package dev.defilakehouse.sandbox;

/** The five kinds of lending events. */
public enum EventKind {
  DEPOSIT("deposit"), WITHDRAW("withdraw"), BORROW("borrow"), REPAY("repay"), LIQUIDATION("liquidation");

  private final String category;

  EventKind(String category) { this.category = category; }

  /** Transpose category literal; liquidations use the configured literal instead. */
  public String category(String liquidationCategory) {
    return this == LIQUIDATION ? liquidationCategory : category;
  }
}
