package dev.defilakehouse.sandbox;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The embedded SQL engine behind {@code POST /sql}: an in-memory H2 database (PostgreSQL mode)
 * with {@code ethereum.lending_events} and {@code ethereum.blocks}. Queries run as a user that may
 * only SELECT, so a request cannot change the data.
 */
final class TransposeDatabase implements AutoCloseable {
  /**
   * Above this many blocks (~35 days), {@code ethereum.blocks} is a computed view instead of a
   * table: H2 needs ~200 bytes per stored block row, too much for a year of 12-second blocks.
   */
  static final long MATERIALISED_BLOCKS_MAX = 250_000L;
  private static final AtomicLong INSTANCES = new AtomicLong();

  private final String url;
  private final String readerPassword;
  private final Connection owner;

  TransposeDatabase(Simulation sim) {
    this.url = "jdbc:h2:mem:sandbox_" + INSTANCES.incrementAndGet() + "_" + Long.toHexString(System.nanoTime());
    this.readerPassword = Hex.hex(System.nanoTime(), INSTANCES.get(), 24);
    try {
      // Database settings go on the owner's URL only: applying them needs admin rights.
      this.owner = DriverManager.getConnection(
          url + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=0", "sa", "");
      load(sim);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot build the sandbox SQL database: " + e.getMessage(), e);
    }
  }

  private void load(Simulation sim) throws SQLException {
    try (Statement st = owner.createStatement()) {
      st.execute("CREATE SCHEMA ethereum");
      st.execute("CREATE TABLE ethereum.lending_events ("
          + "\"timestamp\" TIMESTAMP NOT NULL, block_number BIGINT NOT NULL, log_index INTEGER NOT NULL, "
          + "transaction_hash VARCHAR(66) NOT NULL, protocol_name VARCHAR(16) NOT NULL, "
          + "contract_version VARCHAR(8) NOT NULL, market_address VARCHAR(42) NOT NULL, "
          + "token_address VARCHAR(42) NOT NULL, category VARCHAR(16) NOT NULL, "
          + "account_address VARCHAR(42) NOT NULL, sender_address VARCHAR(42) NOT NULL, "
          + "quantity NUMERIC(78,0) NOT NULL, liquidator_address VARCHAR(42), "
          + "liquidated_token_address VARCHAR(42), quantity_liquidated NUMERIC(78,0))");
    }
    String insert = "INSERT INTO ethereum.lending_events VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    owner.setAutoCommit(false);
    try (PreparedStatement ps = owner.prepareStatement(insert)) {
      int batch = 0;
      for (LendingEvent e : sim.events()) {
        // the row exactly as the API renders it (EIP-55 addresses, native ETH as the zero address)
        Map<String, Object> row = TransposeRows.eventRow(e);
        ps.setObject(1, LocalDateTime.ofEpochSecond(e.timestampSecond(), 0, ZoneOffset.UTC));
        ps.setLong(2, e.blockNumber());
        ps.setInt(3, e.logIndex());
        ps.setString(4, e.transactionHash());
        ps.setString(5, e.protocolName());
        ps.setString(6, e.contractVersion());
        ps.setString(7, (String) row.get("market_address"));
        ps.setString(8, (String) row.get("token_address"));
        ps.setString(9, e.category());
        ps.setString(10, (String) row.get("account_address"));
        ps.setString(11, (String) row.get("sender_address"));
        ps.setBigDecimal(12, new BigDecimal(e.quantity()));
        ps.setString(13, (String) row.get("liquidator_address"));
        ps.setString(14, (String) row.get("liquidated_token_address"));
        if (e.quantityLiquidated() == null) {
          ps.setNull(15, Types.NUMERIC);
        } else {
          ps.setBigDecimal(15, new BigDecimal(e.quantityLiquidated()));
        }
        ps.addBatch();
        if (++batch % 5_000 == 0) {
          ps.executeBatch();
        }
      }
      ps.executeBatch();
    }
    owner.commit();
    owner.setAutoCommit(true);
    try (Statement st = owner.createStatement()) {
      st.execute("CREATE INDEX lending_events_block ON ethereum.lending_events(block_number, log_index)");
      // Clients page one category over a time window by (block_number, log_index): this index
      // serves that window whatever form the keyset predicate takes.
      st.execute("CREATE INDEX lending_events_category ON ethereum.lending_events(category, \"timestamp\", block_number, log_index)");
      st.execute("CREATE INDEX lending_events_time ON ethereum.lending_events(\"timestamp\")");
      loadBlocks(sim, st);
      st.execute("CREATE USER reader PASSWORD '" + readerPassword + "'");
      st.execute("GRANT SELECT ON SCHEMA ethereum TO reader");
    }
  }

  private void loadBlocks(Simulation sim, Statement st) throws SQLException {
    long first = sim.firstBlock();
    long head = sim.headBlock();
    // Block time is arithmetic (12 s slots), so both forms compute rows from the block range.
    LocalDateTime t0 = LocalDateTime.ofEpochSecond(sim.blockTimestamp(first).getEpochSecond(), 0, ZoneOffset.UTC);
    String rows = "SELECT CAST(\"X\" AS BIGINT) AS block_number, DATEADD(SECOND, (\"X\" - " + first + ") * "
        + Chain.SLOT_SECONDS + ", TIMESTAMP '" + t0 + "') AS \"timestamp\" FROM SYSTEM_RANGE(" + first + ", " + head + ")";
    if (head - first + 1 <= MATERIALISED_BLOCKS_MAX) {
      st.execute("CREATE TABLE ethereum.blocks (block_number BIGINT PRIMARY KEY, \"timestamp\" TIMESTAMP NOT NULL)");
      st.execute("INSERT INTO ethereum.blocks " + rows);
      st.execute("CREATE INDEX blocks_time ON ethereum.blocks(\"timestamp\")");
    } else {
      st.execute("CREATE VIEW ethereum.blocks AS " + rows);
    }
  }

  /** A connection that may only read. Close it after the request. */
  Connection reader() throws SQLException {
    return DriverManager.getConnection(url, "reader", readerPassword);
  }

  @Override
  public void close() {
    try {
      owner.close(); // the last connection to a DB_CLOSE_DELAY=0 database drops it
    } catch (SQLException e) {
      // nothing to recover: the database lived in memory
    }
  }
}
