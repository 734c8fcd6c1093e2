package dev.defilakehouse.common.transform.stage;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.json_object_keys;
import static org.apache.spark.sql.functions.left;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.lpad;
import static org.apache.spark.sql.functions.right;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;

/** Column expressions shared by the stage transformations: parsing, normalising, exact amounts. */
public final class StageColumns {
  private StageColumns() {}

  public static final List<String> PROTOCOLS = List.of("aave_v2", "aave_v3", "compound_v2");
  public static final DecimalType RAW_AMOUNT = DataTypes.createDecimalType(38, 0);
  public static final DecimalType WHOLE_AMOUNT = DataTypes.createDecimalType(38, 18);

  private static final String ADDRESS = "^0x[0-9a-fA-F]{40}$";
  private static final String HASH = "^0x[0-9a-fA-F]{64}$";
  private static final String INTEGER = "^-?[0-9]+$";

  /** True when the payload is a JSON object (json_object_keys is null for invalid JSON, null or non-objects). */
  public static Column isJsonObject(Column payload) {
    return json_object_keys(payload).isNotNull();
  }

  public static Column normalised(Column text) {
    return lower(trim(text));
  }

  public static Column malformedAddress(Column text) {
    return text.isNotNull().and(text.rlike(ADDRESS).unary_$bang());
  }

  public static Column malformedHash(Column text) {
    return text.isNotNull().and(text.rlike(HASH).unary_$bang());
  }

  public static Column unknownProtocol(Column protocol) {
    return protocol.isNotNull().and(protocol.isin(PROTOCOLS.toArray()).unary_$bang());
  }

  /** The base-unit integer as decimal(38,0); null unless the text is a non-negative integer that fits. */
  public static Column rawAmount(Column text) {
    return when(text.rlike("^[0-9]+$"), text.try_cast(RAW_AMOUNT));
  }

  /**
   * {@code raw / 10^decimals} as decimal(38,18), exactly: the decimal point is placed in the digit
   * string (never through double or a lossy decimal division). Null when decimals are unknown or
   * the whole-token value does not fit decimal(38,18). More than 18 fraction digits round half-up.
   */
  public static Column wholeTokens(Column raw, Column decimals) {
    Column digits = raw.cast(DataTypes.StringType);
    Column padded = lpad(digits, greatest(length(digits), decimals.plus(1)), lit("0"));
    Column withPoint = when(decimals.equalTo(0), digits)
        .otherwise(concat(left(padded, length(padded).minus(decimals)), lit("."), right(padded, decimals)));
    return when(raw.isNotNull().and(decimals.isNotNull()).and(decimals.geq(0)), withPoint.try_cast(WHOLE_AMOUNT));
  }

  /**
   * The rules every amount field gets: {@code non_numeric_<f>}, {@code negative_<f>},
   * {@code <f>_out_of_range} (not a decimal(38,0)) and {@code <f>_whole_out_of_range} (in whole
   * tokens not a decimal(38,18)). A missing amount is a separate rule of the caller.
   */
  public static List<ValidationRule> amountRules(String field, Column text, Column raw, Column decimals, Column whole) {
    List<ValidationRule> rules = new ArrayList<>();
    rules.add(ValidationRule.error("non_numeric_" + field, text.isNotNull().and(text.rlike(INTEGER).unary_$bang()),
        field + " is not an integer in base units"));
    rules.add(ValidationRule.error("negative_" + field, text.rlike("^-[0-9]+$"), field + " is negative"));
    rules.add(ValidationRule.error(field + "_out_of_range", text.rlike("^[0-9]+$").and(raw.isNull()),
        field + " does not fit decimal(38,0)"));
    rules.add(ValidationRule.error(field + "_whole_out_of_range",
        raw.isNotNull().and(decimals.isNotNull()).and(whole.isNull()),
        field + " in whole tokens does not fit decimal(38,18)"));
    return rules;
  }

  /** A readable key for quarantine rows from the raw key columns (present even when the payload is not). */
  public static Column recordKey(List<String> rawKeyColumns) {
    Column[] parts = rawKeyColumns.stream()
        .map(c -> coalesce(org.apache.spark.sql.functions.col(c).cast(DataTypes.StringType), lit("null")))
        .toArray(Column[]::new);
    return concat_ws("|", parts);
  }
}
