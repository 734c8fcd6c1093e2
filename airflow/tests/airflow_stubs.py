"""Just enough of Airflow, installed in sys.modules, to import and inspect the DAG without Airflow.

The stubs keep the parts of Airflow's behaviour the DAG relies on: default_args fill operator
arguments, task ids inside a TaskGroup get the group prefix, `a >> b` records dependencies,
unknown operator arguments are rejected (as BaseOperator does), and Variable.get / connections
fail loudly unless a test allows them.
"""

import sys
import types

# BaseOperator arguments the DAG may pass (a subset of Airflow's; anything else is a typo).
BASE_OPERATOR_ARGS = {
    "task_id", "owner", "retries", "retry_delay", "retry_exponential_backoff", "max_retry_delay",
    "execution_timeout", "on_failure_callback", "depends_on_past", "doc_md", "pool", "pool_slots",
    "trigger_rule", "dag", "task_group",
}


class AirflowException(Exception):
    pass


class AirflowFailException(AirflowException):
    """Fails the task without retrying it."""


class AccessForbidden(AssertionError):
    """Raised by Variable.get / connection look-ups while a test forbids them."""


class _Log:
    def info(self, *args, **kwargs):
        pass


class DAG:
    def __init__(self, dag_id, **kwargs):
        self.dag_id = dag_id
        self.kwargs = kwargs
        self.default_args = kwargs.get("default_args") or {}
        self.task_dict = {}

    def add_task(self, task):
        if task.task_id in self.task_dict:
            raise ValueError("duplicate task id %s" % task.task_id)
        self.task_dict[task.task_id] = task


class TaskGroup:
    def __init__(self, group_id, dag=None, tooltip="", **kwargs):
        self.group_id = group_id
        self.dag = dag
        self.tooltip = tooltip
        self.children = []


class BaseOperator:
    template_fields = ()

    def __init__(self, task_id, dag=None, task_group=None, **kwargs):
        unknown = set(kwargs) - BASE_OPERATOR_ARGS
        if unknown:
            raise TypeError("Invalid arguments were passed to %s: %s" % (type(self).__name__, sorted(unknown)))
        defaults = dag.default_args if dag is not None else {}
        for name in BASE_OPERATOR_ARGS - {"task_id", "dag", "task_group"}:
            setattr(self, name, kwargs[name] if name in kwargs else defaults.get(name))
        self.task_id = "%s.%s" % (task_group.group_id, task_id) if task_group is not None else task_id
        self.task_group = task_group
        self.dag = dag
        self.upstream_task_ids = set()
        self.downstream_task_ids = set()
        self.log = _Log()
        if task_group is not None:
            task_group.children.append(self)
        if dag is not None:
            dag.add_task(self)

    def set_downstream(self, other):
        self.downstream_task_ids.add(other.task_id)
        other.upstream_task_ids.add(self.task_id)

    def __rshift__(self, other):
        self.set_downstream(other)
        return other

    def on_kill(self):
        pass


class Variable:
    """Forbids reads unless a test sets `Variable.values` (a dict) to allow them."""

    values = None
    reads = []

    @classmethod
    def get(cls, key, default_var=None, deserialize_json=False):
        if cls.values is None:
            raise AccessForbidden("Variable.get(%r) called while Variables are forbidden" % key)
        cls.reads.append(key)
        return cls.values.get(key, default_var)


class BaseHook:
    @classmethod
    def get_connection(cls, conn_id):
        raise AccessForbidden("connection %r looked up" % conn_id)


class _RecordingOperator(BaseOperator):
    """A provider operator that records its arguments and what was asked of it."""

    ACCEPTED = set()

    def __init__(self, task_id, **kwargs):
        unknown = set(kwargs) - self.ACCEPTED
        if unknown:
            raise TypeError("%s got unexpected arguments %s" % (type(self).__name__, sorted(unknown)))
        super().__init__(task_id=task_id)
        self.kwargs = kwargs
        self.executed_with = None
        self.killed = False

    # a test sets this to the exception the provider would raise
    fails_with = None

    def execute(self, context):
        self.executed_with = context
        if self.fails_with is not None:
            raise self.fails_with
        return "%s:%s" % (type(self).__name__, self.task_id)

    def on_kill(self):
        self.killed = True


class SparkSubmitOperator(_RecordingOperator):
    template_fields = ("application", "conf", "files", "py_files", "jars", "driver_class_path", "packages",
                       "exclude_packages", "keytab", "principal", "proxy_user", "name", "application_args",
                       "env_vars", "properties_file")
    ACCEPTED = {"application", "conf", "conn_id", "files", "py_files", "archives", "driver_class_path", "jars",
                "java_class", "packages", "exclude_packages", "repositories", "total_executor_cores",
                "executor_cores", "executor_memory", "driver_memory", "keytab", "principal", "proxy_user",
                "name", "num_executors", "status_poll_interval", "application_args", "env_vars", "verbose",
                "spark_binary", "properties_file", "yarn_queue", "deploy_mode"}


class EmrServerlessStartJobOperator(_RecordingOperator):
    template_fields = ("application_id", "config", "execution_role_arn", "job_driver", "configuration_overrides")
    ACCEPTED = {"application_id", "execution_role_arn", "job_driver", "configuration_overrides",
                "client_request_token", "config", "wait_for_completion", "aws_conn_id", "name",
                "waiter_max_attempts", "waiter_delay", "deferrable", "enable_application_ui_links"}


def _module(name, **attributes):
    module = types.ModuleType(name)
    module.__dict__.update(attributes)
    module.__path__ = []  # importable as a package
    sys.modules[name] = module
    return module


def install():
    """Puts the stub modules in sys.modules (idempotent)."""
    _module("airflow")
    _module("airflow.exceptions", AirflowException=AirflowException, AirflowFailException=AirflowFailException)
    _module("airflow.models", DAG=DAG, BaseOperator=BaseOperator, Variable=Variable)
    _module("airflow.hooks")
    _module("airflow.hooks.base", BaseHook=BaseHook)
    _module("airflow.utils")
    _module("airflow.utils.task_group", TaskGroup=TaskGroup)
    for package in ("airflow.providers", "airflow.providers.apache", "airflow.providers.apache.spark",
                    "airflow.providers.apache.spark.operators", "airflow.providers.amazon",
                    "airflow.providers.amazon.aws", "airflow.providers.amazon.aws.operators"):
        _module(package)
    _module("airflow.providers.apache.spark.operators.spark_submit", SparkSubmitOperator=SparkSubmitOperator)
    _module("airflow.providers.amazon.aws.operators.emr", EmrServerlessStartJobOperator=EmrServerlessStartJobOperator)
