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

  /** With {@code tokenName}, the token also carries its name (the schema has it; the payload does not). */
  static Map<String, Object> market(Simulation sim, Market m, long block, boolean tokenName) {
    Map<String, Object> token = new LinkedHashMap<>();
    token.put("id", m.inputTokenAddress());
    if (tokenName) {
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
    out.put("inputTokenPriceUSD", sim.priceUsd(m.protocol().id(), m.inputTokenAddress(), block).toPlainString());
    return out;
  }

  /** A position with {@code account{id} market{id}}; {@code market} is the full market when given. */
  static Map<String, Object> position(Position p, Map<String, Object> market) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", p.id());
    out.put("account", Map.of("id", p.account()));
    out.put("market", market);
    out.put("side", p.side());
    out.put("isCollateral", p.isCollateral());
    out.put("balance", p.balance().toString());
    return out;
  }

  static Map<String, Object> positionIds(Position p) {
    Map<String, Object> market = new LinkedHashMap<>();
    market.put("id", p.market().id());
    return position(p, market);
  }
}
