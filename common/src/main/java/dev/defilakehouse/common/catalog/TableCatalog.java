package dev.defilakehouse.common.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The one table and job catalog ({@code table-catalog/catalog.json}). Terraform and the Airflow DAG read
 * the same file, so the lists cannot drift.
 */
public final class TableCatalog {
  public static final String RESOURCE = "table-catalog/catalog.json";

  private final Map<String, TableSpec> tables;
  private final Map<String, JobSpec> jobs;

  private TableCatalog(Map<String, TableSpec> tables, Map<String, JobSpec> jobs) {
    this.tables = Collections.unmodifiableMap(tables);
    this.jobs = Collections.unmodifiableMap(jobs);
  }

  private static final class Holder {
    static final TableCatalog INSTANCE = load();
  }

  public static TableCatalog get() {
    return Holder.INSTANCE;
  }

  static TableCatalog load() {
    try (InputStream in = TableCatalog.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("catalog resource " + RESOURCE + " is missing from the classpath");
      }
      return parse(new ObjectMapper().readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  static TableCatalog parse(JsonNode root) {
    Map<String, TableSpec> tables = new LinkedHashMap<>();
    for (JsonNode t : root.path("tables")) {
      TableSpec spec = new TableSpec(t.path("layer").asText(), t.path("name").asText(),
          strings(t.path("partition_by")), strings(t.path("keys")), t.path("description").asText(""));
      if (tables.put(spec.id(), spec) != null) {
        throw new IllegalStateException("catalog declares table " + spec.id() + " twice");
      }
    }
    Map<String, JobSpec> jobs = new LinkedHashMap<>();
    for (JsonNode j : root.path("jobs")) {
      JobSpec spec = new JobSpec(j.path("name").asText(), j.path("source").asText(), j.path("layer").asText(),
          strings(j.path("reads")), strings(j.path("writes")), j.path("description").asText(""));
      for (String table : concat(spec.reads(), spec.writes())) {
        if (!tables.containsKey(table)) {
          throw new IllegalStateException("catalog job " + spec.name() + " names unknown table " + table);
        }
      }
      if (jobs.put(spec.name(), spec) != null) {
        throw new IllegalStateException("catalog declares job " + spec.name() + " twice");
      }
    }
    return new TableCatalog(tables, jobs);
  }

  public List<TableSpec> tables() {
    return List.copyOf(tables.values());
  }

  public List<JobSpec> jobs() {
    return List.copyOf(jobs.values());
  }

  /** A table by id, e.g. {@code stage.quarantine}. */
  public TableSpec table(String id) {
    TableSpec spec = tables.get(id);
    if (spec == null) {
      throw new NoSuchElementException("no table " + id + " in the catalog");
    }
    return spec;
  }

  public TableSpec table(String layer, String name) {
    return table(layer + "." + name);
  }

  public boolean hasJob(String name) {
    return jobs.containsKey(name);
  }

  public JobSpec job(String name) {
    JobSpec spec = jobs.get(name);
    if (spec == null) {
      throw new NoSuchElementException("no job " + name + " in the catalog");
    }
    return spec;
  }

  /** The jobs that must finish before {@code job}: those writing a table it reads. */
  public Set<String> upstreamOf(String job) {
    Set<String> upstream = new LinkedHashSet<>();
    for (String read : job(job).reads()) {
      for (JobSpec other : jobs.values()) {
        if (!other.name().equals(job) && other.writes().contains(read)) {
          upstream.add(other.name());
        }
      }
    }
    return upstream;
  }

  /** Jobs in an order where every job comes after its upstream jobs (catalog order breaks ties). */
  public List<JobSpec> jobsInDependencyOrder() {
    List<JobSpec> ordered = new ArrayList<>();
    Set<String> done = new LinkedHashSet<>();
    Set<String> visiting = new LinkedHashSet<>();
    for (String name : jobs.keySet()) {
      visit(name, done, visiting, ordered);
    }
    return ordered;
  }

  private void visit(String name, Set<String> done, Set<String> visiting, List<JobSpec> ordered) {
    if (done.contains(name)) {
      return;
    }
    if (!visiting.add(name)) {
      throw new IllegalStateException("catalog jobs form a cycle through " + name);
    }
    for (String up : upstreamOf(name)) {
      visit(up, done, visiting, ordered);
    }
    visiting.remove(name);
    done.add(name);
    ordered.add(jobs.get(name));
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
