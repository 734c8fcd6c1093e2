#!/usr/bin/env python3
"""A Terraform check that needs no terraform binary (used when it, or the provider mirror, is missing).

1. Lexical syntax of every .tf / .tfvars / .tftest.hcl file: strings, interpolations, heredocs and
   comments terminated; braces, brackets and parentheses balanced and matched.
2. Catalog coverage: the Glue tables are a for_each over every table of catalog.json (no filter),
   registered as external DELTA tables at <layer>/<table>/, and every catalog layer has a database.
3. The Delta commit table: a DynamoDB table keyed tablePath (HASH) + fileName (RANGE), on demand,
   TTL on expireTime, named as the jobs derive it from --env (LogStoreSettings.java), and reached
   by the job role alone with DescribeTable/GetItem/PutItem/Query on that table only.

Usage: python3 terraform/tests/hcl_check.py [--terraform-dir DIR] [--catalog catalog.json]
"""

import argparse
import json
import os
import re
import sys
from typing import List, Optional

HERE = os.path.dirname(os.path.abspath(__file__))
TERRAFORM_DIR = os.path.dirname(HERE)
CATALOG = os.path.join(TERRAFORM_DIR, "..", "common", "src", "main", "resources", "table-catalog", "catalog.json")
LOG_STORE_SETTINGS = os.path.join(TERRAFORM_DIR, "..", "common", "src", "main", "java", "dev", "defilakehouse",
                                  "common", "spark", "LogStoreSettings.java")
COMMIT_TABLE_ACTIONS = {"dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"}
SUFFIXES = (".tf", ".tfvars", ".tftest.hcl", ".tfbackend")
OPENERS = {"{": "}", "[": "]", "(": ")"}
HEREDOC = re.compile(r"<<-?([A-Za-z_][A-Za-z0-9_]*)[ \t]*\n")


def syntax_problems(text: str, name: str) -> List[str]:
    """Unbalanced or mismatched brackets, unterminated strings/heredocs/comments, with file:line."""
    problems: List[str] = []
    stack = []  # (token, line): '{' '[' '(' '${' (interpolation) or '"' (open string)
    i, line, n = 0, 1, len(text)
    while i < n:
        c = text[i]
        in_string = bool(stack) and stack[-1][0] == '"'
        if in_string:
            if c == "\\":
                i += 2
                continue
            if text.startswith("$${", i) or text.startswith("%%{", i):
                i += 3
                continue
            if text.startswith("${", i) or text.startswith("%{", i):
                stack.append(("${", line))
                i += 2
                continue
            if c == '"':
                stack.pop()
            elif c == "\n":
                problems.append("%s:%d: unterminated string" % (name, stack.pop()[1]))
                line += 1
            i += 1
            continue
        if c == "\n":
            line += 1
        elif c == "#" or text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                problems.append("%s:%d: unterminated /* comment" % (name, line))
                break
            line += text.count("\n", i, end)
            i = end + 2
            continue
        elif text.startswith("<<", i) and HEREDOC.match(text, i):
            match = HEREDOC.match(text, i)
            terminator = re.compile(r"^[ \t]*%s[ \t]*$" % re.escape(match.group(1)), re.M)
            end = terminator.search(text, match.end())
            if end is None:
                problems.append("%s:%d: heredoc %s is never closed" % (name, line, match.group(1)))
                break
            line += text.count("\n", i, end.end())
            i = end.end()
            continue
        elif c == '"':
            stack.append(('"', line))
        elif c in OPENERS:
            stack.append((c, line))
        elif c in OPENERS.values():
            if not stack:
                problems.append("%s:%d: unexpected %r" % (name, line, c))
            else:
                token, opened = stack.pop()
                expected = "}" if token == "${" else OPENERS[token]
                if c != expected:
                    problems.append("%s:%d: %r closes %r opened at line %d" % (name, line, c, token, opened))
        i += 1
    for token, opened in stack:
        what = "string" if token == '"' else repr(token)
        problems.append("%s:%d: unclosed %s" % (name, opened, what))
    return problems


