package dev.defilakehouse.sandbox;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Mainnet tokens and the Aave v2 / Aave v3 / Compound v2 markets built on them, with typical
 * thresholds. Every protocol lists its ether market first (WETH in Aave, cETH with native ETH in
 * Compound) so that even the smallest simulation has the unit-of-account market the analytics divide by.
 */
final class MarketCatalog {
  static final Token WETH = new Token("0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2", "WETH", "Wrapped Ether", 18, 2280.0, 1.0, 0.0);
  static final Token USDC = new Token("0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48", "USDC", "USD Coin", 6, 1.0, 0.0, 0.0008);
  static final Token DAI = new Token("0x6b175474e89094c44da98b954eedeac495271d0f", "DAI", "Dai Stablecoin", 18, 1.0, 0.0, 0.0010);
  static final Token USDT = new Token("0xdac17f958d2ee523a2206206994597c13d831ec7", "USDT", "Tether USD", 6, 1.0, 0.0, 0.0009);
  static final Token WBTC = new Token("0x2260fac5e5542a773aa44fbcfedf7c193bc2c599", "WBTC", "Wrapped BTC", 8, 42200.0, 0.8, 0.015);
  static final Token LINK = new Token("0x514910771af9ca656af840dff83e8264ecf986ca", "LINK", "ChainLink Token", 18, 15.0, 1.3, 0.030);
  static final Token UNI = new Token("0x1f9840a85d5af5bf1d1762f925bdaddc4201f984", "UNI", "Uniswap", 18, 6.3, 1.3, 0.030);
  static final Token AAVE = new Token("0x7fc66500c84a76ad7e9c93437bfc5ac33e2ddae9", "AAVE", "Aave Token", 18, 108.0, 1.4, 0.035);
  /** Compound's cETH takes ether itself: Messari reports its input token as 0xeee…eee, symbol ETH. */
  static final Token ETH = new Token(Token.MESSARI_NATIVE_ETH, "ETH", "Ether", 18, 2280.0, 1.0, 0.0);
  static final Token COMP = new Token("0xc00e94cb662c3520282e6f5717214004a7f26888", "COMP", "Compound", 18, 55.0, 1.4, 0.035);

  /** Most markets any protocol has here. */
  static final int MAX_MARKETS = 8;

  private record Def(String id, String name, Token token, String ltv, String lt, double bonus) {}

  private MarketCatalog() {}

  /**
   * The first {@code count} markets of a protocol (the ether market always included), ordered by
   * id, all listed from the start and always priced.
   */
  static List<Market> markets(Protocol protocol, int count) {
    List<Def> sorted = new ArrayList<>(chosen(protocol, count));
    sorted.sort(Comparator.comparing(Def::id));
    List<Market> out = new ArrayList<>();
    for (Def d : sorted) {
      out.add(new Market(protocol, out.size(), d.id, d.name, d.token, new BigDecimal(d.lt),
          new BigDecimal(d.ltv), d.bonus, Long.MIN_VALUE, 0, 0));
    }
    return List.copyOf(out);
  }

  /** The id of the last of a protocol's first {@code count} markets: never the ether market. */
  static String lastChosenId(Protocol protocol, int count) {
    List<Def> defs = chosen(protocol, count);
    return defs.get(defs.size() - 1).id;
  }

  private static List<Def> chosen(Protocol protocol, int count) {
    return definitions(protocol).subList(0, Math.max(2, Math.min(count, MAX_MARKETS)));
  }

  private static List<Def> definitions(Protocol protocol) {
    switch (protocol) {
      case AAVE_V2:
        return List.of(
            new Def("0x030ba81f1c18d280636f32af80b9aad02cf0854e", "Aave interest bearing WETH", WETH, "82.5", "86", 0.05),
            new Def("0xbcca60bb61934080951369a648fb03df4f96263c", "Aave interest bearing USDC", USDC, "80", "85", 0.045),
            new Def("0x028171bca77440897b824ca71d1c56cac55b68a3", "Aave interest bearing DAI", DAI, "75", "80", 0.05),
            new Def("0x3ed3b47dd13ec9a98b44e6204a523e766b225811", "Aave interest bearing USDT", USDT, "0", "0", 0.0),
            new Def("0x9ff58f4ffb29fa2266ab25e75e2a8b3503311656", "Aave interest bearing WBTC", WBTC, "70", "75", 0.065),
            new Def("0xa06bc25b5805d5f8d82847d191cb4af5a3e873e0", "Aave interest bearing LINK", LINK, "70", "75", 0.075),
            new Def("0xb9d7cb55f463405cdfbe4e90a6d2df01c2b92bf1", "Aave interest bearing UNI", UNI, "60", "70", 0.10),
            new Def("0xffc97d72e13e01096502cb8eb52dee56f74dad7b", "Aave interest bearing AAVE", AAVE, "60", "70", 0.075));
      case AAVE_V3:
        return List.of(
            new Def("0x4d5f47fa6a74757f35c14fd3a6ef8e3c9bc514e8", "Aave Ethereum WETH", WETH, "80.5", "83", 0.05),
            new Def("0x98c23e9d8f34fefb1b7bd6a91b7ff122f4e16f5c", "Aave Ethereum USDC", USDC, "77", "79", 0.045),
            new Def("0x018008bfb33d285247a21d44e50697654f754e63", "Aave Ethereum DAI", DAI, "63", "77", 0.04),
            new Def("0x23878914efe38d27c4d67ab83ed1b93a74d4086a", "Aave Ethereum USDT", USDT, "74", "76", 0.045),
            new Def("0x5ee5bf7ae06d1be5997a1a72006fe6c607ec6de8", "Aave Ethereum WBTC", WBTC, "73", "78", 0.05),
            new Def("0x5e8c8a7243651db1384c0ddfdbe39761e8e7e51a", "Aave Ethereum LINK", LINK, "53", "68", 0.07),
            new Def("0xf6d2224916ddfbbab6e6bd0d1b7034f4ae0cab18", "Aave Ethereum UNI", UNI, "65", "77", 0.10),
            new Def("0xa700b4eb416be35b2911fd5dee80678ff64ff6c9", "Aave Ethereum AAVE", AAVE, "66", "73", 0.075));
      case COMPOUND_V2:
        // Compound has one collateral factor: Messari reports it as both threshold and max LTV.
        return List.of(
            new Def("0x4ddc2d193948926d02f9b1fe9e1daa0718270ed5", "Compound Ether", ETH, "82.5", "82.5", 0.08),
            new Def("0x39aa39c021dfbae8fac545936693ac917d5e7563", "Compound USD Coin", USDC, "84", "84", 0.08),
            new Def("0x5d3a536e4d6dbd6114cc1ead35777bab948e3643", "Compound Dai", DAI, "83.5", "83.5", 0.08),
            new Def("0xf650c3d88d12db855b8bf7d11be6c55a4e07dcc9", "Compound USDT", USDT, "0", "0", 0.08),
            new Def("0xccf4429db6322d5c611ee964527d42e5d685dd6a", "Compound Wrapped BTC", WBTC, "70", "70", 0.08),
            new Def("0xface851a4921ce59e912d19329929ce6da6eb0c7", "Compound ChainLink Token", LINK, "79", "79", 0.08),
            new Def("0x35a18000230da775cac24873d00ff85bccded550", "Compound Uniswap", UNI, "75", "75", 0.08),
            new Def("0x70e36f6bf80a52b3b46b3af8e106cc0ed743e8e4", "Compound Collateral", COMP, "65", "65", 0.08));
      default:
        throw new IllegalStateException("no markets for " + protocol);
    }
  }
}
