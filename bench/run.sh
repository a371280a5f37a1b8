#!/usr/bin/env bash
# Measures this machine's raw limits (Kafka produce/consume, MongoDB insertMany, Caravan start-up and RSS).
# Usage: bash bench/run.sh [--kafka-records=N] [--mongo-docs=N] ...   (see bench/README.md)
# Never run in CI.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f target/caravan.jar ]; then
  echo "[bench] target/caravan.jar missing: building it"
  mvn -B -q package -DskipTests
fi
exec java -Xms512m -cp target/caravan.jar bench/RawLimits.java "$@"
