"""Tests of the defi_lakehouse DAG with the standard library only (Airflow is stubbed).

Run from the repo root: python3 -m unittest discover -s airflow/tests -t airflow/tests
"""

import copy
import importlib.util
import json
import os
import re
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ElementTree
from datetime import timedelta
from unittest import mock

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
DAGS = os.path.join(REPO, "airflow", "dags")
DAG_FILE = os.path.join(DAGS, "defi_lakehouse.py")
CATALOG_FILE = os.path.join(REPO, "common", "src", "main", "resources", "table-catalog", "catalog.json")

sys.path.insert(0, HERE)
sys.path.insert(0, DAGS)
import airflow_stubs  # noqa: E402

airflow_stubs.install()

from defi_lakehouse_lib import catalog as lib_catalog  # noqa: E402
from defi_lakehouse_lib import operator as lib_operator  # noqa: E402
from defi_lakehouse_lib import settings as lib_settings  # noqa: E402

START = "2024-03-01T00:00:00+00:00"
END = "2024-03-02T00:00:00+00:00"
_loads = [0]


def load_dag_module(environ=None):
    """Imports the DAG file afresh, as the scheduler would, with Variables forbidden."""
    _loads[0] += 1
    spec = importlib.util.spec_from_file_location("defi_lakehouse_under_test_%d" % _loads[0], DAG_FILE)
    module = importlib.util.module_from_spec(spec)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAKEHOUSE_")}
    env.update(environ or {})
    with mock.patch.dict(os.environ, env, clear=True):
        airflow_stubs.Variable.values = None
        spec.loader.exec_module(module)
    return module


def read_catalog(path=CATALOG_FILE):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def jobs_of(document):
    return {job["name"]: job for job in document["jobs"]}


def tasks_by_job(dag):
    return {task.job: task for task in dag.task_dict.values()}


def coverage_problems(document, dag):
    """What a reviewer checks: every catalog job has exactly one task, every task names a job."""
    problems = []
    jobs = jobs_of(document)
    counts = {}
    for task in dag.task_dict.values():
        counts[task.job] = counts.get(task.job, 0) + 1
        if task.job not in jobs:
            problems.append("task %s runs %s, which is not a catalog job" % (task.task_id, task.job))
    for name in jobs:
        if counts.get(name, 0) != 1:
            problems.append("catalog job %s has %d tasks" % (name, counts.get(name, 0)))
    return problems


def reachable(dag, start_id):
    seen, stack = set(), [start_id]
    while stack:
        for down in dag.task_dict[stack.pop()].downstream_task_ids:
            if down not in seen:
                seen.add(down)
                stack.append(down)
    return seen


def render(task, context):
    """Airflow's template rendering of the task's template fields, for `{{ name }}` expressions."""
    def substitute(value):
        if isinstance(value, str):
            return re.sub(r"{{\s*(\w+)\s*}}", lambda m: str(context[m.group(1)]), value)
        if isinstance(value, list):
            return [substitute(v) for v in value]
        return value
    for field in task.template_fields:
        setattr(task, field, substitute(getattr(task, field)))


class FakeTaskInstance:
    def __init__(self, dag_id, task_id, try_number):
        self.dag_id, self.task_id, self.try_number = dag_id, task_id, try_number


def run_task(task, variable, try_number=1, run_id="scheduled__2024-03-01T00:00:00+00:00"):
    """Renders and executes a task copy like a worker, with the Variable set; returns the delegate."""
    task = copy.copy(task)
    context = {"data_interval_start": START, "data_interval_end": END, "run_id": run_id,
               "ti": FakeTaskInstance("defi_lakehouse", task.task_id, try_number)}
    render(task, context)
    airflow_stubs.Variable.values = {lib_settings.VARIABLE_KEY: json.dumps(variable)}
    try:
        with mock.patch.dict(os.environ, {k: v for k, v in os.environ.items()
                                          if not k.startswith("LAKEHOUSE_")}, clear=True):
            result = task.execute(context)
    finally:
        airflow_stubs.Variable.values = None
    delegate = task._delegate
    assert delegate.executed_with is context and result.endswith(task.task_id)
    return delegate


