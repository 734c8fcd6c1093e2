package dev.defilakehouse.local.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a pipeline benchmark has finished, saved in its root as each part finishes: the raw load
 * and each job's measurement. L takes hours (raw alone ~1 h on 2 cores), so a run that stops — on
 * purpose with {@code --raw-only}, or killed — goes on with {@code --resume} from the next
 * unfinished job instead of starting over. Every process that worked on the run is listed with its
 * machine, and every job says which process timed it: a job is always timed whole, in one process.
 */
final class BenchProgress {
  static final String FILE = "progress.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
      .enable(DeserializationFeature.USE_LONG_FOR_INTS); // the results' counts are longs, as when measured

  private final Path file;
  private final Map<String, Object> state;
  private final long process;

  private BenchProgress(Path file, Map<String, Object> state) {
    this.file = file;
    this.state = state;
    List<Object> processes = processes();
    processes.add(Map.of("started_at", Instant.now().toString(), "machine", MachineFacts.collect()));
    this.process = processes.size();
    save();
  }

  /** A new run of {@code scale} in an empty root. */
  static BenchProgress start(Path root, BenchScale scale) {
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("scale", describe(scale));
    state.put("processes", new ArrayList<>());
    state.put("jobs", new LinkedHashMap<>());
    return new BenchProgress(root.resolve(FILE), state);
  }

  /** The run of {@code scale} saved in {@code root}; a clear error if there is none, or it is of another size. */
  static BenchProgress resume(Path root, BenchScale scale) throws IOException {
    Path file = root.resolve(FILE);
    if (!Files.exists(file)) {
      throw new IllegalArgumentException("--resume: " + root + " holds no " + FILE
          + ", so no benchmark run to go on with; run without --resume to start one");
    }
    Map<String, Object> state = JSON.readValue(file.toFile(), new TypeReference<LinkedHashMap<String, Object>>() {});
    Map<String, Object> expected = describe(scale); // longs and strings, as the file is read back
    if (!expected.equals(state.get("scale"))) {
      throw new IllegalArgumentException("--resume: " + root + " holds a run of " + state.get("scale") + ", not of "
          + expected + "; pass the same size, --wallets and --days, or another --root");
    }
    return new BenchProgress(file, state);
  }

  static Map<String, Object> describe(BenchScale scale) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", scale.name());
    m.put("wallets", (long) scale.wallets());
    m.put("days", (long) scale.days());
    m.put("start", scale.start().toString());
    m.put("end", scale.end().toString());
    m.put("seed", scale.seed());
    return m;
  }

  /** This process's number in {@link #processes()}, from 1. */
  long process() {
    return process;
  }

  @SuppressWarnings("unchecked")
  List<Object> processes() {
    return (List<Object>) state.get("processes");
  }

  /** The raw load's figures, or null before it finished. */
  @SuppressWarnings("unchecked")
  Map<String, Object> raw() {
    return (Map<String, Object>) state.get("raw");
  }

  void recordRaw(Map<String, Object> raw) {
    state.put("raw", withProcess(raw));
    save();
  }

  /** A finished job's measurement, or null. */
  @SuppressWarnings("unchecked")
  Map<String, Object> job(String job) {
    return (Map<String, Object>) jobs().get(job);
  }

  void recordJob(String job, Map<String, Object> measured) {
    jobs().put(job, withProcess(measured));
    save();
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> jobs() {
    return (Map<String, Object>) state.get("jobs");
  }

  private Map<String, Object> withProcess(Map<String, Object> m) {
    Map<String, Object> copy = new LinkedHashMap<>(m);
    copy.put("process", process);
    copy.put("finished_at", Instant.now().toString());
    return copy;
  }

  /** Written aside and moved into place, so a kill mid-write leaves the last complete state. */
  private void save() {
    try {
      Files.createDirectories(file.getParent());
      Path next = file.resolveSibling(FILE + ".next");
      JSON.writeValue(next.toFile(), state);
      Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the benchmark's progress to " + file, e);
    }
  }
}
