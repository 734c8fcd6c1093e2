package dev.defilakehouse.sandbox;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The simulated truth behind both APIs: markets, daily prices, blocks, every lending event, and
 * positions at any block (the replay of the events up to it). Usable without a server, e.g. by a
 * benchmark that writes raw tables directly; the {@code *Json} methods render one record exactly
 * as the APIs do.
 */
public final class Simulation {
  private final SandboxOptions options;
  private final Chain chain;
  private final PricePaths prices;
  private final Map<Protocol, List<Market>> markets;
  private final Map<Protocol, Map<String, Market>> marketById = new EnumMap<>(Protocol.class);
  private final Map<Protocol, Map<String, Market>> marketByToken = new EnumMap<>(Protocol.class);
  private final List<LendingEvent> events;
  private final Map<Protocol, List<LendingEvent>> eventsByProtocol = new EnumMap<>(Protocol.class);
  private final List<String> wallets;
  private final Map<Protocol, Map<String, boolean[]>> collateralFlags;
  private final Map<Protocol, PositionSnapshot.Replayer> replayers = new EnumMap<>(Protocol.class);
  private final Map<String, PositionSnapshot> snapshots = new LinkedHashMap<>(8, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, PositionSnapshot> eldest) {
      return size() > 6; // a few snapshots in flight (one per protocol and day being paged)
    }
  };

  private Simulation(SandboxOptions options) {
    this.options = options;
    this.chain = new Chain(options.seed(), options.startDate(), options.days());
    this.markets = new EnumMap<>(Protocol.class);
    List<Token> tokens = new ArrayList<>();
    for (Protocol p : Protocol.values()) {
      List<Market> ms = withRealDataQuirks(p, MarketCatalog.markets(p, options.markets()));
      markets.put(p, ms);
      Map<String, Market> byId = new HashMap<>();
      Map<String, Market> byToken = new HashMap<>();
      for (Market m : ms) {
        byId.put(m.id(), m);
        byToken.put(m.inputTokenAddress(), m);
        tokens.add(m.token());
      }
      marketById.put(p, byId);
      marketByToken.put(p, byToken);
    }
    this.prices = new PricePaths(options.seed(), options.days(), tokens);
    EventGenerator.Result result = new EventGenerator(options, chain, prices, markets).generate();
    this.events = result.events();
    this.wallets = result.wallets();
    this.collateralFlags = result.collateralFlags();
    for (Protocol p : Protocol.values()) {
      eventsByProtocol.put(p, events.stream().filter(e -> e.protocol() == p)
          .collect(Collectors.toUnmodifiableList()));
      replayers.put(p, new PositionSnapshot.Replayer(p, eventsByProtocol.get(p), collateralFlags.get(p)));
    }
  }

  /**
   * What real subgraphs have and a naive simulation would not: Aave v3's last market is listed in
   * the middle of day {@code max(1, days/3)} (the subgraph has no such market before), and Aave
   * v2's last market has no oracle price (Messari reports 0) on days {@code max(1, days/2)} and
   * the next one. Neither is ever the ether market, so every protocol keeps its ETH price.
   */
  private List<Market> withRealDataQuirks(Protocol p, List<Market> ms) {
    int days = options.days();
    String last = MarketCatalog.lastChosenId(p, options.markets());
    List<Market> out = new ArrayList<>();
    for (Market m : ms) {
      if (m.id().equals(last) && p == Protocol.AAVE_V3 && days >= 2) {
        LocalDate day = options.startDate().plusDays(Math.max(1, days / 3));
        m = m.listed(chain.firstBlockOfDay(day) + Chain.BLOCKS_PER_DAY / 2);
      } else if (m.id().equals(last) && p == Protocol.AAVE_V2 && days >= 3) {
        int from = Math.max(1, days / 2);
        m = m.unpriced(from, from + 2);
      }
      out.add(m);
    }
    return List.copyOf(out);
  }

  /** Generates the simulation the options describe (same options, same result). */
  public static Simulation generate(SandboxOptions options) { return new Simulation(options); }

  public SandboxOptions options() { return options; }

  /** {@code aave_v2}, {@code aave_v3}, {@code compound_v2}. */
  public List<String> protocols() {
    return Arrays.stream(Protocol.values()).map(Protocol::id).collect(Collectors.toUnmodifiableList());
  }

  /** The markets of a protocol, ordered by id (including those listed later). */
  public List<Market> markets(String protocol) { return markets.get(Protocol.of(protocol)); }

  /** The markets the subgraph has at a block: those listed at or before it. */
  public List<Market> marketsAt(String protocol, long block) {
    return markets(protocol).stream().filter(m -> m.listedAt(block)).collect(Collectors.toUnmodifiableList());
  }

  /** The market with this id (aToken / cToken address), or null. */
  public Market market(String protocol, String marketId) { return marketById.get(Protocol.of(protocol)).get(marketId); }

  /** The market whose input token (as Messari reports it: native ETH is 0xeee…eee) is this address, or null. */
  public Market marketByToken(String protocol, String tokenAddress) {
    return marketByToken.get(Protocol.of(protocol)).get(tokenAddress);
  }

  /** Every simulated wallet (lender/borrower) address. */
  public List<String> wallets() { return wallets; }

  // ---- blocks -------------------------------------------------------------------------------

  /** First block with a timestamp at or after the start of this UTC day. */
  public long firstBlockOfDay(LocalDate day) { return chain.firstBlockOfDay(day); }

  /** First block with a timestamp at or after this instant. */
  public long firstBlockAtOrAfter(Instant instant) { return chain.firstBlockAtOrAfter(instant.getEpochSecond()); }

  public Instant blockTimestamp(long block) { return chain.instant(block); }

  public String blockHash(long block) { return chain.blockHash(block); }

  /** First simulated block (first block of the start day). */
  public long firstBlock() { return chain.firstBlock(); }

  /** Newest indexed block: the first block of {@code startDate + days}. */
  public long headBlock() { return chain.headBlock(); }

  // ---- prices -------------------------------------------------------------------------------

  /** Index of the simulated day a block belongs to (0 = start date), clamped to {@code [0, days]}. */
  int dayIndex(long block) {
    long d = Math.floorDiv(chain.timestamp(block) - Chain.epochSecond(options.startDate()), 86_400L);
    return (int) Math.max(0, Math.min(d, options.days()));
  }

  /**
   * The oracle's USD price of a token at a block (what the protocol acts on): the price set at the
   * first block of the block's day.
   */
  public BigDecimal priceUsd(String protocol, String tokenAddress, long block) {
    Market m = marketByToken(protocol, tokenAddress);
    if (m == null) {
      throw new IllegalArgumentException("protocol " + protocol + " has no market for token " + tokenAddress);
    }
    return prices.price(m.token(), dayIndex(block));
  }

  /** The USD price of ether at a block (WETH's, which native ETH shares). */
  public BigDecimal ethPriceUsd(long block) { return prices.price(MarketCatalog.WETH, dayIndex(block)); }

  /**
   * The price the subgraph reports for a market at a block ({@code inputTokenPriceUSD}): the
   * oracle's, or 0 on the days it has none ({@link Market#unpricedOn}).
   */
  public BigDecimal reportedPriceUsd(Market market, long block) {
    return market.unpricedOn(dayIndex(block)) ? BigDecimal.ZERO : prices.price(market.token(), dayIndex(block));
  }

  // ---- events -------------------------------------------------------------------------------

  /** Every lending event of every protocol, ordered by (block_number, log_index). */
  public List<LendingEvent> events() { return events; }

  /** The events of one protocol, ordered by (block_number, log_index). */
  public List<LendingEvent> events(String protocol) { return eventsByProtocol.get(Protocol.of(protocol)); }

  /** Every liquidation, ordered by (block_number, log_index). */
  public List<LendingEvent> liquidations() {
    return events.stream().filter(e -> e.kind() == EventKind.LIQUIDATION).collect(Collectors.toUnmodifiableList());
  }

  /** The liquidations of one wallet (as the borrower). */
  public List<LendingEvent> liquidations(String wallet) {
    return events.stream().filter(e -> e.kind() == EventKind.LIQUIDATION && e.accountAddress().equals(wallet))
        .collect(Collectors.toUnmodifiableList());
  }

  // ---- positions ----------------------------------------------------------------------------

  /** Every position (closed ones with balance 0 included) of a protocol at a block, ordered by id. */
  public List<Position> positionsAt(String protocol, long block) { return snapshot(Protocol.of(protocol), block).all(); }

  /** One wallet's positions of a protocol at a block, ordered by id. */
  public List<Position> positionsAt(String protocol, long block, String wallet) {
    return snapshot(Protocol.of(protocol), block).of(wallet);
  }

  PositionSnapshot snapshot(Protocol protocol, long block) {
    long effective = Math.min(block, chain.headBlock());
    String key = protocol.id() + "@" + effective;
    synchronized (snapshots) {
      PositionSnapshot s = snapshots.get(key);
      if (s == null) {
        s = replayers.get(protocol).at(effective);
        snapshots.put(key, s);
      }
      return s;
    }
  }

  /**
   * Health factor of a wallet in a protocol at a block as the subgraph's data gives it: Σ
   * supply·price·LT (supply whose {@code isCollateral} is true, LT as a fraction) / Σ debt·price,
   * with the prices the subgraph reports for the block's day; a position whose price is reported
   * as 0 counts in neither sum (it is unpriced). Null when the wallet has no priced debt there.
   */
  public Double healthFactor(String wallet, String protocol, long block) {
    Protocol p = Protocol.of(protocol);
    List<Market> ms = markets.get(p);
    BigInteger[] supply = new BigInteger[ms.size()];
    BigInteger[] debt = new BigInteger[ms.size()];
    boolean[] collateral = new boolean[ms.size()];
    double[] px = new double[ms.size()];
    for (Market m : ms) {
      px[m.index()] = reportedPriceUsd(m, block).doubleValue();
    }
    for (Position pos : snapshot(p, block).of(wallet)) {
      int i = pos.market().index();
      if (pos.isBorrow()) {
        debt[i] = pos.balance();
      } else {
        supply[i] = pos.balance();
        collateral[i] = pos.countsAsCollateral();
      }
    }
    return HealthMath.healthFactor(ms, supply, collateral, debt, px);
  }

  // ---- renderings, byte-identical to the APIs ------------------------------------------------

  /** A market as the subgraph returns it for {@code id name liquidationThreshold maximumLTV inputToken{id symbol decimals} inputTokenPriceUSD}. */
  public String marketJson(Market market, long block) {
    return Json.write(SubgraphValues.market(this, market, block));
  }

  /** A position as the subgraph returns it for {@code id account{id} market{id} side isCollateral balance}. */
  public String positionJson(Position position) {
    return Json.write(SubgraphValues.positionIds(position));
  }

  /** An event as Transpose returns it for {@code SELECT * FROM ethereum.lending_events} (EIP-55 addresses). */
  public String eventJson(LendingEvent event) {
    return Json.write(TransposeRows.eventRow(event));
  }

  /** A block as Transpose returns it for {@code SELECT * FROM ethereum.blocks}. */
  public String blockJson(long block) {
    return Json.write(TransposeRows.blockRow(block, chain.timestamp(block)));
  }

  Chain chain() { return chain; }
}
