package dev.defilakehouse.jobs.cli;

import dev.defilakehouse.common.catalog.TableCatalog;
import dev.defilakehouse.common.config.BadArgumentException;
import dev.defilakehouse.common.config.Env;
import dev.defilakehouse.common.config.RunConfig;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The launcher's command line: {@code list}, {@code sql [statement]}, {@code --help}, or a job
 * run. Validation happens here, before any Spark starts.
 */
public record JobArguments(Command command, String job, RunConfig config, String statement, Env env,
                           String lakehouseRoot, RunFlags flags) {

  public enum Command { HELP, LIST, SQL, RUN }

  private static final Set<String> HELP = Set.of("--help", "-h", "help");
  /** The catalog source of the jobs that compute as of the date of --end. */
  private static final String FEATURES = "features";

  /**
   * @param implemented whether a catalog job has an implementation (unimplemented jobs are refused)
   */
  public static JobArguments parse(String[] args, TableCatalog catalog, java.util.function.Predicate<String> implemented)
      throws UsageException {
    if (args.length == 0) {
      throw new UsageException("no command given");
    }
    String first = args[0];
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    if (HELP.contains(first) || rest.stream().anyMatch(HELP::contains)) {
      return new JobArguments(Command.HELP, null, null, null, null, null, null);
    }
    if (first.equals("list")) {
      if (!rest.isEmpty()) {
        throw new UsageException("list takes no arguments, got '" + String.join(" ", rest) + "'");
      }
      return new JobArguments(Command.LIST, null, null, null, null, null, null);
    }
    if (first.equals("sql")) {
      String statement = null;
      if (!rest.isEmpty() && !rest.get(0).startsWith("--")) {
        statement = rest.get(0);
        rest = rest.subList(1, rest.size());
      }
      RunFlags flags = RunFlags.parse(rest);
      if (flags.start() != null || flags.end() != null) {
        throw new UsageException("sql takes no --start/--end");
      }
      if (flags.fullRefresh() || flags.repointTables()) {
        throw new UsageException("sql takes no --full-refresh or --repoint-tables (flags of a job run)");
      }
      Env env = flags.resolveEnv(Env.LOCAL);
      return new JobArguments(Command.SQL, null, null, statement, env, flags.resolveRoot(env), flags);
    }
    if (first.startsWith("-")) {
      throw new UsageException("the first argument must be a job name or list, sql, --help; got '" + first + "'");
    }
    if (!catalog.hasJob(first)) {
      throw new UsageException("unknown job '" + first + "': run 'list' to see the jobs");
    }
    if (!implemented.test(first)) {
      throw new UsageException("job '" + first + "' is in the catalog but not implemented yet");
    }
    RunFlags flags = RunFlags.parse(rest);
    RunConfig config = flags.toRunConfig(first);
    if (catalog.job(first).source().equals(FEATURES)) {
      try {
        config.interval().asOfDate();
      } catch (BadArgumentException e) {
        throw new UsageException(e.getMessage());
      }
    }
    return new JobArguments(Command.RUN, first, config, null, config.env(), config.lakehouseRoot(), flags);
  }

  public boolean verbose() {
    return flags != null && flags.verbose();
  }

  public static String usage() {
    return String.join("\n",
        "usage: <launcher> list",
        "       <launcher> <job> --env <local|dev|prod> --start <date|instant> --end <date|instant>",
        "                  [--lakehouse-root <path|s3a://bucket>] [--option key=value ...] [--full-refresh]",
        "                  [--repoint-tables] [--allow-other-root] [--verbose]",
        "       <launcher> sql [\"<statement>\"] [--env local] [--lakehouse-root <path>]   (no statement: read stdin)",
        "       <launcher> --help",
        "  --start/--end  the data interval [start, end) in UTC: 2024-01-01 or 2024-01-01T00:00:00Z;",
        "                 feature jobs run as of the date of --end, which must be a UTC midnight",
        "  --env          selects databases db_<layer>_<env> and the default root (./lakehouse for local,",
        "                 s3a://data-lakehouse-<env> otherwise)",
        "  --option       repeatable; spark.* options go to the Spark session, run_id=... names the run,",
        "                 dynamodb.table/region/endpoint the DynamoDB table ordering commits on S3",
        "  --full-refresh rebuild the job's table from all of the layer below, not just the interval's slice",
        "                 (raw: re-fetch the interval; features: state rebuilt from all analytics history)",
        "  --repoint-tables   point catalog names registered at another location at this root (never",
        "                 done without it: the run fails instead)",
        "  --allow-other-root run dev or prod on a root that is not the env's own (refused otherwise)",
        "  --verbose      print stack traces on failure (or set LAKEHOUSE_VERBOSE=1)",
        "exit codes: 0 ok, 1 the job failed, 2 bad arguments (also bad --option values a job finds)");
  }
}
