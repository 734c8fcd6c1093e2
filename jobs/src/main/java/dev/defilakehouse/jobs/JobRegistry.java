package dev.defilakehouse.jobs;

import dev.defilakehouse.common.catalog.TableCatalog;
import dev.defilakehouse.common.job.LakehouseJob;
import dev.defilakehouse.jobs.analytics.AnalyticsJobs;
import dev.defilakehouse.jobs.features.FeatureJobs;
import dev.defilakehouse.jobs.raw.RawJobs;
import dev.defilakehouse.jobs.stage.StageJobs;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Job name (as in the catalog) to implementation. Each layer registers its own jobs. */
public final class JobRegistry {
  private final Map<String, LakehouseJob> jobs;

  private JobRegistry(Map<String, LakehouseJob> jobs) {
    this.jobs = Collections.unmodifiableMap(jobs);
  }

  public static JobRegistry standard() {
    Map<String, LakehouseJob> jobs = new LinkedHashMap<>();
    RawJobs.register(jobs);
    StageJobs.register(jobs);
    AnalyticsJobs.register(jobs);
    FeatureJobs.register(jobs);
    TableCatalog catalog = TableCatalog.get();
    for (String name : jobs.keySet()) {
      if (!catalog.hasJob(name)) {
        throw new IllegalStateException("job " + name + " is implemented but missing from the catalog");
      }
    }
    return new JobRegistry(jobs);
  }

  public boolean has(String name) {
    return jobs.containsKey(name);
  }

  public LakehouseJob get(String name) {
    return jobs.get(name);
  }

  public Map<String, LakehouseJob> all() {
    return jobs;
  }
}
