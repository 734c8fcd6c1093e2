package dev.defilakehouse.sandbox;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Subgraph entities as maps, in the field order of the Messari queries in docs/tables.md. BigInt
 * and BigDecimal values are already strings, as The Graph serialises them.
 */
final class SubgraphValues {
  private SubgraphValues() {}

  /** The market payload of docs/tables.md (what {@link Simulation#marketJson} renders). */
  static Map<String, Object> market(Simulation sim, Market m, long block) {
    return market(sim, m, block, false);
  }

  /**
   * With {@code served}, every field the served schema has (token name, creation block), not only
   * those of the payload the lakehouse selects.
   */
  static Map<String, Object> market(Simulation sim, Market m, long block, boolean served) {
    Map<String, Object> token = new LinkedHashMap<>();
    token.put("id", m.inputTokenAddress());
    if (served) {
      token.put("name", m.token().name());
    }
    token.put("symbol", m.inputTokenSymbol());
    token.put("decimals", m.inputTokenDecimals());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", m.id());
    out.put("name", m.name());
    out.put("liquidationThreshold", m.liquidationThreshold().toPlainString());
    out.put("maximumLTV", m.maximumLTV().toPlainString());
    out.put("inputToken", token);
    out.put("inputTokenPriceUSD", sim.reportedPriceUsd(m, block).toPlainString());
    if (served) {
      out.put("createdBlockNumber", String.valueOf(m.listedBlock() == Long.MIN_VALUE ? 0 : m.listedBlock()));
    }
    return out;
  }

  /**
   * A position with {@code account{id} market{id}}; {@code market} is the full market when served,
   * and then the aave-forks rate type of a debt position ({@code VARIABLE}) is there too.
   */
  static Map<String, Object> position(Position p, Map<String, Object> market, boolean served) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", p.id());
    out.put("account", Map.of("id", p.account()));
    out.put("market", market);
    out.put("side", p.side());
    if (served) {
      out.put("type", p.isBorrow() && p.id().contains("-BORROWER-VARIABLE-") ? "VARIABLE" : null);
    }
    out.put("isCollateral", p.isCollateral());
    out.put("balance", p.balance().toString());
    return out;
  }

  static Map<String, Object> positionIds(Position p) {
    Map<String, Object> market = new LinkedHashMap<>();
    market.put("id", p.market().id());
    return position(p, market, false);
  }
}
