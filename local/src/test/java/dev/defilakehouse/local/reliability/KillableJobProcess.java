package dev.defilakehouse.local.reliability;

import dev.defilakehouse.common.testing.ChildJvm;
import dev.defilakehouse.jobs.Launcher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The launcher running one job in a child JVM (as bin/lakehouse runs it: Spark's JVM options,
 * SPARK_LOCAL_IP=127.0.0.1), which the test can watch and {@code kill -9}.
 */
final class KillableJobProcess implements AutoCloseable {
  private final Process process;
  private final Path stdout;
  private final Path stderr;

  private KillableJobProcess(ChildJvm.Started child) {
    this.process = child.process();
    this.stdout = child.stdout();
    this.stderr = child.stderr();
  }

  static KillableJobProcess start(List<String> launcherArgs, Map<String, String> systemProperties,
      Map<String, String> env, Path workDir) throws IOException {
    // a short-lived JVM about to be killed: C1 only and one GC thread spend less of a busy machine's CPU
    List<String> jvmOptions = new ArrayList<>(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
    systemProperties.forEach((k, v) -> jvmOptions.add("-D" + k + "=" + v));
    return new KillableJobProcess(ChildJvm.start(jvmOptions, ChildJvm.testClasspath(), Launcher.class.getName(),
        launcherArgs, env, workDir));
  }

  long pid() {
    return process.pid();
  }

  /**
   * Waits until {@code reached} holds or the child ends; true when reached. The bound only keeps a
   * hung child from hanging the build: no assertion depends on how long it took.
   */
  boolean awaitOrExit(BooleanSupplier reached) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (reached.getAsBoolean()) {
        return true;
      }
      if (!process.isAlive()) {
        return reached.getAsBoolean();
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("child JVM neither reached the kill point nor ended in 10 minutes:\n" + output());
  }

  /** The first stderr line carrying the pause marker, or null. */
  String pauseLine() {
    return stderrText().lines().filter(l -> l.startsWith(KillPoint.MARKER)).findFirst().orElse(null);
  }

  /** Waits for the child to end by itself; its exit code. */
  int awaitExit() throws InterruptedException {
    if (!process.waitFor(10, TimeUnit.MINUTES)) {
      throw new IllegalStateException("child JVM did not end in 10 minutes:\n" + output());
    }
    return process.exitValue();
  }

  /** {@code kill -9} (destroyForcibly is SIGKILL on Linux); returns the exit code (137). */
  int kill() throws InterruptedException {
    process.destroyForcibly();
    return process.waitFor();
  }

  String output() {
    try {
      return "--- stdout\n" + Files.readString(stdout, StandardCharsets.UTF_8) + "\n--- stderr\n" + stderrText();
    } catch (IOException e) {
      return "(output unreadable: " + e.getMessage() + ")";
    }
  }

  private String stderrText() {
    try {
      return Files.readString(stderr, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor();
    }
  }
}
