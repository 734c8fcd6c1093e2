package dev.defilakehouse.common.catalog;

import java.util.List;

/** One job as declared in the catalog; its order in the pipeline follows from reads and writes. */
public record JobSpec(String name, String source, String layer, List<String> reads, List<String> writes, String description) {
  public JobSpec {
    reads = List.copyOf(reads);
    writes = List.copyOf(writes);
  }
}
