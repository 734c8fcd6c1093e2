#!/usr/bin/env bash
# Athena compatibility check: starts Trino's Delta Lake connector (the reader inside Athena engine
# v3) over a lakehouse folder, registers every catalog table and compares counts, partition-pruned
# counts and analyst queries with Spark, and checks the table properties Athena needs.
#   scripts/athena-check.sh [lakehouse-root]    (default <repo>/lakehouse, the folder make run fills)
#   scripts/athena-check.sh --own               (writes and checks its own small lakehouse)
# The first run downloads io.trino:trino-server (~820 MB) into the Maven repository. The server
# needs a Java 24+ JDK (TRINO_JAVA_HOME or /usr/lib/jvm); without one the check is skipped.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"

if [[ "${1:-}" == "--own" ]]; then
  root=""
else
  # a given path is relative to where the script was called from; the default to the repository
  root="${1:-$repo/lakehouse}"
  if [[ ! -d "$root" ]]; then
    echo "athena-check: no lakehouse at $root — run 'make run' first, or pass --own to check a lakehouse the test writes itself" >&2
    exit 2
  fi
  root="$(cd "$root" && pwd)"
fi
cd "$repo"

started=$(date +%s)
status=0
./mvnw -q -B -Pathena -pl local -am test \
  -Dtest='AthenaCompatIT' -Dsurefire.failIfNoSpecifiedTests=false \
  -Dlakehouse.root="$root" || status=$?

report=local/target/surefire-reports/dev.defilakehouse.local.athena.AthenaCompatIT-output.txt
[[ -f "$report" ]] && grep -h '^athena check:' "$report" || true
results=local/target/surefire-reports/TEST-dev.defilakehouse.local.athena.AthenaCompatIT.xml
if [[ -f "$results" ]] && grep -q '<skipped' "$results"; then
  grep -o 'message="[^"]*"' "$results" | head -1
fi
echo "athena-check: $([[ $status == 0 ]] && echo passed || echo FAILED) in $(( $(date +%s) - started )) s (details: local/target/surefire-reports/)"
exit "$status"