def _strip_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return "\n".join(re.sub(r'^((?:[^"#/]|"(?:\\.|[^"\\])*"|/(?!/))*)(#|//).*$', r"\1", l)
                     for l in text.split("\n"))


def _block(text: str, header: str) -> Optional[str]:
    """What is between the braces after the first match of the regex `header`, or None."""
    match = re.search(header + r"\s*\{", text)
    if not match:
        return None
    depth, start = 0, match.end() - 1
    for i in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        if depth == 0:
            return text[start + 1:i]
    return None


def coverage_problems(config: str, catalog: dict) -> List[str]:
    """Does the configuration register every catalog table? `config` is all .tf files joined."""
    problems: List[str] = []
    tables = ["%s.%s" % (t["layer"], t["name"]) for t in catalog.get("tables", [])]
    if not re.search(r"\bcatalog\s*=\s*jsondecode\((?:.|\n)*?\bfile\(", config):
        problems.append("no local `catalog = jsondecode(... file(...))`: Terraform must read catalog.json")
    derived = _block(config, r"\bcatalog_tables\s*=")
    if derived is None or not re.match(r"\s*for\s+\w+\s+in\s+local\.catalog\.tables\s*:", derived):
        problems.append("no local `catalog_tables = { for t in local.catalog.tables : ... }`")
    elif re.search(r"\bif\b", derived):
        problems.append("local.catalog_tables filters the catalog (an `if` clause): every table needs a Glue table")
    body = _block(config, r'resource\s+"aws_glue_catalog_table"\s+"\w+"')
    if body is None:
        problems.append("no aws_glue_catalog_table resource")
        return problems + ["catalog table %s has no Glue table" % t for t in tables]
    if not re.search(r"\bfor_each\s*=\s*local\.catalog_tables\b", body):
        named = set(re.findall(r'\bname\s*=\s*"([^"]+)"', config))
        problems.append("aws_glue_catalog_table does not iterate over local.catalog_tables")
        problems += ["catalog table %s has no Glue table" % t for t in tables if t.split(".", 1)[1] not in named]
    for required, why in ((r'\btable_type\s*=\s*"EXTERNAL_TABLE"', "table_type = \"EXTERNAL_TABLE\""),
                          (r'\btable_type\s*=\s*"DELTA"', "parameter table_type = \"DELTA\" (Athena's Delta reader)"),
                          (r'location\s*=\s*"s3://\$\{local\.bucket_name\}/\$\{each\.value\.layer\}/\$\{each\.value\.name\}/"',
                           "location s3://<bucket>/<layer>/<table>/")):
        if not re.search(required, body):
            problems.append("aws_glue_catalog_table lacks %s" % why)
    layers_match = re.search(r"\blayers\s*=\s*\[([^\]]*)\]", config)
    layers = set(re.findall(r'"([^"]+)"', layers_match.group(1))) if layers_match else set()
    if not re.search(r'resource\s+"aws_glue_catalog_database"\s+"\w+"\s*\{\s*for_each\s*=\s*toset\(local\.layers\)', config):
        problems.append("aws_glue_catalog_database must be a for_each over local.layers")
    for table in tables:
        layer = table.split(".", 1)[0]
        if layer not in layers:
            problems.append("catalog table %s is in layer '%s', which has no Glue database (local.layers = %s)"
                            % (table, layer, sorted(layers)))
    return problems