EMR_VARIABLE = {
    "mode": "emr_serverless",
    "env": "prod",
    "jar_location": "s3://data-lakehouse-prod/artifacts/jars/",
    "emr_application_id": "00abc123",
    "emr_execution_role_arn": "arn:aws:iam::123456789012:role/defi-lakehouse-prod-job",
    "emr_log_uri": "s3://data-lakehouse-prod/logs/emr/",
    "subgraph_secret_id": "defi-lakehouse/prod/SUBGRAPH_API_KEY",
    "transpose_secret_id": "defi-lakehouse/prod/TRANSPOSE_API_KEY",
}


class DagStructureTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.module = load_dag_module()
        cls.dag = cls.module.dag
        cls.catalog = read_catalog()

    def test_dag_id_schedule_and_defaults(self):
        self.assertEqual("defi_lakehouse", self.dag.dag_id)
        self.assertEqual("@daily", self.dag.kwargs["schedule"])
        self.assertEqual(1, self.dag.kwargs["max_active_runs"])
        self.assertFalse(self.dag.kwargs["catchup"])
        self.assertEqual("2024-01-01", self.dag.kwargs["start_date"].strftime("%Y-%m-%d"))
        self.assertIsNotNone(self.dag.kwargs["start_date"].tzinfo, "start_date must be timezone-aware (UTC)")
        defaults = self.dag.default_args
        self.assertEqual(3, defaults["retries"])
        self.assertTrue(defaults["retry_exponential_backoff"])
        self.assertGreater(defaults["max_retry_delay"], defaults["retry_delay"])
        self.assertTrue(callable(defaults["on_failure_callback"]))

    def test_every_task_has_a_timeout_retries_and_the_failure_callback(self):
        for task in self.dag.task_dict.values():
            self.assertIsInstance(task.execution_timeout, timedelta, task.task_id)
            self.assertLessEqual(task.execution_timeout, timedelta(hours=2), task.task_id)
            self.assertTrue(callable(task.on_failure_callback), task.task_id)
            self.assertTrue(task.retry_exponential_backoff, task.task_id)
        gate = tasks_by_job(self.dag)["quality.wallet_features"]
        self.assertEqual(0, gate.retries, "a failed quality gate is a verdict on the data, not retried")
        self.assertEqual(3, tasks_by_job(self.dag)["raw.transpose_deposit_events"].retries)

    def test_every_catalog_job_has_exactly_one_task_and_every_task_names_a_job(self):
        self.assertEqual([], coverage_problems(self.catalog, self.dag))
        self.assertEqual(len(self.catalog["jobs"]), len(self.dag.task_dict))

    def test_tasks_are_grouped_by_source_and_layer(self):
        for name, task in tasks_by_job(self.dag).items():
            job = jobs_of(self.catalog)[name]
            self.assertEqual("%s_%s" % (job["source"], job["layer"]), task.task_group.group_id, name)
        self.assertIn("transpose_raw.transpose_deposit_events", self.dag.task_dict)
        self.assertIn("features_quality.wallet_features", self.dag.task_dict)

    def test_a_job_runs_after_every_job_writing_a_table_it_reads(self):
        tasks = tasks_by_job(self.dag)
        jobs = jobs_of(self.catalog)
        for name, job in jobs.items():
            for table in job["reads"]:
                for writer, other in jobs.items():
                    if writer != name and table in other["writes"]:
                        self.assertIn(tasks[writer].task_id, tasks[name].upstream_task_ids,
                                      "%s reads %s written by %s" % (name, table, writer))

    def test_reference_order(self):
        tasks = tasks_by_job(self.dag)

        def before(first, then):
            self.assertIn(tasks[then].task_id, reachable(self.dag, tasks[first].task_id),
                          "%s must run before %s" % (first, then))

        for kind in ("deposit", "withdraw", "borrow", "repay", "liquidation"):
            before("raw.transpose_%s_events" % kind, "stage.transpose_%s_events" % kind)
            before("stage.transpose_%s_events" % kind, "analytics.transpose_%s_events" % kind)
            before("analytics.token_prices_daily", "analytics.transpose_%s_events" % kind)
            before("analytics.transpose_%s_events" % kind, "analytics.wallet_features")
        for kind in ("market_data", "account_positions"):
            before("raw.transpose_ethereum_daily_blocks", "raw.the_graph_historical_%s" % kind)
            before("raw.the_graph_historical_%s" % kind, "stage.the_graph_historical_%s" % kind)
        before("stage.the_graph_historical_market_data", "analytics.token_prices_daily")
        before("analytics.token_prices_daily", "analytics.the_graph_daily_wallet_health")
        before("analytics.token_prices_daily", "analytics.the_graph_current_collateral_positions")
        before("analytics.the_graph_daily_wallet_health", "analytics.wallet_features")
        before("analytics.wallet_features", "quality.wallet_features")
        # Independent branches stay parallel.
        self.assertNotIn(tasks["raw.transpose_borrow_events"].task_id,
                         reachable(self.dag, tasks["raw.transpose_deposit_events"].task_id))

    def test_the_task_graph_has_no_cycle(self):
        indegree = {tid: len(t.upstream_task_ids) for tid, t in self.dag.task_dict.items()}
        ready = [tid for tid, n in indegree.items() if n == 0]
        visited = 0
        while ready:
            tid = ready.pop()
            visited += 1
            for down in self.dag.task_dict[tid].downstream_task_ids:
                indegree[down] -= 1
                if indegree[down] == 0:
                    ready.append(down)
        self.assertEqual(len(self.dag.task_dict), visited, "the DAG has a cycle")

    def test_writers_of_a_shared_table_never_run_concurrently(self):
        tasks = tasks_by_job(self.dag)
        writers = {}
        for job in self.catalog["jobs"]:
            for table in job["writes"]:
                writers.setdefault(table, []).append(job["name"])
        shared = {t: w for t, w in writers.items() if len(w) > 1}
        self.assertIn("stage.quarantine", shared, "the catalog's shared table is expected here")
        for table, names in shared.items():
            for a in names:
                for b in names:
                    if a < b:
                        ordered = (tasks[b].task_id in reachable(self.dag, tasks[a].task_id)
                                   or tasks[a].task_id in reachable(self.dag, tasks[b].task_id))
                        self.assertTrue(ordered, "%s and %s both write %s and could overlap" % (a, b, table))

    def test_interval_arguments_are_templates_and_java_class_is_static(self):
        task = tasks_by_job(self.dag)["stage.transpose_deposit_events"]
        self.assertEqual(("interval_args",), tuple(task.template_fields))
        self.assertEqual(["--start", "{{ data_interval_start }}", "--end", "{{ data_interval_end }}"],
                         task.interval_args)
        self.assertNotIn("java_class", airflow_stubs.SparkSubmitOperator.template_fields)


