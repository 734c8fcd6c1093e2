"""One operator per catalog job; the execution mode is chosen when the task runs.

Airflow renders `job_args` (the templated interval) before `execute`; `execute` then reads the
settings and hands the fully rendered command to SparkSubmitOperator or
EmrServerlessStartJobOperator. Provider imports happen there too, so a deployment needs only the
provider of the mode it uses, and parsing the DAG touches no Variable or connection.
"""

import hashlib
import math
import re
from datetime import timedelta
from typing import Callable, List, Optional

from airflow.models import BaseOperator

from .settings import Settings, load_settings

LAUNCHER_CLASS = "dev.defilakehouse.jobs.Launcher"
GLUE_METASTORE_FACTORY = "com.amazonaws.glue.catalog.metastore.AWSGlueDataCatalogHiveClientFactory"
EMR_POLL_SECONDS = 30
DEFAULT_WAIT = timedelta(hours=2)
INTERVAL_ARGS = ["--start", "{{ data_interval_start }}", "--end", "{{ data_interval_end }}"]
# SparkSubmitHook's failure message carries spark-submit's exit code, which in client mode is the
# launcher's own: 2 means bad arguments (README, "Exit codes").
SPARK_SUBMIT_EXIT_CODE = re.compile(r"Error code is: (\d+)")
BAD_ARGUMENTS_EXIT_CODE = 2


def launcher_arguments(job: str, env: str, interval_args: List[str]) -> List[str]:
    """`<job> --env <env> --start ... --end ...` as the launcher expects (spec section 4)."""
    return [job, "--env", env] + list(interval_args)


def idempotency_token(dag_id: str, task_id: str, run_id: str, try_number: int) -> str:
    """Same token for the same task try (a re-sent StartJobRun starts nothing new); new try, new run.

    EMR Serverless accepts 1-64 characters: a sha256 hex digest is exactly 64.
    """
    key = "|".join([dag_id, task_id, run_id, str(try_number)])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def spark_submit_kwargs(settings: Settings, job: str, task_id: str, args: List[str]) -> dict:
    return dict(
        task_id=task_id,
        application=settings.jar,
        java_class=LAUNCHER_CLASS,  # not a template field of SparkSubmitOperator: keep it static
        application_args=args,
        conn_id=settings.spark_conn_id,
        conf=dict(settings.spark_conf),
        name="defi-lakehouse-%s-%s" % (settings.env, job),
    )


def emr_serverless_kwargs(settings: Settings, job: str, task_id: str, args: List[str], token: str,
                          timeout: Optional[timedelta] = None) -> dict:
    submit_parameters = ["--class", LAUNCHER_CLASS,
                         "--conf", "spark.hadoop.hive.metastore.client.factory.class=" + GLUE_METASTORE_FACTORY]
    for key, value in sorted(settings.spark_conf.items()):
        submit_parameters += ["--conf", "%s=%s" % (key, value)]
    # EMR Serverless resolves EMR.secret@<id> from Secrets Manager when the job starts, so the key
    # reaches the driver's environment without passing through Airflow or the job definition.
    driver_env = {}
    for variable, secret_id in (("SUBGRAPH_API_KEY", settings.subgraph_secret_id),
                                ("TRANSPOSE_API_KEY", settings.transpose_secret_id)):
        if secret_id:
            driver_env["spark.emr-serverless.driverEnv." + variable] = "EMR.secret@" + secret_id
    overrides = {"monitoringConfiguration": {"s3MonitoringConfiguration": {"logUri": settings.emr_log_uri}}}
    if driver_env:
        overrides["applicationConfiguration"] = [{"classification": "spark-defaults", "properties": driver_env}]
    return dict(
        task_id=task_id,
        application_id=settings.emr_application_id,
        execution_role_arn=settings.emr_execution_role_arn,
        job_driver={"sparkSubmit": {"entryPoint": settings.jar, "entryPointArguments": args,
                                    "sparkSubmitParameters": " ".join(submit_parameters)}},
        configuration_overrides=overrides,
        client_request_token=token,
        name="defi-lakehouse-%s-%s" % (settings.env, job),
        aws_conn_id=settings.aws_conn_id,
        wait_for_completion=True,
        deferrable=False,  # a delegate cannot defer on behalf of this task
        # The provider waits 25 x 60 s by default; wait as long as the task may run instead.
        waiter_delay=EMR_POLL_SECONDS,
        waiter_max_attempts=math.ceil((timeout or DEFAULT_WAIT).total_seconds() / EMR_POLL_SECONDS) + 1,
    )


def bad_arguments(failure: BaseException) -> bool:
    """Whether a delegate's failure is the launcher's exit 2 (known for spark-submit only: EMR
    Serverless reports a failed run without the driver's exit code)."""
    match = SPARK_SUBMIT_EXIT_CODE.search(str(failure))
    return match is not None and int(match.group(1)) == BAD_ARGUMENTS_EXIT_CODE


class LakehouseJobOperator(BaseOperator):
    """Runs one catalog job for the run's data interval, via spark-submit or EMR Serverless."""

    template_fields = ("interval_args",)
    ui_color = "#e8f1fb"

    def __init__(self, *, job: str, settings_loader: Callable[[], Settings] = load_settings, **kwargs):
        super().__init__(**kwargs)
        self.job = job
        self.interval_args = list(INTERVAL_ARGS)
        self._settings_loader = settings_loader
        self._delegate: Optional[BaseOperator] = None

    def build_delegate(self, context) -> BaseOperator:
        settings = self._settings_loader()
        args = launcher_arguments(self.job, settings.env, self.interval_args)
        if settings.mode == "emr_serverless":
            from airflow.providers.amazon.aws.operators.emr import EmrServerlessStartJobOperator

            ti = context["ti"]
            token = idempotency_token(ti.dag_id, ti.task_id, context["run_id"], ti.try_number)
            return EmrServerlessStartJobOperator(**emr_serverless_kwargs(
                settings, self.job, self.task_id, args, token, self.execution_timeout))
        from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

        return SparkSubmitOperator(**spark_submit_kwargs(settings, self.job, self.task_id, args))

    def execute(self, context):
        self._delegate = self.build_delegate(context)
        self.log.info("running %s via %s", self.job, type(self._delegate).__name__)
        try:
            return self._delegate.execute(context)
        except Exception as failure:
            if bad_arguments(failure):
                # A configuration error fails the same way on every try: fail now instead of retrying.
                from airflow.exceptions import AirflowFailException

                raise AirflowFailException(
                    "%s exited %d (bad arguments): fix the job's settings or the catalog, then clear the task; "
                    "not retried. %s" % (self.job, BAD_ARGUMENTS_EXIT_CODE, failure)) from failure
            raise

    def on_kill(self) -> None:
        # Cancel the spark-submit process or the EMR job run along with the Airflow task.
        if self._delegate is not None:
            self._delegate.on_kill()