def commit_table_problems(config: str, java_source: str) -> List[str]:
    """The DynamoDB table of the Delta log store and the job role's access to it."""
    problems: List[str] = []
    header = r'resource\s+"aws_dynamodb_table"\s+"(\w+)"'
    match = re.search(header, config)
    if not match:
        return ["no aws_dynamodb_table: the DynamoDB log store needs its commit table"]
    body = _block(config, header)
    for required, why in ((r'\bhash_key\s*=\s*"tablePath"', 'hash_key = "tablePath"'),
                          (r'\brange_key\s*=\s*"fileName"', 'range_key = "fileName"'),
                          (r'\bbilling_mode\s*=\s*"PAY_PER_REQUEST"', 'billing_mode = "PAY_PER_REQUEST"')):
        if not re.search(required, body):
            problems.append("the commit table lacks %s" % why)
    attributes = set(re.findall(r'attribute\s*\{\s*name\s*=\s*"(\w+)"\s*type\s*=\s*"S"\s*\}', body))
    if attributes != {"tablePath", "fileName"}:
        problems.append("the commit table must define exactly the string attributes tablePath and fileName, has %s"
                        % sorted(attributes))
    ttl = _block(body, r"\bttl")
    if ttl is None or not re.search(r'attribute_name\s*=\s*"expireTime"', ttl) or not re.search(r"enabled\s*=\s*true", ttl):
        problems.append('the commit table lacks ttl { attribute_name = "expireTime", enabled = true }')
    name = re.search(r'\bname\s*=\s*local\.(\w+)', body)
    value = name and re.search(r"\b%s\s*=\s*\"([^\"]*)\"" % name.group(1), config)
    java = re.search(r'return\s+"([^"]*)"\s*\+\s*env\.id\(\)\s*\+\s*"([^"]*)"', java_source)
    if not value or not java:
        problems.append("cannot compare the commit table's name with LogStoreSettings.tableName")
    elif value.group(1) != "%s${var.env}%s" % java.groups():
        problems.append("the commit table is named %r, but the jobs use %r" % (value.group(1), "%s<env>%s" % java.groups()))
    arn = "aws_dynamodb_table.%s.arn" % match.group(1)
    job = _block(config, r"\bjob_policy\s*=") or ""
    statements = [m for m in re.findall(r"\{[^{}]*\}", job) if "dynamodb:" in m]
    if len(statements) != 1:
        problems.append("the job policy needs one statement for the commit table, has %d" % len(statements))
    else:
        actions = set(re.findall(r'"(dynamodb:[^"]*)"', statements[0]))
        if actions != COMMIT_TABLE_ACTIONS:
            problems.append("the job role's DynamoDB actions are %s, not %s" % (sorted(actions), sorted(COMMIT_TABLE_ACTIONS)))
        if not re.search(r"Resource\s*=\s*\[\s*%s\s*\]" % re.escape(arn), statements[0]):
            problems.append("the job role's DynamoDB statement must name only %s" % arn)
    if "dynamodb" in (_block(config, r"\bairflow_policy\s*=") or ""):
        problems.append("the Airflow role must not reach DynamoDB")
    return problems


def check(terraform_dir: str = TERRAFORM_DIR, catalog_path: str = CATALOG,
          log_store_settings: str = LOG_STORE_SETTINGS) -> List[str]:
    problems: List[str] = []
    config_parts = []
    for root, dirs, files in os.walk(terraform_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for file_name in sorted(files):
            if file_name.endswith(SUFFIXES):
                path = os.path.join(root, file_name)
                with open(path, encoding="utf-8") as handle:
                    text = handle.read()
                problems += syntax_problems(text, os.path.relpath(path, terraform_dir))
                if file_name.endswith(".tf"):
                    config_parts.append(_strip_comments(text))
    if not config_parts:
        return problems + ["no .tf files in %s" % terraform_dir]
    try:
        with open(catalog_path, encoding="utf-8") as handle:
            catalog = json.load(handle)
    except (OSError, ValueError) as e:
        return problems + ["cannot read the catalog %s: %s" % (catalog_path, e)]
    try:
        with open(log_store_settings, encoding="utf-8") as handle:
            java_source = handle.read()
    except OSError as e:
        return problems + ["cannot read %s: %s" % (log_store_settings, e)]
    config = "\n".join(config_parts)
    return problems + coverage_problems(config, catalog) + commit_table_problems(config, java_source)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--terraform-dir", default=TERRAFORM_DIR)
    parser.add_argument("--catalog", default=CATALOG)
    args = parser.parse_args(argv)
    problems = check(args.terraform_dir, args.catalog)
    for problem in problems:
        print("hcl-check: " + problem)
    print("hcl-check: %s" % ("FAILED (%d problems)" % len(problems) if problems else "OK (syntax, catalog coverage, commit table)"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
