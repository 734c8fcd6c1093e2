package dev.defilakehouse.common.source;

import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code parameters} of one Transpose SQL request. Transpose substitutes {@code {{name}}} as
 * TEXT (TransposeData/docs {@code docs/sql/parameters.md}; the transpose-python-sdk test writes
 * {@code '{{transaction_hash}}'}), so a value is part of the SQL: each one is checked against a
 * strict form when it is added, and {@link #checkAgainst} checks the SQL quotes exactly the text
 * forms, before anything is sent.
 */
public final class SqlParameters {
  /** What a value may look like. Text forms are written {@code '{{name}}'} in the SQL, integers bare. */
  public enum Form {
    /** {@code 2024-01-01T00:00:00Z}: UTC, seconds, optional fraction. */
    INSTANT("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z$", true),
    /** {@code 0x} and 40 hex digits. */
    ADDRESS("^0x[0-9a-fA-F]{40}$", true),
    /** A signed 64-bit integer. */
    INTEGER("^-?\\d{1,18}$", false),
    /** A lowercase word from a fixed list. */
    WORD("^[a-z][a-z0-9_]{0,31}$", true);

    private final Pattern pattern;
    private final boolean quoted;

    Form(String regex, boolean quoted) {
      this.pattern = Pattern.compile(regex);
      this.quoted = quoted;
    }

    public boolean quoted() {
      return quoted;
    }
  }

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*\\}\\}");

  private final Map<String, Object> values = new LinkedHashMap<>();
  private final Map<String, Form> forms = new LinkedHashMap<>();

  public SqlParameters instant(String name, Instant value) {
    return text(name, Form.INSTANT, value.toString());
  }

  public SqlParameters address(String name, String value) {
    return text(name, Form.ADDRESS, value);
  }

  public SqlParameters integer(String name, long value) {
    return text(name, Form.INTEGER, Long.toString(value));
  }

  /** A word that must also be one of {@code allowed}. */
  public SqlParameters word(String name, String value, Collection<String> allowed) {
    if (value == null || !allowed.contains(value)) {
      throw refused(name, Form.WORD, value, "it is not one of " + allowed);
    }
    return text(name, Form.WORD, value);
  }

  /**
   * Adds {@code text} as {@code name} if it matches {@code form} exactly (integers travel as JSON
   * numbers); anything else, a quote, semicolon or comment included, is refused here.
   */
  public SqlParameters text(String name, Form form, String text) {
    if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new IllegalArgumentException("Transpose parameter name '" + name + "' is not a plain identifier");
    }
    if (text == null || !form.pattern.matcher(text).matches()) {
      throw refused(name, form, text, "it does not match " + form.pattern.pattern());
    }
    values.put(name, form == Form.INTEGER ? (Object) Long.parseLong(text) : text);
    forms.put(name, form);
    return this;
  }

  /** A copy to vary per page (cursor, limit) without touching the shared part. */
  public SqlParameters copy() {
    SqlParameters copy = new SqlParameters();
    copy.values.putAll(values);
    copy.forms.putAll(forms);
    return copy;
  }

  public Map<String, Object> values() {
    return Collections.unmodifiableMap(values);
  }

  /**
   * Every {@code {{name}}} of {@code sql} has a value and every value a placeholder; text forms are
   * written inside single quotes and integers are not. A mismatch is a bug in the SQL, refused
   * before it is sent (an unquoted instant is what the real service answers with HTTP 400).
   */
  public void checkAgainst(String sql) {
    Set<String> used = new LinkedHashSet<>();
    Matcher m = PLACEHOLDER.matcher(sql);
    while (m.find()) {
      String name = m.group(1);
      Form form = forms.get(name);
      if (form == null) {
        throw new IllegalArgumentException("the SQL uses {{" + name + "}} but no parameter of that name is set");
      }
      boolean quoted = m.start() > 0 && sql.charAt(m.start() - 1) == '\''
          && m.end() < sql.length() && sql.charAt(m.end()) == '\'';
      if (quoted != form.quoted()) {
        throw new IllegalArgumentException("{{" + name + "}} (" + form + ") must be written "
            + (form.quoted() ? "'{{" + name + "}}': Transpose pastes the text, the SQL writes the quotes"
                : "{{" + name + "}} without quotes"));
      }
      used.add(name);
    }
    Set<String> unused = new LinkedHashSet<>(values.keySet());
    unused.removeAll(used);
    if (!unused.isEmpty()) {
      throw new IllegalArgumentException("parameters " + unused + " are set but the SQL has no {{...}} for them");
    }
  }

  private static IllegalArgumentException refused(String name, Form form, String text, String why) {
    String shown = text == null ? "null" : text.length() > 80 ? text.substring(0, 80) + "..." : text;
    return new IllegalArgumentException("Transpose parameter " + name + " (" + form + ") refused before sending: '"
        + shown + "' — " + why + "; Transpose pastes parameter text into the SQL, so only this form is sent");
  }
}
