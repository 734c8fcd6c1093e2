# make run | test | package | sql [Q="select ..."] | athena-check | bench [SIZE=S|M|L] | bench-incremental [SIZE=] | bench-ingest [RATE=20 LATENCY_MS=50] | reliability | clean | clean-lakehouse
SHELL := /bin/bash
export Q

.PHONY: help run test package sql athena-check bench bench-incremental bench-ingest reliability clean clean-lakehouse

help:
	@sed -n 1p Makefile

## The whole pipeline locally: sandbox up, every job in DAG order (local[*]) into ./lakehouse, a summary
## and the run report's path
run:
	bin/lakehouse pipeline $(ARGS)

## Every test: Chromium for the report's browser test (installed when missing, as root), the Maven
## build (unit, Spark, child-JVM and spark-submit tests), then the infra checks
test:
	bash scripts/ensure-chromium.sh
	./mvnw -B verify
	bash scripts/check-infra.sh

## The shaded job jar (jobs/target/lakehouse-jobs-<version>-spark.jar) and the local classpath
package:
	./mvnw -B -DskipTests package

## SQL on the local catalog: make sql Q="select ..." (without Q: an interactive shell)
sql:
	@if [ -n "$$Q" ]; then bin/lakehouse sql "$$Q"; else bin/lakehouse sql; fi

## The reliability suite with its long variants (every job killed at every point), run before a
## release; rewrites docs/reliability.md from the cases it tried
reliability:
	rm -rf local/target/reliability
	./mvnw -B -pl local -am test -Dtest='**/local/reliability/*Test' -Dsurefire.failIfNoSpecifiedTests=false \
	  -Dexcluded.test.groups=athena -Dreliability.doc=$(CURDIR)/docs/reliability.md

## Build output (the lakehouse stays: make clean-lakehouse)
clean:
	./mvnw -q clean
	rm -rf metastore_db spark-warehouse derby.log

clean-lakehouse:
	rm -rf lakehouse

## Athena compatibility: Trino's Delta Lake connector reads every table of ./lakehouse (after make run)
athena-check:
	bash scripts/athena-check.sh $(LAKEHOUSE)

## Benchmarks (BENCHMARKS.md): make bench SIZE=S|M|L [ARGS="--days 20"]: the pipeline and its DuckDB
## peer, then the daily feature run vs --full-refresh on the same lakehouse (issue 10)
bench:
	bash scripts/bench.sh $(or $(SIZE),S) $(ARGS)
	BENCH_MAIN=IncrementalBenchmark bash scripts/bench.sh $(or $(SIZE),S) --reuse --repeat 3 $(ARGS)

## The daily feature run vs --full-refresh alone, on a fresh history: make bench-incremental SIZE=S [ARGS="--days 20"]
## (ARGS="--reuse --repeat 3" measures on the lakehouse make bench left; SIZE=L ARGS="--replicate-from M --repeat 2"
## builds L's wallets and days from M's analytics tables instead of running raw and stage at L)
bench-incremental:
	BENCH_MAIN=IncrementalBenchmark bash scripts/bench.sh $(or $(SIZE),S) $(ARGS)

## HTTP ingestion benchmark (BENCHMARKS.md): make bench-ingest [RATE=20] [LATENCY_MS=50] [ARGS="--wallets 300 --days 7"]
bench-ingest:
	bash scripts/bench.sh ingest --rate $(or $(RATE),20) --latency-ms $(or $(LATENCY_MS),50) $(ARGS)
