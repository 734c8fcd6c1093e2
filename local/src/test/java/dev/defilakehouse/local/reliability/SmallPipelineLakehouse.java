package dev.defilakehouse.local.reliability;

import dev.defilakehouse.common.config.Env;
import dev.defilakehouse.common.config.Interval;
import dev.defilakehouse.common.config.RunConfig;
import dev.defilakehouse.common.config.Secrets;
import dev.defilakehouse.common.testing.SparkTestSession;
import dev.defilakehouse.jobs.JobRegistry;
import dev.defilakehouse.local.PipelineRunner;
import dev.defilakehouse.local.SandboxSources;
import dev.defilakehouse.sandbox.Sandbox;
import dev.defilakehouse.sandbox.SandboxOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * The reference the S3, kill and re-run cases compare with: a small sandbox (80 wallets) and the
 * whole pipeline run once, uninterrupted, into a local directory for one day (events of START,
 * the snapshot of END): the cost of these cases is per commit, not per row. The day is one on
 * which the simulation has every event kind at least twice (deposits 11, withdraws 3, borrows 11,
 * repays 7, liquidations 2), so every job has rows to lose when it is killed; the simulation's
 * events depend on its length, so seed, wallets and days go together with the dates. Built once per test
 * JVM (it costs a pipeline run); the sandbox stops and the directory goes when the JVM ends.
 * Cases that change tables work on a {@link #copyTo copy}.
 */
final class SmallPipelineLakehouse {
  static final LocalDate START = LocalDate.parse("2024-01-07");
  static final LocalDate END = LocalDate.parse("2024-01-08");
  private static final LocalDate SANDBOX_START = LocalDate.parse("2024-01-01");

  private static SmallPipelineLakehouse instance;

  private final Sandbox sandbox;
  private final Path root;
  private final Map<String, String> checksums;
  private final long pipelineSeconds;

  private SmallPipelineLakehouse(Sandbox sandbox, Path root, Map<String, String> checksums, long pipelineSeconds) {
    this.sandbox = sandbox;
    this.root = root;
    this.checksums = checksums;
    this.pipelineSeconds = pipelineSeconds;
  }

  static synchronized SmallPipelineLakehouse get() throws Exception {
    if (instance == null) {
      SparkSession spark = SparkTestSession.get();
      // the sandbox's eight days end with the interval's end day, whose first block is the snapshot
      Sandbox sandbox = Sandbox.start(
          SandboxOptions.builder().seed(12).wallets(80).startDate(SANDBOX_START).days(8).build());
      Path root = Files.createTempDirectory("reliability-lakehouse");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        sandbox.close();
        deleteTree(root);
      }));
      long started = System.nanoTime();
      new PipelineRunner(JobRegistry.standard(), line -> { }).runAll(spark,
          config(sandbox, root.toString(), "reliability-uninterrupted"), SandboxSources.secrets(sandbox));
      long seconds = (System.nanoTime() - started) / 1_000_000_000;
      instance = new SmallPipelineLakehouse(sandbox, root, LakehouseChecksums.all(spark, root.toString()), seconds);
    }
    return instance;
  }

  /** A run of the whole interval against the sandbox into {@code root}. */
  static RunConfig config(Sandbox sandbox, String root, String runId) {
    return new RunConfig(Env.LOCAL, root, Interval.of(START, END), SandboxSources.jobOptions(sandbox), runId);
  }

  Sandbox sandbox() {
    return sandbox;
  }

  Secrets secrets() {
    return SandboxSources.secrets(sandbox);
  }

  /** Every catalog table's checksum right after the uninterrupted run. */
  Map<String, String> checksums() {
    return checksums;
  }

  long pipelineSeconds() {
    return pipelineSeconds;
  }

  /** A copy of the lakehouse at {@code target} (a fresh directory). */
  Path copyTo(Path target) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        Path to = target.resolve(root.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else {
          Files.copy(p, to, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    return target;
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
