package dev.defilakehouse.common.transform.stage;

import dev.defilakehouse.common.config.BadArgumentException;
import java.util.Locale;
import java.util.stream.Collectors;

/** The gate after validation: too large a quarantined share means the source or the rules broke. */
public final class QuarantineThreshold {
  public static final String OPTION = "quarantine.max_share";
  public static final double DEFAULT_MAX_SHARE = 0.01;
  private static final int TOP_RULES = 5;

  private QuarantineThreshold() {}

  public static double parse(String value) {
    double share;
    try {
      share = Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      throw new BadArgumentException("--option " + OPTION + "=" + value + " is not a number between 0 and 1");
    }
    if (!(share >= 0.0 && share <= 1.0)) {
      throw new BadArgumentException("--option " + OPTION + "=" + value + " must be between 0 and 1 (a share, 0.01 = 1%)");
    }
    return share;
  }

  /**
   * Throws when the quarantined share is above {@code maxShare}; the message says what and where to
   * look. {@code scope} names the partition checked, e.g. {@code block_date=2024-01-01}.
   */
  public static void check(String stageTable, String scope, StageCounts counts, double maxShare, String quarantineTable) {
    check(stageTable, scope, scope, counts, maxShare, quarantineTable);
  }

  /** As above, when the run holds back more than the failing partition ({@code notWritten}, e.g. a range of days). */
  public static void check(String stageTable, String scope, String notWritten, StageCounts counts, double maxShare,
                           String quarantineTable) {
    if (counts.quarantinedShare() <= maxShare) {
      return;
    }
    String topRules = counts.quarantineRuleCounts().entrySet().stream().limit(TOP_RULES)
        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    throw new IllegalStateException(String.format(Locale.ROOT,
        "%s: %d of %d raw rows of %s quarantined (%.2f%%), above %s=%s (%.2f%%); top rules: %s. "
            + "%s was NOT written for %s. The quarantined rows, with every failed rule and the raw payload, "
            + "are in %s WHERE source_table = '%s'. Fix the source data or the rule, or raise --option %s, then re-run.",
        stageTable, counts.quarantinedRawRows(), counts.rawRows(), scope, 100 * counts.quarantinedShare(), OPTION, maxShare,
        100 * maxShare, topRules, stageTable, notWritten, quarantineTable, stageTable, OPTION));
  }
}
