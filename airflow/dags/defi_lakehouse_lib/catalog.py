"""The table/job catalog (the same catalog.json the Java jobs load) and the task order it implies.

Standard library only: the DAG imports this at parse time, and the tests run without Airflow.
"""

import json
import os
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Set, Tuple

CATALOG_ENV_VAR = "LAKEHOUSE_CATALOG"
CATALOG_FILE = "catalog.json"
# From airflow/dags/defi_lakehouse_lib/ up to the repo root, then into the Java resource.
_REPO_CATALOG = os.path.join("..", "..", "..", "common", "src", "main", "resources", "table-catalog", CATALOG_FILE)


class CatalogError(ValueError):
    """The catalog is missing, malformed or inconsistent."""


@dataclass(frozen=True)
class Job:
    name: str
    source: str
    layer: str
    reads: Tuple[str, ...]
    writes: Tuple[str, ...]


@dataclass(frozen=True)
class Catalog:
    tables: Tuple[str, ...]  # table ids, "<layer>.<name>", in catalog order
    jobs: Tuple[Job, ...]  # in catalog order

    def job(self, name: str) -> Job:
        for job in self.jobs:
            if job.name == name:
                return job
        raise CatalogError("no job %r in the catalog" % name)

    def upstream_of(self, name: str) -> List[str]:
        """Jobs that write a table `name` reads: they must finish first (mirrors TableCatalog.upstreamOf)."""
        reads = self.job(name).reads
        return [other.name for other in self.jobs
                if other.name != name and any(table in other.writes for table in reads)]

    def dependency_order(self) -> List[str]:
        """Job names, every job after its upstream jobs, catalog order breaking ties."""
        ordered: List[str] = []
        done: Set[str] = set()
        visiting: List[str] = []

        def visit(name: str) -> None:
            if name in done:
                return
            if name in visiting:
                cycle = visiting[visiting.index(name):] + [name]
                raise CatalogError("catalog jobs form a cycle: " + " -> ".join(cycle))
            visiting.append(name)
            for up in self.upstream_of(name):
                visit(up)
            visiting.pop()
            done.add(name)
            ordered.append(name)

        for job in self.jobs:
            visit(job.name)
        return ordered

    def shared_tables(self) -> Dict[str, List[str]]:
        """Tables written by more than one job -> their writers in dependency order."""
        order = self.dependency_order()
        shared: Dict[str, List[str]] = {}
        for table in self.tables:
            writers = [name for name in order if table in self.job(name).writes]
            if len(writers) > 1:
                shared[table] = writers
        return shared

    def task_dependencies(self) -> Dict[str, List[str]]:
        """job -> jobs that must finish before it starts.

        Data edges (it reads what they write) plus serialisation edges: Delta on S3 without a
        DynamoDB log store allows one writer per table, so the writers of a shared table run one
        after the other, in dependency order (a linear extension of the data edges: no cycle).
        """
        deps = {name: list(self.upstream_of(name)) for name in self.dependency_order()}
        for writers in self.shared_tables().values():
            for before, after in zip(writers, writers[1:]):
                if before not in deps[after]:
                    deps[after].append(before)
        return deps


def parse_catalog(document: dict) -> Catalog:
    """Validates like the Java TableCatalog: unique tables and jobs, jobs name only known tables."""
    if not isinstance(document, dict) or not isinstance(document.get("tables"), list) \
            or not isinstance(document.get("jobs"), list):
        raise CatalogError("catalog must be a JSON object with 'tables' and 'jobs' lists")
    tables: List[str] = []
    for entry in document["tables"]:
        table_id = "%s.%s" % (_text(entry, "layer", "table"), _text(entry, "name", "table"))
        if table_id in tables:
            raise CatalogError("catalog declares table %s twice" % table_id)
        tables.append(table_id)
    jobs: List[Job] = []
    for entry in document["jobs"]:
        job = Job(name=_text(entry, "name", "job"), source=_text(entry, "source", "job"),
                  layer=_text(entry, "layer", "job"), reads=_strings(entry, "reads"),
                  writes=_strings(entry, "writes"))
        for table in job.reads + job.writes:
            if table not in tables:
                raise CatalogError("catalog job %s names unknown table %s" % (job.name, table))
        if not job.writes:
            raise CatalogError("catalog job %s writes no table" % job.name)
        if any(existing.name == job.name for existing in jobs):
            raise CatalogError("catalog declares job %s twice" % job.name)
        jobs.append(job)
    catalog = Catalog(tables=tuple(tables), jobs=tuple(jobs))
    catalog.dependency_order()  # fail at load on a cycle, not when a task is wired
    return catalog


def load_catalog(path: str) -> Catalog:
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except OSError as e:
        raise CatalogError("cannot read the catalog %s: %s" % (path, e.strerror)) from e
    except ValueError as e:
        raise CatalogError("catalog %s is not valid JSON: %s" % (path, e)) from e
    return parse_catalog(document)


def find_catalog(environ: Optional[Dict[str, str]] = None, here: Optional[str] = None) -> str:
    """$LAKEHOUSE_CATALOG, else catalog.json next to the DAG (deployed), else the repo's Java resource."""
    environ = os.environ if environ is None else environ
    here = here or os.path.dirname(os.path.abspath(__file__))
    explicit = environ.get(CATALOG_ENV_VAR)
    if explicit:
        if not os.path.isfile(explicit):
            raise CatalogError("%s=%s does not name a file" % (CATALOG_ENV_VAR, explicit))
        return explicit
    candidates = [os.path.join(here, "..", CATALOG_FILE), os.path.join(here, _REPO_CATALOG)]
    for candidate in candidates:
        if os.path.isfile(candidate):
            return os.path.normpath(candidate)
    raise CatalogError("catalog.json not found (tried %s): deploy it next to the DAG file or set %s"
                       % (", ".join(os.path.normpath(c) for c in candidates), CATALOG_ENV_VAR))


def _text(entry: dict, field: str, kind: str) -> str:
    value = entry.get(field) if isinstance(entry, dict) else None
    if not isinstance(value, str) or not value:
        raise CatalogError("catalog %s entry %r lacks a %r string" % (kind, entry, field))
    return value


def _strings(entry: dict, field: str) -> Tuple[str, ...]:
    value = entry.get(field, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CatalogError("catalog job %r: %r must be a list of table ids" % (entry.get("name"), field))
    return tuple(value)


def group_id(job: Job) -> str:
    """Task group per source and layer, e.g. transpose_raw, the_graph_stage, features_quality."""
    return "%s_%s" % (job.source, job.layer)


def task_id(job: Job) -> str:
    """The job name without its layer prefix (the group already says the layer)."""
    prefix = job.layer + "."
    short = job.name[len(prefix):] if job.name.startswith(prefix) else job.name
    return short.replace(".", "__")


def unique_task_ids(jobs: Sequence[Job]) -> Dict[str, str]:
    """job name -> '<group>.<task>' as Airflow will name it; raises if two jobs would collide."""
    seen: Dict[str, str] = {}
    for job in jobs:
        full = "%s.%s" % (group_id(job), task_id(job))
        if full in seen.values():
            raise CatalogError("jobs map to the same Airflow task id %s; rename one in the catalog" % full)
        seen[job.name] = full
    return seen
