package dev.defilakehouse.common.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class in a fresh JVM the way bin/lakehouse does: Spark's --add-opens list (system
 * property spark.java.options, set by Surefire from the pom), SPARK_LOCAL_IP=127.0.0.1.
 */
public final class ChildJvm {
  /** What the child printed and how it ended. */
  public record Result(int exitCode, String stdout, String stderr) {
    public String output() {
      return stdout + stderr;
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
  }

  private ChildJvm() {}

  /** This test JVM's real classpath (Surefire's manifest-only jar hides it from java.class.path). */
  public static List<String> testClasspath() {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    return Arrays.stream(cp.split(File.pathSeparator)).filter(s -> !s.isBlank()).toList();
  }

  /** A child started and maybe still running, and the files its stdout and stderr go to. */
  public record Started(Process process, Path stdout, Path stderr) {}

  public static Result run(List<String> classpath, String mainClass, List<String> args, Map<String, String> env,
      Path workDir) throws IOException, InterruptedException {
    Started child = start(List.of(), classpath, mainClass, args, env, workDir);
    // A generous bound only so a hung child cannot hang the build; no assertion depends on timing.
    if (!child.process().waitFor(10, TimeUnit.MINUTES)) {
      child.process().destroyForcibly().waitFor();
      throw new IllegalStateException("child JVM " + mainClass + " " + args + " did not finish in 10 minutes");
    }
    return new Result(child.process().exitValue(), Files.readString(child.stdout(), StandardCharsets.UTF_8),
        Files.readString(child.stderr(), StandardCharsets.UTF_8));
  }

  /** Starts the child with {@code jvmOptions} after Spark's, its stdin closed; does not wait for it. */
  public static Started start(List<String> jvmOptions, List<String> classpath, String mainClass, List<String> args,
      Map<String, String> env, Path workDir) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    String sparkOptions = System.getProperty("spark.java.options");
    if (sparkOptions == null || sparkOptions.isBlank()) {
      throw new IllegalStateException("system property spark.java.options is missing: run the tests through Maven");
    }
    command.addAll(Arrays.asList(sparkOptions.trim().split("\\s+")));
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(String.join(File.pathSeparator, classpath));
    command.add(mainClass);
    command.addAll(args);
    Files.createDirectories(workDir);
    Path out = Files.createTempFile(workDir, "stdout", ".txt");
    Path err = Files.createTempFile(workDir, "stderr", ".txt");
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    builder.environment().remove("LAKEHOUSE_VERBOSE");
    builder.environment().putAll(env);
    Process process = builder.start();
    process.getOutputStream().close();
    return new Started(process, out, err);
  }
}
