#!/usr/bin/env bash
# Measures this machine's raw limits (Kafka produce/consume, MongoDB insertMany, Caravan start-up and RSS).
# Usage: bash bench/run.sh [--kafka-records=N] [--mongo-docs=N] ...   (see bench/README.md)
# Never run in CI.
exec bash "$(dirname "$0")/bench.sh" RawLimits "$@"
