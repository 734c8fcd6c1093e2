package dev.defilakehouse.sandbox;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Plays the wallets day by day and writes down what they do as lending events. Each day: the new
 * prices land at the day's first block; liquidators then close part of every position whose
 * health factor at those prices is below 1 (in the next ~40 blocks); afterwards wallets deposit,
 * borrow within their limit, repay and withdraw, only in markets already listed. Real data has
 * what a naive simulation would not, so this one has it too: deposits made on behalf of another
 * account (Aave's {@code onBehalfOf}) and repayments of another account's debt (sender differs
 * from account), and actions in the day's first block (the snapshot block itself).
 * Single-threaded with one seeded generator, so the same options give the same events.
 */
final class EventGenerator {
  private static final int LIQUIDATION_WINDOW_BLOCKS = 40;
  private static final int ACTIONS_FROM_BLOCK = 50;
  /** Share of actions placed in the day's first block. */
  private static final double FIRST_BLOCK_SHARE = 0.03;
  /** Share of deposits (Aave) and repayments sent by another wallet. */
  private static final double ON_BEHALF_SHARE = 0.06;

  /** One wallet's state in one protocol. */
  static final class Book {
    final BigInteger[] supply;
    final BigInteger[] debt;
    final boolean[] collateral;
    final double sizeUsd;
    final double risk;
    final double activity;
    final int startDay;

    Book(int markets, boolean[] collateral, double sizeUsd, double risk, double activity, int startDay) {
      this.supply = new BigInteger[markets];
      this.debt = new BigInteger[markets];
      Arrays.fill(supply, BigInteger.ZERO);
      Arrays.fill(debt, BigInteger.ZERO);
      this.collateral = collateral;
      this.sizeUsd = sizeUsd;
      this.risk = risk;
      this.activity = activity;
      this.startDay = startDay;
    }

    boolean hasDebt() {
      for (BigInteger b : debt) {
        if (b.signum() > 0) {
          return true;
        }
      }
      return false;
    }

    boolean hasSupply() {
      for (BigInteger b : supply) {
        if (b.signum() > 0) {
          return true;
        }
      }
      return false;
    }
  }

  private static final class Pending {
    final long block;
    final long seq;
    final Protocol protocol;
    final Market market;
    final EventKind kind;
    final String account;
    final String sender;
    final BigInteger quantity;
    final String liquidator;
    final Market debtMarket;
    final BigInteger quantityLiquidated;

    Pending(long block, long seq, Protocol protocol, Market market, EventKind kind, String account,
        String sender, BigInteger quantity, String liquidator, Market debtMarket, BigInteger quantityLiquidated) {
      this.block = block;
      this.seq = seq;
      this.protocol = protocol;
      this.market = market;
      this.kind = kind;
      this.account = account;
      this.sender = sender;
      this.quantity = quantity;
      this.liquidator = liquidator;
      this.debtMarket = debtMarket;
      this.quantityLiquidated = quantityLiquidated;
    }
  }

  /** What the generator produced. */
  record Result(List<LendingEvent> events, List<String> wallets,
      Map<Protocol, Map<String, boolean[]>> collateralFlags) {}

  private final SandboxOptions options;
  private final Chain chain;
  private final PricePaths prices;
  private final Map<Protocol, List<Market>> markets;
  private final SplittableRandom rnd;
  private final String[] liquidators;
  private long seq;
  private long eventCounter;
  private String[] wallets = new String[0];

  EventGenerator(SandboxOptions options, Chain chain, PricePaths prices, Map<Protocol, List<Market>> markets) {
    this.options = options;
    this.chain = chain;
    this.prices = prices;
    this.markets = markets;
    this.rnd = new SplittableRandom(options.seed());
    this.liquidators = new String[12];
    for (int i = 0; i < liquidators.length; i++) {
      liquidators[i] = Hex.address(options.seed() ^ 0x6c6971L, i);
    }
  }

  Result generate() {
    Protocol[] protocols = Protocol.values();
    int n = options.wallets();
    String[] addresses = new String[n];
    Book[][] books = new Book[n][];
    Map<Protocol, Map<String, boolean[]>> flags = new EnumMap<>(Protocol.class);
    for (Protocol p : protocols) {
      flags.put(p, new HashMap<>());
    }
    wallets = addresses;
    for (int w = 0; w < n; w++) {
      addresses[w] = Hex.address(options.seed() ^ 0x77616c6cL, w);
      books[w] = new Book[protocols.length];
      int primary = pick(new double[] {0.40, 0.35, 0.25});
      books[w][primary] = newBook(protocols[primary]);
      if (rnd.nextDouble() < 0.25) {
        int second = (primary + 1 + rnd.nextInt(protocols.length - 1)) % protocols.length;
        books[w][second] = newBook(protocols[second]);
      }
      for (int p = 0; p < protocols.length; p++) {
        if (books[w][p] != null) {
          flags.get(protocols[p]).put(addresses[w], books[w][p].collateral);
        }
      }
    }

    List<LendingEvent> events = new ArrayList<>();
    for (int d = 0; d < options.days(); d++) {
      LocalDate day = options.startDate().plusDays(d);
      long dayStart = chain.firstBlockOfDay(day);
      long dayEnd = chain.firstBlockOfDay(day.plusDays(1)) - 1;
      Map<Protocol, double[]> px = new EnumMap<>(Protocol.class);
      for (Protocol p : protocols) {
        List<Market> ms = markets.get(p);
        double[] a = new double[ms.size()];
        for (Market m : ms) {
          a[m.index()] = prices.price(m.token(), d).doubleValue();
        }
        px.put(p, a);
      }
      List<Pending> pending = new ArrayList<>();
      boolean[][] liquidated = new boolean[n][protocols.length];
      for (int w = 0; w < n; w++) {
        for (int p = 0; p < protocols.length; p++) {
          Book b = books[w][p];
          if (b != null && b.hasDebt()) {
            liquidated[w][p] = liquidateIfUnhealthy(protocols[p], addresses[w], b, px.get(protocols[p]), dayStart,
                pending);
          }
        }
      }
      for (int w = 0; w < n; w++) {
        for (int p = 0; p < protocols.length; p++) {
          Book b = books[w][p];
          if (b == null || d < b.startDay || rnd.nextDouble() >= b.activity) {
            continue;
          }
          int actions = !b.hasSupply() ? 2 : (rnd.nextDouble() < 0.2 ? 2 : 1);
          long[] blocks = new long[actions];
          for (int i = 0; i < actions; i++) {
            blocks[i] = dayStart + ACTIONS_FROM_BLOCK + rnd.nextLong(dayEnd - dayStart - ACTIONS_FROM_BLOCK + 1);
            // in the snapshot block itself; never for a wallet being liquidated after it that day
            if (!liquidated[w][p] && rnd.nextDouble() < FIRST_BLOCK_SHARE) {
              blocks[i] = dayStart;
            }
          }
          Arrays.sort(blocks);
          for (long block : blocks) {
            act(protocols[p], addresses[w], b, px.get(protocols[p]), block, pending);
          }
        }
      }
      pending.sort(Comparator.comparingLong((Pending x) -> x.block).thenComparingLong(x -> x.seq));
      emit(pending, events);
    }
    return new Result(List.copyOf(events), List.of(addresses), flags);
  }

  private Book newBook(Protocol protocol) {
    List<Market> ms = markets.get(protocol);
    boolean[] collateral = new boolean[ms.size()];
    for (Market m : ms) {
      // Most depositors enable their deposit as collateral; assets with no threshold cannot be.
      collateral[m.index()] = m.canBeCollateral() && rnd.nextDouble() < 0.92;
    }
    double size = StrictMath.exp(StrictMath.log(5_000) + 1.6 * gaussian());
    size = Math.max(50, Math.min(size, 20_000_000));
    double risk = 0.25 + 0.72 * StrictMath.pow(rnd.nextDouble(), 0.6);
    double activity = 0.08 + 0.45 * rnd.nextDouble();
    int startDay = rnd.nextDouble() < 0.4 ? 0 : rnd.nextInt(options.days());
    return new Book(ms.size(), collateral, size, risk, activity, startDay);
  }

  /** Whether a liquidation was emitted. */
  private boolean liquidateIfUnhealthy(Protocol protocol, String account, Book b, double[] px,
      long dayStart, List<Pending> out) {
    List<Market> ms = markets.get(protocol);
    Double hf = HealthMath.healthFactor(ms, b.supply, b.collateral, b.debt, px);
    if (hf == null || hf >= 1.0) {
      return false;
    }
    Market debtMarket = null;
    double debtUsd = 0;
    Market collMarket = null;
    double collUsd = 0;
    for (Market m : ms) {
      int i = m.index();
      double dv = HealthMath.tokens(b.debt[i], m.inputTokenDecimals()) * px[i];
      if (dv > debtUsd) {
        debtUsd = dv;
        debtMarket = m;
      }
      if (b.collateral[i]) {
        double cv = HealthMath.tokens(b.supply[i], m.inputTokenDecimals()) * px[i];
        if (cv > collUsd) {
          collUsd = cv;
          collMarket = m;
        }
      }
    }
    if (debtMarket == null || collMarket == null) {
      return false; // bad debt: nothing left to seize
    }
    int j = debtMarket.index();
    int c = collMarket.index();
    double bonus = collMarket.liquidationBonus();
    BigInteger repay = scale(b.debt[j], protocol.closeFactor(hf));
    double repayUsd = HealthMath.tokens(repay, debtMarket.inputTokenDecimals()) * px[j];
    BigInteger seize;
    if (repayUsd * (1 + bonus) >= collUsd) {
      seize = b.supply[c];
      repay = toBaseDown(collUsd / (1 + bonus) / px[j], debtMarket.inputTokenDecimals());
    } else {
      seize = toBaseDown(repayUsd * (1 + bonus) / px[c], collMarket.inputTokenDecimals());
    }
    repay = repay.min(b.debt[j]);
    seize = seize.min(b.supply[c]);
    if (repay.signum() <= 0 || seize.signum() <= 0) {
      return false;
    }
    b.debt[j] = b.debt[j].subtract(repay);
    b.supply[c] = b.supply[c].subtract(seize);
    String liquidator = liquidators[rnd.nextInt(liquidators.length)];
    long block = dayStart + 1 + rnd.nextInt(LIQUIDATION_WINDOW_BLOCKS);
    out.add(new Pending(block, seq++, protocol, collMarket, EventKind.LIQUIDATION, account, liquidator,
        seize, liquidator, debtMarket, repay));
    return true;
  }

  private void act(Protocol protocol, String account, Book b, double[] px, long block, List<Pending> out) {
    List<Market> ms = markets.get(protocol);
    double collLtv = 0;
    double debtUsd = 0;
    for (Market m : ms) {
      int i = m.index();
      if (b.collateral[i]) {
        collLtv += HealthMath.tokens(b.supply[i], m.inputTokenDecimals()) * px[i] * m.maximumLtvFraction();
      }
      debtUsd += HealthMath.tokens(b.debt[i], m.inputTokenDecimals()) * px[i];
    }
    EventKind kind;
    if (!b.hasSupply()) {
      kind = EventKind.DEPOSIT;
    } else if (debtUsd > 0) {
      kind = new EventKind[] {EventKind.BORROW, EventKind.REPAY, EventKind.DEPOSIT, EventKind.WITHDRAW, null}[
          pick(new double[] {0.25, 0.30, 0.20, 0.15, 0.10})];
    } else {
      kind = new EventKind[] {EventKind.BORROW, EventKind.DEPOSIT, EventKind.WITHDRAW, null}[
          pick(new double[] {0.45, 0.25, 0.20, 0.10})];
    }
    if (kind == EventKind.BORROW && collLtv - debtUsd < 1.0) {
      kind = debtUsd > 0 ? EventKind.REPAY : EventKind.DEPOSIT;
    }
    if (kind == null) {
      return;
    }
    switch (kind) {
      case DEPOSIT: {
        Market m = chooseMarket(ms, b.supply, 0.5, false, block);
        BigInteger q = toBase(b.sizeUsd * (0.2 + 0.8 * rnd.nextDouble()) / px[m.index()], m.inputTokenDecimals());
        if (q.signum() > 0) {
          b.supply[m.index()] = b.supply[m.index()].add(q);
          // only Aave's pool takes a deposit on behalf of another account (onBehalfOf)
          boolean behalf = protocol != Protocol.COMPOUND_V2 && rnd.nextDouble() < ON_BEHALF_SHARE;
          out.add(regular(block, protocol, m, kind, account, behalf ? otherWallet(account) : account, q));
        }
        return;
      }
      case BORROW: {
        double capacity = 0.99 * (collLtv - debtUsd);
        double target = b.risk * collLtv - debtUsd;
        double usd = Math.min(capacity, Math.max(target, 0.1 * capacity) * (0.5 + 0.5 * rnd.nextDouble()));
        Market m = chooseMarket(ms, b.debt, 0.6, true, block);
        BigInteger q = toBaseDown(usd / px[m.index()], m.inputTokenDecimals());
        if (q.signum() > 0) {
          b.debt[m.index()] = b.debt[m.index()].add(q);
          out.add(regular(block, protocol, m, kind, account, account, q));
        }
        return;
      }
      case REPAY: {
        Market m = chooseHeld(ms, b.debt);
        double share = rnd.nextDouble() < 0.3 ? 1.0 : 0.2 + 0.6 * rnd.nextDouble();
        BigInteger q = share >= 1.0 ? b.debt[m.index()] : scale(b.debt[m.index()], share);
        if (q.signum() > 0) {
          b.debt[m.index()] = b.debt[m.index()].subtract(q);
          // repayBorrowBehalf (Compound) / repay onBehalfOf (Aave): someone else pays the debt
          String sender = rnd.nextDouble() < ON_BEHALF_SHARE ? otherWallet(account) : account;
          out.add(regular(block, protocol, m, kind, account, sender, q));
        }
        return;
      }
      case WITHDRAW: {
        Market m = chooseHeld(ms, b.supply);
        int i = m.index();
        BigInteger q;
        if (debtUsd == 0 || !b.collateral[i]) {
          q = rnd.nextDouble() < 0.4 ? b.supply[i] : scale(b.supply[i], 0.1 + 0.8 * rnd.nextDouble());
        } else {
          // Only what keeps the remaining borrowing power above the debt.
          double maxTokens = (collLtv - debtUsd) / (px[i] * m.maximumLtvFraction());
          q = toBaseDown(0.95 * maxTokens * (0.2 + 0.8 * rnd.nextDouble()), m.inputTokenDecimals())
              .min(b.supply[i]);
        }
        if (q.signum() > 0) {
          b.supply[i] = b.supply[i].subtract(q);
          out.add(regular(block, protocol, m, kind, account, account, q));
        }
        return;
      }
      default:
        throw new IllegalStateException("unexpected action " + kind);
    }
  }

  private Pending regular(long block, Protocol protocol, Market m, EventKind kind, String account, String sender,
      BigInteger q) {
    return new Pending(block, seq++, protocol, m, kind, account, sender, q, null, null, null);
  }

  /** Another simulated wallet (the sender of an action on behalf of {@code account}). */
  private String otherWallet(String account) {
    if (wallets.length < 2) {
      return Hex.address(options.seed() ^ 0x72656c6179L, 0); // a relayer when there is no one else
    }
    String other = wallets[rnd.nextInt(wallets.length)];
    return other.equals(account) ? wallets[(java.util.Arrays.asList(wallets).indexOf(account) + 1) % wallets.length]
        : other;
  }

  /** With probability {@code stickiness} a market already held, else one listed by popularity. */
  private Market chooseMarket(List<Market> ms, BigInteger[] held, double stickiness, boolean borrowing, long block) {
    if (rnd.nextDouble() < stickiness) {
      List<Market> owned = new ArrayList<>();
      for (Market m : ms) {
        if (held[m.index()].signum() > 0) {
          owned.add(m);
        }
      }
      if (!owned.isEmpty()) {
        return owned.get(rnd.nextInt(owned.size()));
      }
    }
    double[] w = new double[ms.size()];
    for (Market m : ms) {
      w[m.index()] = m.listedAt(block) ? popularity(m.token(), borrowing) : 0.0;
    }
    return ms.get(pick(w));
  }

  private Market chooseHeld(List<Market> ms, BigInteger[] held) {
    List<Market> owned = new ArrayList<>();
    for (Market m : ms) {
      if (held[m.index()].signum() > 0) {
        owned.add(m);
      }
    }
    return owned.get(rnd.nextInt(owned.size()));
  }

  private static double popularity(Token t, boolean borrowing) {
    if (t == MarketCatalog.WETH || t.isNativeEth()) {
      return borrowing ? 0.25 : 0.35;
    }
    if (t.isStable()) {
      return borrowing ? 0.22 : 0.10;
    }
    if (t == MarketCatalog.WBTC) {
      return borrowing ? 0.03 : 0.15;
    }
    return borrowing ? 0.02 : 0.06;
  }

  private void emit(List<Pending> pending, List<LendingEvent> out) {
    long block = -1;
    int logIndex = 0;
    for (Pending p : pending) {
      if (p.block != block) {
        block = p.block;
        logIndex = (int) Math.floorMod(Hex.mix(options.seed() + block), 120);
      } else {
        logIndex += 1 + (int) Math.floorMod(Hex.mix(options.seed() ^ p.seq), 4);
      }
      out.add(new LendingEvent(p.protocol, p.block, logIndex, chain.timestamp(p.block),
          options.seed() ^ 0x7478L, eventCounter++, p.market,
          p.kind, p.kind.category(options.liquidationCategory()), p.account, p.sender, p.quantity,
          p.liquidator, p.debtMarket, p.quantityLiquidated));
    }
  }

  private int pick(double[] weights) {
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    double r = rnd.nextDouble() * total;
    for (int i = 0; i < weights.length; i++) {
      r -= weights[i];
      if (r < 0) {
        return i;
      }
    }
    return weights.length - 1;
  }

  private double gaussian() {
    double u1 = 1.0 - rnd.nextDouble();
    return Math.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2 * Math.PI * rnd.nextDouble());
  }

  private static BigInteger scale(BigInteger amount, double share) {
    return new BigDecimal(amount).multiply(BigDecimal.valueOf(share)).setScale(0, RoundingMode.DOWN).toBigInteger();
  }

  private static BigInteger toBaseDown(double tokens, int decimals) {
    if (!(tokens > 0) || Double.isInfinite(tokens)) {
      return BigInteger.ZERO;
    }
    return new BigDecimal(tokens, new MathContext(15)).movePointRight(decimals)
        .setScale(0, RoundingMode.DOWN).toBigInteger();
  }

  /** A deposit amount with realistic low-order digits (so nothing downstream may round through a double). */
  private BigInteger toBase(double tokens, int decimals) {
    BigInteger base = toBaseDown(tokens, decimals);
    if (base.signum() > 0 && decimals >= 8) {
      base = base.add(BigInteger.valueOf(rnd.nextLong(BigInteger.TEN.pow(decimals / 2).longValueExact())));
    }
    return base;
  }
}
