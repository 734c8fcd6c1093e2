"""Run-time settings of the DAG's tasks: execution mode, env, jar, EMR ids.

Read when a task RUNS (never at import, so parsing the DAG touches no Variable or connection):
defaults, then environment variables LAKEHOUSE_<KEY>, then the Airflow Variable `defi_lakehouse`
(a JSON object with the same keys; `terraform output -json airflow_variable` prints it).
"""

import json
import os
from dataclasses import dataclass, field, fields
from typing import Callable, Dict, Mapping, Optional

VARIABLE_KEY = "defi_lakehouse"
ENV_PREFIX = "LAKEHOUSE_"
MODES = ("spark_submit", "emr_serverless")
ENVS = ("local", "dev", "prod")
# Keep in step with the Maven project version (a test compares them with pom.xml).
DEFAULT_JAR_VERSION = "0.1.0-SNAPSHOT"


class SettingsError(ValueError):
    """A setting is missing or invalid; the message names the key to set."""


@dataclass(frozen=True)
class Settings:
    mode: str = "spark_submit"
    env: str = "dev"
    jar_version: str = DEFAULT_JAR_VERSION
    # Folder (spark_submit: local path or URL) or S3 prefix (emr_serverless) holding the jar.
    jar_location: str = "/opt/defi-lakehouse/jars"
    spark_conn_id: str = "spark_default"
    aws_conn_id: str = "aws_default"
    emr_application_id: str = ""
    emr_execution_role_arn: str = ""
    emr_log_uri: str = ""
    subgraph_secret_id: str = ""
    transpose_secret_id: str = ""
    spark_conf: Dict[str, str] = field(default_factory=dict)

    @property
    def jar(self) -> str:
        return "%s/lakehouse-jobs-%s-spark.jar" % (self.jar_location.rstrip("/"), self.jar_version)

    def validate(self) -> "Settings":
        if self.mode not in MODES:
            raise SettingsError("mode %r is not one of %s (Variable %s or %sMODE)"
                                % (self.mode, ", ".join(MODES), VARIABLE_KEY, ENV_PREFIX))
        if self.env not in ENVS:
            raise SettingsError("env %r is not one of %s" % (self.env, ", ".join(ENVS)))
        if self.mode == "emr_serverless":
            missing = [name for name in ("emr_application_id", "emr_execution_role_arn", "emr_log_uri")
                       if not getattr(self, name)]
            if missing:
                raise SettingsError("emr_serverless mode needs %s: set them in the Variable %s "
                                    "(terraform output airflow_variable) or as %s<KEY>"
                                    % (", ".join(missing), VARIABLE_KEY, ENV_PREFIX))
            if not self.jar_location.startswith("s3://"):
                raise SettingsError("emr_serverless mode needs jar_location on S3 (s3://...), got %r"
                                    % self.jar_location)
        return self


def _variable_reader() -> Optional[Mapping[str, object]]:
    from airflow.models import Variable  # run time only

    value = Variable.get(VARIABLE_KEY, default_var=None)
    if value in (None, ""):
        return None
    try:
        parsed = json.loads(value) if isinstance(value, str) else value
    except ValueError as e:
        raise SettingsError("Variable %s is not a JSON object: %s" % (VARIABLE_KEY, e)) from e
    if not isinstance(parsed, dict):
        raise SettingsError("Variable %s must be a JSON object" % VARIABLE_KEY)
    return parsed


def load_settings(environ: Optional[Mapping[str, str]] = None,
                  read_variable: Callable[[], Optional[Mapping[str, object]]] = _variable_reader) -> Settings:
    environ = os.environ if environ is None else environ
    known = {f.name for f in fields(Settings)}
    values: Dict[str, object] = {}
    for name in known:
        raw = environ.get(ENV_PREFIX + name.upper())
        if raw is not None:
            values[name] = json.loads(raw) if name == "spark_conf" else raw
    variable = read_variable() or {}
    unknown = sorted(set(variable) - known)
    if unknown:
        raise SettingsError("Variable %s has unknown keys %s; known: %s"
                            % (VARIABLE_KEY, ", ".join(unknown), ", ".join(sorted(known))))
    values.update(variable)
    if not isinstance(values.get("spark_conf", {}), dict):
        raise SettingsError("spark_conf must be a JSON object of Spark settings")
    values = {k: (v if k == "spark_conf" else str(v)) for k, v in values.items()}
    return Settings(**values).validate()
