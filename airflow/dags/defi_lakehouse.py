"""defi_lakehouse: the daily DAG, generated from the table/job catalog the Java jobs use.

One task per catalog job, grouped by source and layer. A job runs after every job writing a
table it reads (events raw -> stage -> analytics, market data and positions raw -> stage, then
prices, wallet health and current positions, then features, then the data-quality gate). Jobs
writing the same table (stage.quarantine) run one after the other: one Delta writer per table.

Import-time inputs are environment variables only (no Variable, no connection):
  LAKEHOUSE_CATALOG           path of catalog.json (default: next to this file, else the repo's)
  LAKEHOUSE_CATCHUP           "true" to backfill every day since LAKEHOUSE_START_DATE
  LAKEHOUSE_START_DATE        first data interval, YYYY-MM-DD (default 2024-01-01)
  LAKEHOUSE_FAILURE_CALLBACK  package.module:function called on task failure
The execution mode, env and jar are read when each task runs (defi_lakehouse_lib/settings.py).
"""

import os
from datetime import datetime, timedelta, timezone
from typing import Callable, Mapping, Optional

from airflow.models import DAG
from airflow.utils.task_group import TaskGroup

from defi_lakehouse_lib.callbacks import resolve_failure_callback
from defi_lakehouse_lib.catalog import Catalog, find_catalog, group_id, load_catalog, task_id, unique_task_ids
from defi_lakehouse_lib.operator import LakehouseJobOperator
from defi_lakehouse_lib.settings import load_settings

DAG_ID = "defi_lakehouse"
SCHEDULE = "@daily"
DEFAULT_START_DATE = "2024-01-01"

# Raw jobs page through remote APIs; the rest are Spark over one day of data.
EXECUTION_TIMEOUTS = {
    "raw": timedelta(hours=2),
    "stage": timedelta(hours=1),
    "analytics": timedelta(hours=1),
    "quality": timedelta(minutes=30),
}
DEFAULT_EXECUTION_TIMEOUT = timedelta(hours=1)
# A failed quality gate is a verdict on the data, not a transient fault: retrying cannot help.
RETRIES_BY_LAYER = {"quality": 0}

DEFAULT_ARGS = {
    "owner": "data-platform",
    "depends_on_past": False,
    "retries": 3,
    "retry_delay": timedelta(minutes=5),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(hours=1),
    "execution_timeout": DEFAULT_EXECUTION_TIMEOUT,
}


def _flag(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")


def build_dag(catalog: Catalog, *, catchup: bool = False, start_date: str = DEFAULT_START_DATE,
              failure_callback: Optional[Callable] = None, settings_loader: Callable = load_settings,
              dag_id: str = DAG_ID) -> DAG:
    default_args = dict(DEFAULT_ARGS)
    if failure_callback is not None:
        default_args["on_failure_callback"] = failure_callback
    dag = DAG(
        dag_id=dag_id,
        description="DeFi lending lakehouse: raw -> stage -> analytics -> features -> quality gate",
        schedule=SCHEDULE,
        start_date=datetime.strptime(start_date, "%Y-%m-%d").replace(tzinfo=timezone.utc),
        catchup=catchup,
        max_active_runs=1,  # runs of different days would write the same tables concurrently
        dagrun_timeout=timedelta(hours=23),  # finish before the next daily run is due
        default_args=default_args,
        tags=["defi-lakehouse"],
    )
    unique_task_ids(catalog.jobs)  # fail parsing with a clear message on a task id collision
    groups = {}
    tasks = {}
    for job in catalog.jobs:
        gid = group_id(job)
        if gid not in groups:
            groups[gid] = TaskGroup(group_id=gid, dag=dag, tooltip="%s jobs of %s" % (job.layer, job.source))
        tasks[job.name] = LakehouseJobOperator(
            task_id=task_id(job),
            job=job.name,
            dag=dag,
            task_group=groups[gid],
            settings_loader=settings_loader,
            execution_timeout=EXECUTION_TIMEOUTS.get(job.layer, DEFAULT_EXECUTION_TIMEOUT),
            retries=RETRIES_BY_LAYER.get(job.layer, DEFAULT_ARGS["retries"]),
            doc_md="Catalog job `%s`: reads %s; writes %s." % (
                job.name, ", ".join(job.reads) or "nothing", ", ".join(job.writes)),
        )
    for name, upstream in catalog.task_dependencies().items():
        for up in upstream:
            tasks[up] >> tasks[name]
    return dag


def dag_from_environment(environ: Optional[Mapping[str, str]] = None) -> DAG:
    environ = os.environ if environ is None else environ
    return build_dag(
        load_catalog(find_catalog(environ)),
        catchup=_flag(environ.get("LAKEHOUSE_CATCHUP", "false")),
        start_date=environ.get("LAKEHOUSE_START_DATE", DEFAULT_START_DATE),
        failure_callback=resolve_failure_callback(environ),
    )


dag = dag_from_environment()
