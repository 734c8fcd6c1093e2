package dev.defilakehouse.common.catalog;

import dev.defilakehouse.common.config.Env;
import java.util.List;

/** One lakehouse table as declared in the catalog: where it lives and how it is keyed. */
public record TableSpec(String layer, String name, List<String> partitionBy, List<String> keys, String description) {

  public TableSpec {
    partitionBy = List.copyOf(partitionBy);
    keys = List.copyOf(keys);
  }

  /** {@code raw.transpose_deposit_events}: how jobs and the catalog refer to a table. */
  public String id() {
    return layer + "." + name;
  }

  public String database(Env env) {
    return "db_" + layer + "_" + env.id();
  }

  /** {@code db_raw_local.transpose_deposit_events}: the name analysts and Athena use. */
  public String qualifiedName(Env env) {
    return database(env) + "." + name;
  }

  public String location(String lakehouseRoot) {
    String root = lakehouseRoot.endsWith("/") ? lakehouseRoot.substring(0, lakehouseRoot.length() - 1) : lakehouseRoot;
    return root + "/" + layer + "/" + name;
  }

  public boolean isPartitioned() {
    return !partitionBy.isEmpty();
  }
}
