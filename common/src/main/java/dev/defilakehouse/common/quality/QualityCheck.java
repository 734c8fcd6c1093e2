package dev.defilakehouse.common.quality;

/**
 * One data-quality check and its outcome, as analysts read it in {@code analytics.data_quality_results}:
 * what was expected, what was observed, and a message saying what is wrong when it failed.
 */
public record QualityCheck(String name, String expectation, String observed, boolean passed, String message) {

  public static QualityCheck of(String name, String expectation, String observed, boolean passed, String failure) {
    return new QualityCheck(name, expectation, observed, passed, passed ? "ok" : failure);
  }
}