class ImportTimeTest(unittest.TestCase):
    def test_parsing_reads_no_variable_and_no_connection(self):
        airflow_stubs.Variable.reads = []
        module = load_dag_module()  # Variable.get raises AccessForbidden during the import
        self.assertEqual([], airflow_stubs.Variable.reads)
        self.assertGreater(len(module.dag.task_dict), 0)

    def test_catchup_start_date_and_failure_callback_come_from_the_environment(self):
        module = load_dag_module({"LAKEHOUSE_CATCHUP": "true", "LAKEHOUSE_START_DATE": "2023-06-01",
                                  "LAKEHOUSE_FAILURE_CALLBACK": "airflow_stubs:install"})
        self.assertTrue(module.dag.kwargs["catchup"])
        self.assertEqual("2023-06-01", module.dag.kwargs["start_date"].strftime("%Y-%m-%d"))
        self.assertIs(airflow_stubs.install, module.dag.default_args["on_failure_callback"])

    def test_a_bad_failure_callback_fails_parsing_with_its_name(self):
        with self.assertRaisesRegex(ValueError, "LAKEHOUSE_FAILURE_CALLBACK"):
            load_dag_module({"LAKEHOUSE_FAILURE_CALLBACK": "no_colon_here"})


class ModifiedCatalogTest(unittest.TestCase):
    def write_catalog(self, document):
        handle = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
        self.addCleanup(os.unlink, handle.name)
        json.dump(document, handle)
        handle.close()
        return handle.name

    def with_extra_job(self):
        document = read_catalog()
        document["tables"].append({"layer": "analytics", "name": "wallet_scores", "partition_by": ["as_of_date"],
                                   "keys": ["wallet_address", "as_of_date"]})
        document["jobs"].append({"name": "analytics.wallet_scores", "source": "features", "layer": "analytics",
                                 "reads": ["analytics.wallet_features", "stage.quarantine"],
                                 "writes": ["analytics.wallet_scores", "stage.quarantine"]})
        return document

    def test_adding_a_job_to_the_catalog_adds_its_task_in_order(self):
        document = self.with_extra_job()
        dag = load_dag_module({"LAKEHOUSE_CATALOG": self.write_catalog(document)}).dag
        self.assertEqual([], coverage_problems(document, dag))
        task = tasks_by_job(dag)["analytics.wallet_scores"]
        self.assertEqual("features_analytics.wallet_scores", task.task_id)
        self.assertIn("features_analytics.wallet_features", task.upstream_task_ids)
        # It also writes stage.quarantine, so it joins the serialised writers of that table.
        self.assertIn(task.task_id, reachable(dag, "transpose_stage.transpose_liquidation_events"))

    def test_the_coverage_check_fails_for_a_catalog_job_without_a_task(self):
        stale_dag = load_dag_module().dag  # built from the repo catalog
        problems = coverage_problems(self.with_extra_job(), stale_dag)
        self.assertEqual(["catalog job analytics.wallet_scores has 0 tasks"], problems)

    def test_an_inconsistent_catalog_fails_parsing_with_a_clear_message(self):
        unknown = self.with_extra_job()
        unknown["jobs"][-1]["reads"].append("analytics.nowhere")
        cycle = read_catalog()
        jobs = jobs_of(cycle)
        jobs["raw.transpose_ethereum_daily_blocks"]["reads"] = ["analytics.data_quality_results"]
        cycle["tables"].append({"layer": "raw", "name": "x", "partition_by": [], "keys": []})
        collision = read_catalog()
        collision["jobs"].append(dict(jobs_of(collision)["raw.transpose_deposit_events"],
                                      name="transpose_deposit_events", layer="raw"))
        for document, message in ((unknown, "names unknown table analytics.nowhere"),
                                  (cycle, "cycle"),
                                  (collision, "same Airflow task id")):
            with self.subTest(message=message):
                with self.assertRaisesRegex(lib_catalog.CatalogError, message):
                    load_dag_module({"LAKEHOUSE_CATALOG": self.write_catalog(document)})

    def test_a_missing_catalog_names_the_variable_to_set(self):
        with self.assertRaisesRegex(lib_catalog.CatalogError, "LAKEHOUSE_CATALOG"):
            load_dag_module({"LAKEHOUSE_CATALOG": os.path.join(tempfile.gettempdir(), "no-such-catalog.json")})
        with self.assertRaisesRegex(lib_catalog.CatalogError, "deploy it next to the DAG"):
            lib_catalog.find_catalog({}, here=tempfile.mkdtemp())


class RunTimeModeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dag = load_dag_module().dag
        cls.task = tasks_by_job(cls.dag)["stage.transpose_deposit_events"]

    def expected_args(self, env):
        return ["stage.transpose_deposit_events", "--env", env, "--start", START, "--end", END]

    def test_spark_submit_mode(self):
        delegate = run_task(self.task, {"mode": "spark_submit", "env": "dev", "jar_location": "/opt/jars",
                                        "spark_conn_id": "spark_cluster"})
        self.assertIsInstance(delegate, airflow_stubs.SparkSubmitOperator)
        kwargs = delegate.kwargs
        self.assertEqual("/opt/jars/lakehouse-jobs-%s-spark.jar" % lib_settings.DEFAULT_JAR_VERSION,
                         kwargs["application"])
        self.assertEqual("dev.defilakehouse.jobs.Launcher", kwargs["java_class"])
        self.assertEqual(self.expected_args("dev"), kwargs["application_args"])
        self.assertEqual("spark_cluster", kwargs["conn_id"])
        self.assertEqual(self.task.task_id, delegate.task_id)

    def test_emr_serverless_mode(self):
        delegate = run_task(self.task, EMR_VARIABLE)
        self.assertIsInstance(delegate, airflow_stubs.EmrServerlessStartJobOperator)
        kwargs = delegate.kwargs
        self.assertEqual("00abc123", kwargs["application_id"])
        self.assertEqual(EMR_VARIABLE["emr_execution_role_arn"], kwargs["execution_role_arn"])
        driver = kwargs["job_driver"]["sparkSubmit"]
        self.assertEqual("s3://data-lakehouse-prod/artifacts/jars/lakehouse-jobs-%s-spark.jar"
                         % lib_settings.DEFAULT_JAR_VERSION, driver["entryPoint"])
        self.assertEqual(self.expected_args("prod"), driver["entryPointArguments"])
        params = driver["sparkSubmitParameters"]
        self.assertTrue(params.startswith("--class dev.defilakehouse.jobs.Launcher "), params)
        self.assertIn("--conf spark.hadoop.hive.metastore.client.factory.class="
                      "com.amazonaws.glue.catalog.metastore.AWSGlueDataCatalogHiveClientFactory", params)
        overrides = kwargs["configuration_overrides"]
        self.assertEqual("s3://data-lakehouse-prod/logs/emr/",
                         overrides["monitoringConfiguration"]["s3MonitoringConfiguration"]["logUri"])
        self.assertEqual({"spark.emr-serverless.driverEnv.SUBGRAPH_API_KEY": "EMR.secret@defi-lakehouse/prod/SUBGRAPH_API_KEY",
                          "spark.emr-serverless.driverEnv.TRANSPOSE_API_KEY": "EMR.secret@defi-lakehouse/prod/TRANSPOSE_API_KEY"},
                         overrides["applicationConfiguration"][0]["properties"])
        self.assertTrue(kwargs["wait_for_completion"])
        self.assertFalse(kwargs["deferrable"])
        waited = timedelta(seconds=kwargs["waiter_delay"] * kwargs["waiter_max_attempts"])
        self.assertGreaterEqual(waited, self.task.execution_timeout, "must poll as long as the task may run")

    def test_idempotency_token_is_stable_per_try_and_new_per_retry(self):
        first = run_task(self.task, EMR_VARIABLE, try_number=1).kwargs["client_request_token"]
        again = run_task(self.task, EMR_VARIABLE, try_number=1).kwargs["client_request_token"]
        retry = run_task(self.task, EMR_VARIABLE, try_number=2).kwargs["client_request_token"]
        other_run = run_task(self.task, EMR_VARIABLE, run_id="manual__x").kwargs["client_request_token"]
        other_task = run_task(tasks_by_job(self.dag)["raw.transpose_deposit_events"],
                              EMR_VARIABLE).kwargs["client_request_token"]
        self.assertEqual(first, again)
        self.assertEqual(5 - 1, len({first, retry, other_run, other_task}))
        self.assertRegex(first, r"^[A-Za-z0-9._-]{1,64}$")

    def test_the_mode_is_read_when_the_task_runs_not_when_the_dag_is_parsed(self):
        self.assertIsInstance(run_task(self.task, {"mode": "spark_submit"}), airflow_stubs.SparkSubmitOperator)
        self.assertIsInstance(run_task(self.task, EMR_VARIABLE), airflow_stubs.EmrServerlessStartJobOperator)

    def test_environment_variables_configure_when_the_variable_is_absent(self):
        airflow_stubs.Variable.values = {}
        try:
            settings = lib_settings.load_settings({"LAKEHOUSE_MODE": "emr_serverless", "LAKEHOUSE_ENV": "prod",
                                                   "LAKEHOUSE_JAR_LOCATION": "s3://b/jars",
                                                   "LAKEHOUSE_EMR_APPLICATION_ID": "app",
                                                   "LAKEHOUSE_EMR_EXECUTION_ROLE_ARN": "arn:role",
                                                   "LAKEHOUSE_EMR_LOG_URI": "s3://b/logs/"})
        finally:
            airflow_stubs.Variable.values = None
        self.assertEqual(("emr_serverless", "prod", "app"), (settings.mode, settings.env, settings.emr_application_id))

    def test_incomplete_or_wrong_settings_fail_the_task_naming_what_to_set(self):
        cases = (({"mode": "emr_serverless", "jar_location": "s3://b/jars"}, "emr_application_id"),
                 ({"mode": "kubernetes"}, "mode 'kubernetes'"),
                 ({"env": "staging"}, "env 'staging'"),
                 ({"mode": "spark_submit", "jar_path": "/x"}, "unknown keys jar_path"),
                 (dict(EMR_VARIABLE, jar_location="/local/jars"), "jar_location on S3"))
        for variable, message in cases:
            with self.subTest(message=message):
                with self.assertRaisesRegex(lib_settings.SettingsError, message):
                    run_task(self.task, variable)

    def test_a_bad_arguments_exit_fails_without_retry_and_other_failures_stay_retryable(self):
        cmd = "Cannot execute: spark-submit --class dev.defilakehouse.jobs.Launcher app.jar. Error code is: %d."
        cases = ((2, airflow_stubs.AirflowFailException), (1, airflow_stubs.AirflowException))
        for code, expected in cases:
            with self.subTest(exit_code=code):
                airflow_stubs.SparkSubmitOperator.fails_with = airflow_stubs.AirflowException(cmd % code)
                try:
                    with self.assertRaises(expected) as raised:
                        run_task(self.task, {"mode": "spark_submit"})
                finally:
                    airflow_stubs.SparkSubmitOperator.fails_with = None
                self.assertIs(expected, type(raised.exception))
                if code == 2:
                    self.assertIn("bad arguments", str(raised.exception))
                    self.assertIn("not retried", str(raised.exception))

    def test_killing_the_task_kills_the_delegate(self):
        task = copy.copy(self.task)
        delegate = run_task(task, {"mode": "spark_submit"})
        task._delegate = delegate
        task.on_kill()
        self.assertTrue(delegate.killed)


