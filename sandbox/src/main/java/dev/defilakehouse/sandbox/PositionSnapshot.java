package dev.defilakehouse.sandbox;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every position of one protocol at one block, rebuilt by replaying the protocol's events with
 * {@code block_number <= block}: deposits and withdrawals move supply, borrows and repays move
 * debt, a liquidation removes the seized collateral and the repaid debt. Sorted by id.
 */
final class PositionSnapshot {
  private static final String BORROWER = "BORROWER";
  private final List<Position> positions;
  private final Map<String, List<Position>> byAccount;

  private PositionSnapshot(List<Position> positions) {
    this.positions = Collections.unmodifiableList(positions);
    Map<String, List<Position>> index = new HashMap<>();
    for (Position p : positions) {
      index.computeIfAbsent(p.account(), a -> new ArrayList<>()).add(p);
    }
    this.byAccount = index;
  }

  List<Position> all() { return positions; }

  List<Position> of(String account) { return byAccount.getOrDefault(account, List.of()); }

  private static final class Open {
    final String account;
    final Market market;
    final String key;
    final String side;
    final int counter;
    BigInteger balance = BigInteger.ZERO;

    Open(String account, Market market, String key, String side, int counter) {
      this.account = account;
      this.market = market;
      this.key = key;
      this.side = side;
      this.counter = counter;
    }

    Position toPosition(Map<String, boolean[]> flags) {
      Boolean isCollateral = null;
      if (!"BORROWER".equals(side)) {
        boolean[] f = flags.get(account);
        isCollateral = market.protocol().supplyCollateralFlag(f != null && f[market.index()]);
      }
      return new Position(key + "-" + counter, account, market, side, isCollateral, balance);
    }
  }

  /**
   * Replays one protocol's events forward and remembers where it stopped, so snapshots asked
   * for in increasing block order (a day-by-day backfill) cost one pass over the events in
   * total; an earlier block starts again from the first event. Not thread-safe.
   */
  static final class Replayer {
    private final Protocol protocol;
    private final List<LendingEvent> events;
    private final Map<String, boolean[]> collateralFlags;
    private Map<String, Open> open;
    private Map<String, Integer> nextCounter;
    private List<Position> closed;
    private int next;
    private long block;

    Replayer(Protocol protocol, List<LendingEvent> events, Map<String, boolean[]> collateralFlags) {
      this.protocol = protocol;
      this.events = events;
      this.collateralFlags = collateralFlags;
      restart();
    }

    private void restart() {
      open = new LinkedHashMap<>();
      nextCounter = new HashMap<>();
      closed = new ArrayList<>();
      next = 0;
      block = Long.MIN_VALUE;
    }

    PositionSnapshot at(long target) {
      if (target < block) {
        restart();
      }
      block = target;
      int end = upperBound(events, target);
      String supplySide = protocol.supplySide();
      for (; next < end; next++) {
        LendingEvent e = events.get(next);
        switch (e.kind()) {
          case DEPOSIT:
            move(e.accountAddress(), e.market(), supplySide, e.quantity());
            break;
          case WITHDRAW:
            move(e.accountAddress(), e.market(), supplySide, e.quantity().negate());
            break;
          case BORROW:
            move(e.accountAddress(), e.market(), BORROWER, e.quantity());
            break;
          case REPAY:
            move(e.accountAddress(), e.market(), BORROWER, e.quantity().negate());
            break;
          case LIQUIDATION:
            move(e.accountAddress(), e.market(), supplySide, e.quantity().negate());
            move(e.accountAddress(), e.debtMarket(), BORROWER, e.quantityLiquidated().negate());
            break;
          default:
            throw new IllegalStateException("unknown event kind " + e.kind());
        }
      }
      List<Position> out = new ArrayList<>(closed.size() + open.size());
      out.addAll(closed);
      for (Open o : open.values()) {
        out.add(o.toPosition(collateralFlags));
      }
      out.sort(Comparator.comparing(Position::id));
      return new PositionSnapshot(out);
    }

    private void move(String account, Market market, String side, BigInteger delta) {
      String key = account + "-" + market.id() + "-" + (BORROWER.equals(side) ? protocol.borrowerPositionKey() : side);
      Open o = open.get(key);
      if (o == null) {
        o = new Open(account, market, key, side, nextCounter.getOrDefault(key, 0));
        open.put(key, o);
      }
      o.balance = o.balance.add(delta);
      if (o.balance.signum() < 0) {
        throw new IllegalStateException("replay drove " + key + " below zero; the simulation is inconsistent");
      }
      if (o.balance.signum() == 0) {
        // The subgraph keeps a closed position with balance 0; the next one gets the next counter.
        closed.add(o.toPosition(collateralFlags));
        open.remove(key);
        nextCounter.put(key, o.counter + 1);
      }
    }
  }

  /** Index of the first event with {@code blockNumber > block}. */
  static int upperBound(List<LendingEvent> events, long block) {
    int lo = 0;
    int hi = events.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (events.get(mid).blockNumber() <= block) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
