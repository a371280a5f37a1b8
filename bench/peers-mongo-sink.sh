#!/usr/bin/env bash
# MongoDB sink against the peer a user would pick instead, in one run, on one broker (Caravan's embedded Kafka) and
# one MongoDB server: a Kafka Connect standalone worker (the broker's Kafka version) with MongoDB's official sink
# connector, then Caravan's own sink, each draining the same backlog of N pins (600 B, keyed by unique_id) from
# caravan.pins into its own collection. Twice: on Caravan's embedded MongoDB server (H2 store), then on an external
# mongo-java-server (in-memory backend) in a JVM of its own. Both upsert by business key (unique_id, unique index),
# with 2 consumers (tasks) and batches of 500; Caravan also cleans each record (its pins flow, join off).
# Clocks: the collection's count (the count command) every 500 ms, from the sink's process start to N documents and
# from the first document to N; records/s = N / (first document to N). Caravan's start includes its embedded broker.
# Needs: java and javac 17, curl, python3, mvn (first run: fetches the worker and the connector into
# bench/peers/connect/target).
# Usage: bash bench/peers-mongo-sink.sh [records, default 200000]. Never run in CI; see bench/README.md.
# PEERS_JFR=DIR: Caravan's runs also write a flight recording (profile settings) to DIR/caravan-<run>.jfr, and the
# external MongoDB server to DIR/mongo-external.jfr.
# PEERS_WRITE_PLAN=PLAN: caravan.mongo.write-plan of Caravan's run on the external server (default: auto, which
# upserts there, as the connector does; read-first inserts the keys it does not find).
set -euo pipefail
cd "$(dirname "$0")/.."
records="${1:-200000}"
[[ "$records" =~ ^[1-9][0-9]*$ ]] || { echo "[peers] usage: $0 [records, default 200000]" >&2; exit 2; }
for tool in java javac python3 curl; do
  command -v "$tool" >/dev/null || { echo "[peers] $tool is missing (see the header of $0)" >&2; exit 2; }
