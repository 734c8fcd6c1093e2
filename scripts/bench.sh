#!/usr/bin/env bash
# The pipeline benchmark (BENCHMARKS.md): bench.sh [S|M|L] [--skip-peer] [more PipelineBenchmark args]
# The HTTP ingestion benchmark: bench.sh ingest [--rate 20] [--latency-ms 50] [--wallets N] [--days N] ...
# Builds the local module's test classes (the harness and its DuckDB peer are test scope), then
# runs dev.defilakehouse.local.bench.PipelineBenchmark (or IngestionBenchmark) from the repo root.
# Results: bench-results/.
# BENCH_HEAP overrides the JVM heap (default per size); MVN_OFFLINE=0 lets Maven download.
# BENCH_MAIN=IncrementalBenchmark runs the incremental feature benchmark instead (make bench-incremental).
set -euo pipefail
cd "$(dirname "$0")/.."

size="${1:-S}"
[ $# -gt 0 ] && shift
main=dev.defilakehouse.local.bench.${BENCH_MAIN:-PipelineBenchmark}
case "$size" in
  ingest) heap="${BENCH_HEAP:-3g}"; main=dev.defilakehouse.local.bench.IngestionBenchmark ;;
  S|s) heap="${BENCH_HEAP:-4g}" ;;
  M|m) heap="${BENCH_HEAP:-10g}" ;;
  L|l) heap="${BENCH_HEAP:-16g}" ;;
  *) echo "usage: scripts/bench.sh [S|M|L] [--skip-peer] | scripts/bench.sh ingest [--rate R] [--latency-ms L]" >&2; exit 64 ;;
esac

offline="-o"
[ "${MVN_OFFLINE:-1}" = "0" ] && offline=""
# test-compile in the reactor writes local/target/bench-classpath.txt (test scope, sibling modules as target/classes)
./mvnw $offline -q -pl local -am test-compile

# the JVM options Spark 4 needs on Java 17 (the same as the parent pom's spark.java.options)
exec java -Xmx"$heap" -XX:+IgnoreUnrecognizedVMOptions --add-modules=jdk.incubator.vector --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED --add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true \
  -cp "local/target/test-classes:local/target/classes:$(cat local/target/bench-classpath.txt)" \
  "$main" $([ "$size" = ingest ] || echo "$size") "$@"
