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

# Run from a snapshot of the jar: a rebuild of target/caravan.jar during the run (classes are loaded lazily)
# would otherwise break the benchmark half-way. Take the copy only when the jar has been quiet for a while.
snapshot_dir="$(mktemp -d "${TMPDIR:-/tmp}/caravan-bench-jar.XXXXXX")"
trap 'rm -rf "$snapshot_dir"' EXIT
jar="$snapshot_dir/caravan.jar"
copied=""
for _ in $(seq 1 30); do
  before="$(stat -c '%s %Y' target/caravan.jar)"
  age=$(( $(date +%s) - $(stat -c '%Y' target/caravan.jar) ))
  if [ "$age" -ge 3 ]; then
    cp target/caravan.jar "$jar"
    if [ "$before" = "$(stat -c '%s %Y' target/caravan.jar)" ]; then
      copied=yes
      break
    fi
  fi
  sleep 1
done
if [ -z "$copied" ]; then
  echo "[bench] target/caravan.jar kept changing for 30 s; is a build running? Try again when it is done." >&2
  exit 1
fi

status=0
java -Xms512m -Dbench.jar="$jar" -cp "$jar" bench/RawLimits.java "$@" || status=$?
exit "$status"
