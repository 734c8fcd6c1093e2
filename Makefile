# make run | test | package | sql [Q="select ..."] | clean | clean-lakehouse | bench
SHELL := /bin/bash
export Q

.PHONY: help run test package sql clean clean-lakehouse bench

help:
	@sed -n 1p Makefile

## The whole pipeline locally (local[*], sandbox sources) into ./lakehouse
run:
	bin/lakehouse pipeline

## Every test: the Maven build (unit, Spark, child-JVM and spark-submit tests), then the infra checks
test:
	./mvnw -B verify
	@if [ -f scripts/check-infra.sh ]; then bash scripts/check-infra.sh; \
	else echo "make test: infra checks skipped (scripts/check-infra.sh is not there yet)"; fi

## The shaded job jar (jobs/target/lakehouse-jobs-<version>-spark.jar) and the local classpath
package:
	./mvnw -B -DskipTests package

## SQL on the local catalog: make sql Q="select ..." (without Q: an interactive shell)
sql:
	@if [ -n "$$Q" ]; then bin/lakehouse sql "$$Q"; else bin/lakehouse sql; fi

## Build output (the lakehouse stays: make clean-lakehouse)
clean:
	./mvnw -q clean
	rm -rf metastore_db spark-warehouse derby.log

clean-lakehouse:
	rm -rf lakehouse

bench:
	@echo "make bench: the benchmark is not there yet"; exit 1
