package dev.defilakehouse.local.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a result depends on besides the code: cores, memory, CPU model, JVM. */
final class MachineFacts {
  private MachineFacts() {}

  static Map<String, Object> collect() {
    Map<String, Object> facts = new LinkedHashMap<>();
    facts.put("cores", Runtime.getRuntime().availableProcessors());
    facts.put("memory_total_bytes", memTotalBytes());
    facts.put("cpu_model", cpuModel());
    facts.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
        + System.getProperty("os.arch"));
    facts.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    facts.put("jvm_max_heap_bytes", Runtime.getRuntime().maxMemory());
    facts.put("spark_version", org.apache.spark.package$.MODULE$.SPARK_VERSION());
    return facts;
  }

  private static String cpuModel() {
    for (String line : lines("/proc/cpuinfo")) {
      if (line.startsWith("model name")) {
        return line.substring(line.indexOf(':') + 1).trim();
      }
    }
    return "unknown";
  }

  private static long memTotalBytes() {
    for (String line : lines("/proc/meminfo")) {
      if (line.startsWith("MemTotal:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return -1;
  }

  private static List<String> lines(String file) {
    try {
      return Files.readAllLines(Path.of(file));
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }
}
