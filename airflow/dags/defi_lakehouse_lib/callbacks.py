"""Failure callbacks: a logging default, or any `module:function` named by an env var."""

import importlib
import logging
import os
from typing import Callable, Mapping, Optional

CALLBACK_ENV_VAR = "LAKEHOUSE_FAILURE_CALLBACK"
log = logging.getLogger(__name__)


def log_failure(context) -> None:
    """Default: one line an alert rule can match; swap in Slack/PagerDuty via LAKEHOUSE_FAILURE_CALLBACK."""
    ti = context.get("task_instance") or context.get("ti")
    log.error("defi-lakehouse task failed: dag=%s task=%s run=%s try=%s log=%s",
              getattr(ti, "dag_id", "?"), getattr(ti, "task_id", "?"), context.get("run_id"),
              getattr(ti, "try_number", "?"), getattr(ti, "log_url", "?"))


def resolve_failure_callback(environ: Optional[Mapping[str, str]] = None) -> Callable:
    """The callable named `package.module:function` in $LAKEHOUSE_FAILURE_CALLBACK, else log_failure."""
    environ = os.environ if environ is None else environ
    spec = environ.get(CALLBACK_ENV_VAR, "").strip()
    if not spec:
        return log_failure
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise ValueError("%s=%r must look like package.module:function" % (CALLBACK_ENV_VAR, spec))
    callback = getattr(importlib.import_module(module_name), attribute, None)
    if not callable(callback):
        raise ValueError("%s=%r does not name a callable" % (CALLBACK_ENV_VAR, spec))
    return callback
