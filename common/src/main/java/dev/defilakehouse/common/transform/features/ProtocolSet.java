package dev.defilakehouse.common.transform.features;

import static org.apache.spark.sql.functions.aggregate;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.bit_or;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.raise_error;
import static org.apache.spark.sql.functions.when;

import dev.defilakehouse.common.transform.stage.StageColumns;
import java.util.List;
import org.apache.spark.sql.Column;

/**
 * Sets of protocols as bit masks while aggregating: {@code bit_or} is a plain hash aggregate,
 * where {@code collect_set} or {@code collect_list} would force Spark's object hash aggregate,
 * which generates its projections again in every task and falls back to sorting beyond 128
 * wallets per task. The state keeps the sets as sorted arrays of names ({@link #names}).
 *
 * <p>Bit i stands for {@link StageColumns#PROTOCOLS}.get(i), the protocols the stage layer lets
 * through; any other name fails the run rather than going missing from a set.
 */
final class ProtocolSet {
  private static final List<String> PROTOCOLS = StageColumns.PROTOCOLS;

  private ProtocolSet() {}

  /** The bit of {@code protocol}; null stays null, an unknown name fails the run. */
  static Column bit(Column protocol) {
    Column bit = when(protocol.isNull(), lit(null).cast("int"));
    for (int i = 0; i < PROTOCOLS.size(); i++) {
      bit = bit.when(protocol.equalTo(lit(PROTOCOLS.get(i))), lit(1 << i));
    }
    return bit.otherwise(raise_error(lit("a protocol the features do not know reached analytics; known: "
        + String.join(", ", PROTOCOLS) + " (StageColumns.PROTOCOLS)")).cast("int"));
  }

  /** The union, over the group, of the protocols in {@code protocol} (null rows add nothing). */
  static Column union(Column protocol) {
    return bit_or(bit(protocol));
  }

  /** The mask of an array of protocol names (empty or null: 0). */
  static Column mask(Column names) {
    return aggregate(names, lit(0), (acc, name) -> acc.bitwiseOR(bit(name)));
  }

  /** The sorted array of the names in {@code mask} (null or 0: empty). */
  static Column names(Column mask) {
    Column all = array(PROTOCOLS.stream().map(p -> lit(p)).toArray(Column[]::new));
    return array_sort(filter(all, name -> mask.bitwiseAND(bit(name)).notEqual(lit(0))));
  }
}
