#!/usr/bin/env bash
# Runs one benchmark program (bench/NAME.java) from a snapshot of the app jar. Never run in CI.
# Usage: bash bench/bench.sh NAME [program options...]   (run.sh, ingest.sh, mongo-sink.sh and lake-sink.sh call it)
set -euo pipefail
cd "$(dirname "$0")/.."
program="bench/$1.java"
shift
[ -f "$program" ] || { echo "[bench] no such benchmark: $program" >&2; exit 2; }
if [ ! -f target/caravan.jar ]; then
  echo "[bench] target/caravan.jar missing: building it"
  mvn -B -q package -DskipTests
fi

# Run from a snapshot of the jar: a rebuild of target/caravan.jar during the run (classes are loaded lazily, and the
# app itself runs from the jar) would otherwise break the benchmark half-way. Take the copy only when the jar has been
# quiet for a while.
snapshot_dir="$(mktemp -d "${TMPDIR:-/tmp}/caravan-bench-jar.XXXXXX")"
trap 'rm -rf "$snapshot_dir"' EXIT
# not named caravan.jar: stopping a developer's `java -jar target/caravan.jar` by name must not stop the benchmark
jar="$snapshot_dir/caravan-snapshot.jar"
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
java -Xms512m -Dbench.jar="$jar" -cp "$jar" "$program" "$@" || status=$?
exit "$status"
