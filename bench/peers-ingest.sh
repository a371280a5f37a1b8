#!/usr/bin/env bash
# Single-record ingest against the peers a user would pick instead, in one run, on one broker (Caravan's embedded
# Kafka): the seed-style Flask producer (kafka-python, gunicorn with 2 sync workers), a minimal Java HTTP server with
# a plain KafkaProducer (the limit of the path), and Caravan's POST /api/v1/streams/pins with its sinks off and on.
# Sinks on runs twice: from a fresh start (the sinks keep up with what is posted: the default set-up), then on the data
# of the runs before (the sinks drain the million-odd pins the peers and the sinks-off run left while the load runs).
# Each answers 202 only after acks=all. Load: wrk, 2 threads, 32 connections, a warm-up, then the measured run.
# Needs: wrk, gunicorn, python3-flask, python3-kafka (apt-get install wrk gunicorn python3-flask python3-kafka).
# Usage: bash bench/peers-ingest.sh [seconds, default 20]. Never run in CI; see bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
for tool in wrk gunicorn python3 java curl; do
  command -v "$tool" >/dev/null || { echo "[peers] $tool is missing (see the header of $0)" >&2; exit 2; }
done
# the Python that gunicorn runs (Debian's), which may not be the first python3 on the PATH
py="$(head -1 "$(command -v gunicorn)" | sed 's/^#! *//' | awk '{print $1}')"
"$py" -c 'import flask, kafka' 2>/dev/null || { echo "[peers] python3-flask and python3-kafka are missing" >&2; exit 2; }
[ -f target/caravan.jar ] || mvn -B -q package -DskipTests
work="$(mktemp -d "${TMPDIR:-/tmp}/caravan-peers.XXXXXX")"
cp target/caravan.jar "$work/caravan.jar"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
ready() { # url, seconds
  for _ in $(seq 1 "$2"); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 1; done
  echo "[peers] $1 not ready within $2 s" >&2; return 1
}
kafka_port="$(port)"
start_caravan() { # sinks: on|off, data directory (the embedded broker's log too)
  local http; http="$(port)"
  local -a env=(CARAVAN_DATA_DIR="$work/$2" CARAVAN_HTTP_PORT="$http" CARAVAN_EMBEDDED_KAFKA_PORT="$kafka_port"
    CARAVAN_EMBEDDED_MONGO_PORT="$(port)" CARAVAN_EMBEDDED_S3_PORT="$(port)" CARAVAN_POLL_ENABLED=false)
  [ "$1" = off ] && env+=(CARAVAN_MONGO_FLOWS= CARAVAN_LAKE_FLOWS=)
  env "${env[@]}" java -jar "$work/caravan.jar" > "$work/caravan-$1-$2.log" 2>&1 &
  caravan_pid=$!
  pids+=("$caravan_pid")
  ready "http://127.0.0.1:$http/observe/health" 120
  caravan_url="http://127.0.0.1:$http/api/v1/streams/pins"
}
# wrk's summary: requests per second and the 99th percentile, after a warm-up run
measure() { # name url
  wrk -t2 -c32 -d5s -s bench/peers/post-pin.lua "$2" > /dev/null
  wrk -t2 -c32 -d"${seconds}s" --latency -s bench/peers/post-pin.lua "$2" > "$work/$1.wrk"
  local rps p99 errors
  rps="$(awk '/^Requests\/sec:/ {print $2}' "$work/$1.wrk")"
  p99="$(awk '$1 == "99%" {print $2}' "$work/$1.wrk")"
  errors="$(awk '/Non-2xx or 3xx responses:/ {print $5}' "$work/$1.wrk")"
  printf '%s %s %s %s\n' "$1" "$rps" "$p99" "${errors:-0}" >> "$work/results"
  printf '[peers] %-28s %10s req/s  p99 %8s  non-2xx %s\n' "$1" "$rps" "$p99" "${errors:-0}"
}

start_caravan off data
curl -fsS -o /dev/null -X POST -H 'Content-Type: application/json' \
  -d '{"index":1,"unique_id":"probe","title":"t","description":"d","poster_name":"p","follower_count":"1","tag_list":"a","is_image_or_video":"image","image_src":"x","downloaded":1,"save_location":"Local save in /x","category":"diy"}' \
  "$caravan_url" || { echo "[peers] Caravan refused the benchmark's pin; see $work/caravan-off-data.log" >&2; exit 1; }
brokers="127.0.0.1:$kafka_port"
flask_port="$(port)"
(cd bench/peers && KAFKA_BROKERS="$brokers" TOPIC=caravan.pins exec gunicorn -w 2 -b "127.0.0.1:$flask_port" \
  --log-level warning flask_producer:app) > "$work/flask.log" 2>&1 &
pids+=($!)
plain_port="$(port)"
java -Dsun.net.httpserver.nodelay=true -cp "$work/caravan.jar" bench/peers/PlainHttpProducer.java "$plain_port" "$brokers" caravan.pins \
  > "$work/plain.log" 2>&1 &
pids+=($!)
nowait_port="$(port)"
java -Dsun.net.httpserver.nodelay=true -cp "$work/caravan.jar" bench/peers/PlainHttpProducer.java "$nowait_port" "$brokers" \
  caravan.pins no-wait > "$work/nowait.log" 2>&1 &
pids+=($!)
ready "http://127.0.0.1:$flask_port/health" 60
ready "http://127.0.0.1:$plain_port/health" 60
ready "http://127.0.0.1:$nowait_port/health" 60

echo "[peers] $(nproc) cores; wrk 2 threads, 32 connections, ${seconds} s after a 5 s warm-up; one embedded broker"
measure flask-gunicorn-2-workers "http://127.0.0.1:$flask_port/api/v1/streams/pins"
measure plain-java-http-kafka "http://127.0.0.1:$plain_port/api/v1/streams/pins"
# the same server answering before Kafka's ack: the price of the synchronous guarantee at the limit of the path
measure plain-java-no-ack-wait "http://127.0.0.1:$nowait_port/api/v1/streams/pins"
measure caravan-sinks-off "$caravan_url"
kill "$caravan_pid"; wait "$caravan_pid" 2>/dev/null || true
start_caravan on fresh
measure caravan-default "$caravan_url"
kill "$caravan_pid"; wait "$caravan_pid" 2>/dev/null || true
start_caravan on data
measure caravan-default-draining "$caravan_url"

awk '
  { name[NR] = $1; rps[NR] = $2; p99[NR] = $3; err[NR] = $4; if ($1 ~ /^flask/) flask = $2; if ($1 == "plain-java-http-kafka") plain = $2 }
  END {
    print ""; print "| path | requests/s | p99 | non-2xx | vs Flask | vs plain Java |"; print "|---|---|---|---|---|---|"
    for (i = 1; i <= NR; i++)
      printf "| %s | %.0f | %s | %s | %.2fx | %.1f %% |\n", name[i], rps[i], p99[i], err[i], rps[i] / flask, 100 * rps[i] / plain
  }' "$work/results" | tee "$work/table.md"
mkdir -p bench/results
cp "$work/table.md" "bench/results/peers-ingest-$(date -u +%Y%m%dT%H%M%SZ).md"