done
lib="$PWD/bench/peers/connect/target"
# the worker's classpath, the connector's plugin.path and the external server's backend, fetched once
if ! ls "$lib"/worker/connect-runtime-*.jar "$lib"/plugins/mongo-kafka-connect/*.jar \
    "$lib"/server/mongo-java-server-memory-backend-*.jar >/dev/null 2>&1; then
  echo "[peers] fetching Kafka Connect and the MongoDB sink connector from Maven Central ..."
  mvn -B -q -f bench/peers/connect/pom.xml dependency:copy-dependencies@worker dependency:copy@plugins
fi
[ -f target/caravan.jar ] || mvn -B -q package -DskipTests
work="$(mktemp -d "${TMPDIR:-/tmp}/caravan-peers.XXXXXX")"
cp target/caravan.jar "$work/caravan.jar"
# bench/peers/connect's programs run as single source files, with the kit they share compiled onto the class path
javac -d "$work/peers" -cp "$work/caravan.jar" bench/peers/connect/PeerKit.java
# an empty working directory: Caravan uses the configuration and routes packaged in the jar copy
mkdir -p "$work/run"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
ready() { # url, seconds, pid of the server
  for _ in $(seq 1 "$2"); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || { echo "[peers] the server of $1 exited" >&2; return 1; }
    sleep 1
  done
  echo "[peers] $1 not ready within $2 s" >&2; return 1
}
fail() { # message, log file
  echo "[peers] $1; the last lines of $(basename "$2"):" >&2; tail -n 40 "$2" >&2 || true; exit 1
}
backlog() { java -cp "$work/caravan.jar:$work/peers" bench/peers/connect/PinBacklog.java "$@"; }
stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

kafka_port="$(port)"
brokers="127.0.0.1:$kafka_port"
embedded_mongo_port="$(port)"
s3_port="$(port)"
start_caravan() { # label, then NAME=value settings on top of the shared ones
  local label="$1"; shift
  local http; http="$(port)"
  [ -z "${PEERS_JFR:-}" ] || set -- "$@" \
    "JAVA_TOOL_OPTIONS=-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=$(realpath "$PEERS_JFR")/caravan-$label.jfr"
  (cd "$work/run" && exec env -u KAFKA_BROKERS -u MONGODB_URI CARAVAN_DATA_DIR="$work/data" CARAVAN_HTTP_PORT="$http" \
    CARAVAN_EMBEDDED_KAFKA_PORT="$kafka_port" CARAVAN_EMBEDDED_MONGO_PORT="$embedded_mongo_port" \
    CARAVAN_EMBEDDED_S3_PORT="$s3_port" CARAVAN_POLL_ENABLED=false CARAVAN_LAKE_FLOWS= CARAVAN_FLOWS_PINS_JOININTO= \
    "$@" java -jar "$work/caravan.jar") > "$work/caravan-$label.log" 2>&1 &
  caravan_pid=$!
  pids+=("$caravan_pid")
  ready "http://127.0.0.1:$http/observe/health" 120 "$caravan_pid" || fail "Caravan did not start" "$work/caravan-$label.log"
}
start_connect() { # label, MongoDB URI
  local label="$1" rest; rest="$(port)"
  cat > "$work/worker-$label.properties" <<EOF
bootstrap.servers=$brokers
key.converter=org.apache.kafka.connect.storage.StringConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
value.converter.schemas.enable=false
offset.storage.file.filename=$work/connect-$label.offsets
plugin.path=$lib/plugins
listeners=http://127.0.0.1:$rest
EOF
  # upsert by business key, as the connector's docs describe it: filter on unique_id, which has a unique index
  cat > "$work/sink-$label.properties" <<EOF
name=mongo-sink-pins-$label
connector.class=com.mongodb.kafka.connect.MongoSinkConnector
tasks.max=2
topics=caravan.pins
connection.uri=$2
database=caravan
collection=connect_pins
max.batch.size=500
document.id.strategy=com.mongodb.kafka.connect.sink.processor.id.strategy.PartialValueStrategy
document.id.strategy.partial.value.projection.list=unique_id
document.id.strategy.partial.value.projection.type=AllowList
writemodel.strategy=com.mongodb.kafka.connect.sink.writemodel.strategy.ReplaceOneBusinessKeyStrategy
EOF
  # the heap and GC flags of Kafka's connect-standalone.sh
  java -Xms256M -Xmx2G -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
    -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$PWD/bench/peers/connect/connect-log4j.properties" -cp "$lib/worker/*" \
    org.apache.kafka.connect.cli.ConnectStandalone "$work/worker-$label.properties" "$work/sink-$label.properties" \
    > "$work/connect-$label.log" 2>&1 &
  connect_pid=$!
  pids+=("$connect_pid")
}
# one timed drain: the watcher is up before the sink's process starts, then polls until the collection holds N
drain() { # path, server label, MongoDB URI, collection, sink log, command that starts the sink
  local path="$1" server="$2" uri="$3" collection="$4" log="$5"; shift 5
  local out="$work/watch-$path-$server.out"
  backlog watch "$uri" caravan "$collection" "$records" "$((120 + records / 100))" > "$out" 2>&1 &
  local watcher=$!
  pids+=("$watcher")
  for _ in $(seq 1 120); do grep -q '^watching' "$out" && break; sleep 0.5; done
  grep -q '^watching' "$out" || fail "the watcher did not start" "$out"
  local t0; t0="$(date +%s%3N)"
  "$@"
  while kill -0 "$watcher" 2>/dev/null; do
    grep -q 'unrecoverable exception' "$log" 2>/dev/null && fail "$path failed" "$log"
    sleep 1
  done
  wait "$watcher" || fail "$path did not store $records documents in time ($(tail -1 "$out"))" "$log"
  local first done; first="$(awk '$1 == "first" {print $2}' "$out")"; done="$(awk '$1 == "done" {print $2}' "$out")"
  printf '%s %s %s %s\n' "$path" "$server" "$((done - t0))" "$((done - first))" >> "$work/results"
  printf '[peers] %-24s %-20s start to N %6.1f s   first document to N %6.1f s\n' "$path" "$server" \
    "$(awk -v ms="$((done - t0))" 'BEGIN {print ms / 1000}')" "$(awk -v ms="$((done - first))" 'BEGIN {print ms / 1000}')"
}
check() { # label, MongoDB URI; a failed check is reported with the table, at the end
  backlog check "$2" caravan connect_pins "$records" | sed "s/^/[$1] /" | tee -a "$work/checks" || true
  backlog check "$2" caravan pins "$records" | sed "s/^/[$1] /" | tee -a "$work/checks" || true
  # the pins flow's join is off: nothing may reach posts, or Caravan did more than one write per record
  local posts; posts="$(backlog count "$2" caravan posts)"
  [ "$posts" = 0 ] || echo "FAILED caravan.posts holds $posts documents, the join was meant to be off" \
    | sed "s/^/[$1] /" | tee -a "$work/checks"
}

load="$(cut -d' ' -f1 /proc/loadavg)"
versions="Kafka Connect $(ls "$lib"/worker | sed -n 's/^connect-runtime-\(.*\)\.jar$/\1/p'), MongoDB sink connector $(ls "$lib"/plugins/mongo-kafka-connect | sed -n 's/^mongo-kafka-connect-\([0-9.]*\).*\.jar$/\1/p')"
echo "[peers] $(nproc) cores, load $load; $records pins; $versions; one embedded broker"
# 1. the backlog, on Caravan's broker with every sink off
start_caravan connect-embedded CARAVAN_MONGO_FLOWS=
backlog preload "$brokers" caravan.pins "$records" | sed 's/^/[peers] backlog: /'
embedded_uri="mongodb://127.0.0.1:$embedded_mongo_port"
backlog index "$embedded_uri" caravan connect_pins

# 2. Caravan's embedded MongoDB server: Kafka Connect, then Caravan's sink (a restart, on the same data directory)
drain kafka-connect embedded-h2 "$embedded_uri" connect_pins "$work/connect-embedded.log" start_connect embedded "$embedded_uri"
stop "$connect_pid"
stop "$caravan_pid"
drain caravan embedded-h2 "$embedded_uri" pins "$work/caravan-sink-embedded.log" \
  start_caravan sink-embedded CARAVAN_MONGO_FLOWS=pins
check embedded-h2 "$embedded_uri"
stop "$caravan_pid"

# 3. an external mongo-java-server (in-memory) in its own JVM, the same broker and backlog, new consumer groups
external_port="$(port)"
external_uri="mongodb://127.0.0.1:$external_port"
java ${PEERS_JFR:+"-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=$(realpath "$PEERS_JFR")/mongo-external.jfr"} \
  -cp "$work/caravan.jar:$(ls "$lib"/server/mongo-java-server-memory-backend-*.jar):$work/peers" bench/peers/connect/MemoryMongoServer.java "$external_port" > "$work/mongo-external.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 60); do grep -q '^listening' "$work/mongo-external.log" && break; sleep 0.5; done
grep -q '^listening' "$work/mongo-external.log" || fail "the external MongoDB server did not start" "$work/mongo-external.log"
start_caravan connect-external CARAVAN_MONGO_FLOWS= MONGODB_URI="$external_uri"
backlog index "$external_uri" caravan connect_pins
drain kafka-connect external-memory "$external_uri" connect_pins "$work/connect-external.log" start_connect external "$external_uri"
stop "$connect_pid"
stop "$caravan_pid"
drain caravan external-memory "$external_uri" pins "$work/caravan-sink-external.log" \
  start_caravan sink-external CARAVAN_MONGO_FLOWS=pins CARAVAN_MONGO_GROUP=caravan-mongo-external MONGODB_URI="$external_uri" \
  CARAVAN_MONGO_WRITE_PLAN="${PEERS_WRITE_PLAN:-auto}"
check external-memory "$external_uri"
dead_letters="$(backlog records "$brokers" caravan.pins.dlq)"
stop "$caravan_pid"

# what the logs say besides the numbers: errors, warnings, dead letters
for log in "$work"/caravan-*.log "$work"/connect-*.log; do
  printf '[peers] %-28s %4s ERROR, %4s WARN lines\n' "$(basename "$log")" "$(grep -c ' ERROR ' "$log" || true)" \
    "$(grep -c ' WARN ' "$log" || true)"
done
echo "[peers] dead letters in caravan.pins.dlq: $dead_letters"
awk -v n="$records" '
  { path[NR] = $1; server[NR] = $2; total[NR] = $3; drain[NR] = ($4 < 500 ? 500 : $4); if ($1 == "kafka-connect") peer[$2] = n * 1000 / drain[NR] }
  END {
    print ""; print "| path | server | start to N, s | first document to N, s | records/s | vs Kafka Connect |"
    print "|---|---|---|---|---|---|"
    for (i = 1; i <= NR; i++) {
      rps = n * 1000 / drain[i]
      printf "| %s | %s | %.1f | %.1f | %.0f | %.2fx |\n", path[i], server[i], total[i] / 1000, drain[i] / 1000, rps, rps / peer[server[i]]
    }
  }' "$work/results" | tee "$work/table.md"
{ echo; echo "$records pins of 600 B, $(nproc) cores, load $load at the start; $versions; checks:"
  sed 's/^/    /' "$work/checks"
  echo "    dead letters in caravan.pins.dlq: $dead_letters"; } >> "$work/table.md"
mkdir -p bench/results
saved="bench/results/peers-mongo-sink-$(date -u +%Y%m%dT%H%M%SZ).md"
cp "$work/table.md" "$saved"
echo "[peers] saved $saved"
if grep -q FAILED "$work/checks" || [ "$dead_letters" != 0 ]; then
  echo "[peers] a collection does not hold exactly the $records pins, or records were dead-lettered" >&2; exit 3
fi