class ImportsTest(unittest.TestCase):
    def test_dag_code_imports_only_the_standard_library_and_airflow(self):
        import ast
        for root, _, files in os.walk(DAGS):
            for file_name in (f for f in files if f.endswith(".py")):
                path = os.path.join(root, file_name)
                with open(path, encoding="utf-8") as handle:
                    tree = ast.parse(handle.read(), path)
                for node in ast.walk(tree):
                    if isinstance(node, ast.Import):
                        names = [alias.name for alias in node.names]
                    elif isinstance(node, ast.ImportFrom) and node.level == 0:
                        names = [node.module]
                    else:
                        continue
                    for name in names:
                        top = name.split(".")[0]
                        self.assertTrue(top in sys.stdlib_module_names or top in ("airflow", "defi_lakehouse_lib"),
                                        "%s imports %s" % (os.path.relpath(path, REPO), name))


class VersionTest(unittest.TestCase):
    def test_default_jar_version_matches_the_maven_project(self):
        root = ElementTree.parse(os.path.join(REPO, "pom.xml")).getroot()
        version = root.find("{http://maven.apache.org/POM/4.0.0}version").text
        self.assertEqual(version, lib_settings.DEFAULT_JAR_VERSION,
                         "update DEFAULT_JAR_VERSION in airflow/dags/defi_lakehouse_lib/settings.py")


if __name__ == "__main__":
    unittest.main()
