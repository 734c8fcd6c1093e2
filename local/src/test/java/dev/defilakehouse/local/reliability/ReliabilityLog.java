package dev.defilakehouse.local.reliability;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The reliability suite's record of what it tried (issue 11): every case appends one JSON line to
 * {@code target/reliability/cases.jsonl}, and the Markdown table ({@code docs/reliability.md} when
 * {@code -Dreliability.doc=<path>} is set, else {@code target/reliability/reliability.md}) is
 * re-rendered from all lines after each record, so the doc is whatever the suite last saw. A case
 * recorded again replaces its earlier line (same area and name). Each line names the commit it ran
 * at. Areas a run did not try (a partial run: one test class) keep their rows from the doc being
 * replaced, with the commit that doc names for them, so a partial run never drops other areas.
 */
public final class ReliabilityLog {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path DIR = Path.of(System.getProperty("reliability.dir", "target/reliability"));

  /**
   * One case tried.
   *
   * @param area e.g. {@code s3}, {@code source faults}, {@code kills}, {@code re-runs}, {@code bad input},
   *     {@code bad arguments}, {@code secrets}
   * @param name what was done, e.g. {@code kill -9 stage.transpose_borrow_events while writing}
   * @param injected what was injected, e.g. {@code 37 x 429, 12 x 503}; "-" when nothing
   * @param outcome what happened, e.g. {@code exit 2: unknown protocol 'aave_v9'}, {@code table at v3 (old), re-run equal}
   * @param rowsLost rows lost (must be 0 for a pass)
   * @param passed whether the case met its expectation
   * @param applicable false when the fixture never reached what the case needs (e.g. a kill point
   *     of a job with no rows on the day): listed as n/a, counted neither passed nor failed
   */
  public record Case(String area, String name, String injected, String outcome, long rowsLost, boolean passed,
      boolean applicable) {
    public Case(String area, String name, String injected, String outcome, long rowsLost, boolean passed) {
      this(area, name, injected, outcome, rowsLost, passed, true);
    }

    /** A case the fixture could not exercise, and why. */
    public static Case notApplicable(String area, String name, String why) {
      return new Case(area, name, "-", "not applicable: " + why, 0, true, false);
    }
  }

  private ReliabilityLog() {}

