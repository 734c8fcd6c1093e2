package dev.defilakehouse.common.transform.stage;

import org.apache.spark.sql.Column;

/**
 * One validation rule as data: a row fails it when {@code failsWhen} is true (null counts as
 * passing). An ERROR failure sends the row to quarantine; a WARNING is only counted.
 */
public record ValidationRule(String name, Severity severity, Column failsWhen, String description) {

  public enum Severity { ERROR, WARNING }

  public ValidationRule {
    // names are joined with commas into a row's list of failed rules (StagePipeline)
    if (!name.matches("[a-z0-9_]+")) {
      throw new IllegalArgumentException("validation rule name '" + name + "': use lower-case letters, digits and _");
    }
  }

  public static ValidationRule error(String name, Column failsWhen, String description) {
    return new ValidationRule(name, Severity.ERROR, failsWhen, description);
  }

  public static ValidationRule warning(String name, Column failsWhen, String description) {
    return new ValidationRule(name, Severity.WARNING, failsWhen, description);
  }
}
