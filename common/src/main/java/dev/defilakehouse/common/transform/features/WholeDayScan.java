package dev.defilakehouse.common.transform.features;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.Partition;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.ColumnarToRowExec;
import org.apache.spark.sql.execution.FileSourceScanExec;
import org.apache.spark.sql.execution.FilterExec;
import org.apache.spark.sql.execution.InputAdapter;
import org.apache.spark.sql.execution.ProjectExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.UnionExec;
import org.apache.spark.sql.execution.WholeStageCodegenExec;
import org.apache.spark.sql.execution.datasources.FilePartition;
import org.apache.spark.sql.execution.datasources.PartitionedFile;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The rows of a date-partitioned read, as Spark's tasks will read them, when every date's rows
 * come whole and in one run to one task: then a per-day grouping can be finished inside each task
 * ({@link DayFold}), instead of shuffling every row and hashing every (wallet, day).
 *
 * <p>Spark promises no such layout, so it is checked on the very plan whose rows are returned: the
 * plan may only scan, filter and project (or union such reads), and in every scan task the files
 * of a date must be whole (not split) and next to each other, no date in two tasks. The analytics
 * tables are written one file per date, which passes; anything else (a date in several files that
 * land apart, a file split, a local relation in a test) gives empty, and the caller takes its
 * shuffling plan instead.
 */
final class WholeDayScan {
  private static final Logger LOG = LoggerFactory.getLogger(WholeDayScan.class);
  private static final Set<Class<?>> ROW_BY_ROW = Set.of(WholeStageCodegenExec.class, InputAdapter.class,
      ColumnarToRowExec.class, FilterExec.class, ProjectExec.class, UnionExec.class);

  private WholeDayScan() {}

  /**
   * The rows of {@code rows} (each task: its dates one after the other), when each scan under it is
   * partitioned by a date column named {@code dateColumn} and passes the check above; else empty.
   */
  static Optional<RDD<InternalRow>> of(Dataset<Row> rows, String dateColumn) {
    SparkPlan plan = rows.queryExecution().executedPlan();
    List<FileSourceScanExec> scans = new ArrayList<>();
    if (!onlyScans(plan, scans) || scans.isEmpty()) {
      LOG.debug("not a plain read of files by {}: every row is shuffled", dateColumn);
      return Optional.empty();
    }
    for (FileSourceScanExec scan : scans) {
      if (!wholeDays(scan, dateColumn)) {
        // Worth knowing when a feature run is slower than usual: compacting the table fixes it.
        LOG.info("{} is not read whole day by day (a day in several files or tasks): every row is shuffled",
            scan.tableIdentifier().map(Object::toString).getOrElse(() -> scan.relation().location().toString()));
        return Optional.empty();
      }
    }
    LOG.debug("read whole day by day ({}): aggregated inside each task", dateColumn);
    // The same executed plan, so the same scan RDDs and partitions as checked.
    return Optional.of(rows.queryExecution().toRdd());
  }

  private static boolean onlyScans(SparkPlan plan, List<FileSourceScanExec> scans) {
    if (plan instanceof FileSourceScanExec scan) {
      scans.add(scan);
      return true;
    }
    if (!ROW_BY_ROW.contains(plan.getClass())) {
      return false;
    }
    for (SparkPlan child : CollectionConverters.asJava(plan.children())) {
      if (!onlyScans(child, scans)) {
        return false;
      }
    }
    return true;
  }

  private static boolean wholeDays(FileSourceScanExec scan, String dateColumn) {
    StructType partitionSchema = scan.relation().partitionSchema();
    if (partitionSchema.getFieldIndex(dateColumn).isEmpty()
        || !partitionSchema.apply(dateColumn).dataType().equals(DataTypes.DateType)) {
      return false;
    }
    int ordinal = partitionSchema.fieldIndex(dateColumn);
    Map<Integer, Integer> taskOfDate = new HashMap<>();
    for (Partition partition : scan.inputRDD().partitions()) {
      if (!(partition instanceof FilePartition task)) {
        return false;
      }
      Integer previous = null;
      for (PartitionedFile file : task.files()) {
        if (file.start() != 0 || file.partitionValues().isNullAt(ordinal)) {
          return false; // a file split in pieces, or one with no date
        }
        int date = file.partitionValues().getInt(ordinal);
        Integer task0 = taskOfDate.putIfAbsent(date, task.index());
        boolean continuesTheRun = previous != null && previous == date;
        if (task0 != null && (task0 != task.index() || !continuesTheRun)) {
          return false; // the date is read by two tasks, or twice apart in one
        }
        previous = date;
      }
    }
    return true;
  }
}