  /** Appends the case and re-renders the Markdown table. */
  public static synchronized void record(Case c) {
    try {
      Files.createDirectories(DIR);
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("area", c.area());
      line.put("name", c.name());
      line.put("injected", c.injected());
      line.put("outcome", c.outcome());
      line.put("rows_lost", c.rowsLost());
      line.put("passed", c.passed());
      line.put("applicable", c.applicable());
      line.put("recorded_at", Instant.now().toString());
      line.put("commit", Commit.ID);
      Files.writeString(DIR.resolve("cases.jsonl"), JSON.writeValueAsString(line) + "\n", StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      render();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the reliability log under " + DIR.toAbsolutePath(), e);
    }
  }

  /** The latest line per (area, name), in area order, then in the order first recorded. */
  static List<Map<String, Object>> cases() throws IOException {
    Path file = DIR.resolve("cases.jsonl");
    Map<String, Map<String, Map<String, Object>>> byArea = new TreeMap<>();
    if (Files.exists(file)) {
      for (String text : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (text.isBlank()) {
          continue;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> line = JSON.readValue(text, Map.class);
        byArea.computeIfAbsent(String.valueOf(line.get("area")), a -> new LinkedHashMap<>())
            .put(String.valueOf(line.get("name")), line);
      }
    }
    List<Map<String, Object>> out = new ArrayList<>();
    byArea.values().forEach(m -> out.addAll(m.values()));
    return out;
  }

  /** The commit this JVM's cases ran at: {@code git rev-parse}, "+changes" when the tree differs from it. */
  private static final class Commit {
    static final String ID = describe();

    private static String describe() {
      String head = git("rev-parse", "--short=12", "HEAD");
      if (head.isEmpty()) {
        return "unknown";
      }
      // the doc itself is rewritten during the run
      String changes = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)docs/reliability.md");
      return changes.isEmpty() ? head : head + "+changes";
    }
  }

  /** Output of a git command run at the repository's top level; "" when git fails. */
  private static String git(String... args) {
    try {
      String top = run(List.of("git", "rev-parse", "--show-toplevel"));
      List<String> command = new ArrayList<>(List.of("git", "-C", top.isEmpty() ? "." : top));
      command.addAll(List.of(args));
      return run(command);
    } catch (IOException e) {
      return "";
    }
  }

  private static String run(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    try {
      return p.waitFor() == 0 ? out : "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /**
   * The cases of areas this run did not try, from the doc being replaced; their commit is the one
   * that doc names for the area, else the commit that last changed the doc.
   */
  static List<Map<String, Object>> keptFrom(Path doc, java.util.Set<String> areasRun) throws IOException {
    List<Map<String, Object>> kept = new ArrayList<>();
    if (!Files.exists(doc)) {
      return kept;
    }
    Map<String, String> areaCommits = new LinkedHashMap<>();
    String fallback = git("log", "-1", "--format=%h", "--", "docs/reliability.md");
    fallback = fallback.isEmpty() ? "not recorded" : "not recorded (doc of " + fallback + ")";
    for (String text : Files.readAllLines(doc, StandardCharsets.UTF_8)) {
      List<String> cells = cells(text);
      if (cells.size() == 7 && !cells.get(0).equals("area") && !cells.get(0).startsWith("---")) {
        areaCommits.put(cells.get(0), cells.get(6)); // area summary: ... | run at
      } else if (cells.size() == 6 && List.of("pass", "n/a", "**FAIL**").contains(cells.get(5))
          && !areasRun.contains(cells.get(0))) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("area", cells.get(0));
        line.put("name", cells.get(1));
        line.put("injected", cells.get(2));
        line.put("outcome", cells.get(3));
        line.put("rows_lost", Long.parseLong(cells.get(4)));
        line.put("passed", !cells.get(5).equals("**FAIL**"));
        line.put("applicable", !cells.get(5).equals("n/a"));
        kept.add(line);
      }
    }
    for (Map<String, Object> line : kept) {
      line.put("commit", areaCommits.getOrDefault(String.valueOf(line.get("area")), fallback));
    }
    return kept;
  }

  /** The cells of a Markdown table row ({@code | a | b\\|c |}), unescaped; empty for other lines. */
  private static List<String> cells(String row) {
    List<String> cells = new ArrayList<>();
    if (!row.startsWith("| ") || !row.endsWith(" |")) {
      return cells;
    }
    for (String cell : row.substring(2, row.length() - 2).split(" \\| ", -1)) {
      cells.add(cell.replace("\\|", "|"));
    }
    return cells;
  }

  private static void render() throws IOException {
    Path doc = Path.of(System.getProperty("reliability.doc", DIR.resolve("reliability.md").toString()));
    List<Map<String, Object>> cases = new ArrayList<>(cases());
    java.util.Set<String> areasRun = new java.util.TreeSet<>();
    cases.forEach(c -> areasRun.add(String.valueOf(c.get("area"))));
    cases.addAll(keptFrom(doc, areasRun));
    cases.sort(java.util.Comparator.comparing(c -> String.valueOf(c.get("area"))));
    Map<String, String> commits = new LinkedHashMap<>();
    for (Map<String, Object> c : cases) {
      commits.merge(String.valueOf(c.get("area")), String.valueOf(c.getOrDefault("commit", "not recorded")),
          (a, b) -> a.equals(b) ? a : a + ", " + b);
    }
    Map<String, long[]> byArea = new LinkedHashMap<>();
    for (Map<String, Object> c : cases) {
      long[] counts = byArea.computeIfAbsent(String.valueOf(c.get("area")), a -> new long[4]);
      counts[result(c).equals("pass") ? 0 : result(c).equals("n/a") ? 1 : 2]++;
      counts[3] += ((Number) c.get("rows_lost")).longValue();
    }
    long[] total = new long[4];
    byArea.values().forEach(counts -> {
      for (int i = 0; i < total.length; i++) {
        total[i] += counts[i];
      }
    });
    StringBuilder md = new StringBuilder()
        .append("# Reliability\n\n")
        .append("Generated by the reliability suite (`local/src/test/java/dev/defilakehouse/local/reliability/`);\n")
        .append("do not edit by hand: `make reliability` re-runs the suite and rewrites this file. Issue 11.\n")
        .append("\"run at\" is the commit each area's cases last ran at (\"+changes\": with uncommitted changes);\n")
        .append("a run of part of the suite re-renders only the areas it tried.\n\n")
        .append("Cases: ").append(cases.size()).append(": passed ").append(total[0]).append(", not applicable ")
        .append(total[1]).append(", failed ").append(total[2]).append("; rows lost in total: ").append(total[3])
        .append(".\n\n")
        .append("| area | cases | passed | n/a | failed | rows lost | run at |\n")
        .append("|---|---:|---:|---:|---:|---:|---|\n");
    byArea.forEach((area, counts) -> md.append("| ").append(cell(area)).append(" | ")
        .append(counts[0] + counts[1] + counts[2]).append(" | ").append(counts[0]).append(" | ").append(counts[1])
        .append(" | ").append(counts[2]).append(" | ").append(counts[3]).append(" | ").append(cell(commits.get(area)))
        .append(" |\n"));
    md.append("\nn/a: the fixture never reached what the case needs (the outcome says what), so nothing was\n")
        .append("tried; such a case proves nothing either way.\n\n")
        .append("| area | case | injected | outcome | rows lost | result |\n")
        .append("|---|---|---|---|---:|---|\n");
    for (Map<String, Object> c : cases) {
      md.append("| ").append(cell(c.get("area"))).append(" | ").append(cell(c.get("name")))
          .append(" | ").append(cell(c.get("injected"))).append(" | ").append(cell(c.get("outcome")))
          .append(" | ").append(c.get("rows_lost")).append(" | ").append(result(c)).append(" |\n");
    }
    if (doc.getParent() != null) {
      Files.createDirectories(doc.getParent());
    }
    Files.writeString(doc, md.toString(), StandardCharsets.UTF_8);
  }

  private static String result(Map<String, Object> c) {
    if (Boolean.FALSE.equals(c.get("applicable"))) {
      return "n/a";
    }
    return Boolean.TRUE.equals(c.get("passed")) ? "pass" : "**FAIL**";
  }

  /** Re-renders the doc from the cases recorded so far (e.g. after an interrupted suite). */
  public static void main(String[] args) throws IOException {
    render();
    System.out.println("rendered " + cases().size() + " cases from " + DIR.resolve("cases.jsonl").toAbsolutePath());
  }

  private static String cell(Object value) {
    return String.valueOf(value).replace("|", "\\|").replace("\n", " ");
  }
}
