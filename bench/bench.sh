#!/usr/bin/env bash
# Runs one benchmark (bench/NAME.java, compiled with the shared bench/BenchKit.java) from a snapshot of the app jar.
# Never run in CI.
# Usage: bash bench/bench.sh NAME [program options...]   (run.sh, ingest.sh, mongo-sink.sh and lake-sink.sh call it)
# BENCH_JAR=path/to/caravan.jar benchmarks that jar instead of target/caravan.jar (which is built first if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
name="$1"
shift
if [ ! -f "bench/$name.java" ] || [ "$name" = BenchKit ]; then
  echo "[bench] no such benchmark: bench/$name.java" >&2
  exit 2
fi
source_jar="${BENCH_JAR:-target/caravan.jar}"
if [ ! -f "$source_jar" ]; then
  if [ -n "${BENCH_JAR:-}" ]; then
    echo "[bench] BENCH_JAR=$BENCH_JAR: no such file" >&2
    exit 2
  fi
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
  before="$(stat -c '%s %Y' "$source_jar")"
  age=$(( $(date +%s) - $(stat -c '%Y' "$source_jar") ))
  if [ "$age" -ge 3 ]; then
    cp "$source_jar" "$jar"
    if [ "$before" = "$(stat -c '%s %Y' "$source_jar")" ]; then
      copied=yes
      break
    fi
  fi
  sleep 1
done
if [ -z "$copied" ]; then
  echo "[bench] $source_jar kept changing for 30 s; is a build running? Try again when it is done." >&2
  exit 1
fi

# the benchmark and the kit compile against the snapshot, which holds the app's classes and every client library
classes="$snapshot_dir/classes"
javac -d "$classes" -cp "$jar" bench/BenchKit.java "bench/$name.java"

status=0
java -Xms512m -Dbench.jar="$jar" -cp "$jar:$classes" "bench.$name" "$@" || status=$?
exit "$status"
