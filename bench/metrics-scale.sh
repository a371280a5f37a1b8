#!/usr/bin/env bash
# Analytics at scale: POSTS joined posts through the ingest API (the posting emulator), then one recompute (every
# metric live and batch), timed, with the app's heap sampled by jstat every 250 ms meanwhile. Run it for two jars to
# compare builds in one sitting (e.g. before and after metrics moved into MongoDB and DuckDB). A recompute answers
# when it is done (caravan.ops.wait-ms raised), not 202. The app runs in an empty directory, so each jar uses its own
# packaged routes and settings, not the repository's.
# Then the live set: heap after a full collection before a second recompute, and at most during it (a full collection
# every 5 s), with the ten largest classes at that most (which says whose memory it is).
# mongo=external runs MongoDB outside Caravan's JVM (mongo-java-server, in-memory backend, a JVM of its own, as in
# peers-mongo-sink.sh), so Caravan's heap holds only Caravan; mongo=external-h2 runs Caravan's own embedded server (H2
# file) in a JVM of its own, whose memory does not grow with the documents (the in-memory one held 6.2 GB at 300,000
# posts); the default is the embedded server, inside the heap.
# load=kafka produces the same generator's posts straight to the flows' topics (PostsBacklog.java) instead of posting
# them through the ingest API, which sends about 250 posts/s here with the sinks and an external server beside it.
# Caravan's resident set (heap, DuckDB's native memory and the rest) is sampled every 250 ms during the timed recompute.
# Usage: bash bench/metrics-scale.sh [posts, default 30000] [jar, default target/caravan.jar]
#        [mongo: embedded (default), external or external-h2] [load: api (default) or kafka]. Never run in CI.
#        SERVER_HEAP (default 4g): the external-h2 server's -Xmx (its aggregation holds a collection in memory: 14g
#        for a million posts).
set -euo pipefail
cd "$(dirname "$0")/.."
posts="${1:-30000}"
jar="${2:-target/caravan.jar}"
mongo="${3:-embedded}"
load="${4:-api}"
work="$(mktemp -d "${TMPDIR:-/tmp}/caravan-metrics.XXXXXX")"
cp "$jar" "$work/app.jar"
# bench/peers/connect's programs run as single source files, with the kit they share compiled onto the class path
javac -d "$work/peers" -cp "$work/app.jar" bench/peers/connect/PeerKit.java
server=""
trap 'kill "$app" $server 2>/dev/null || true; wait 2>/dev/null || true
  cp "$work/app.log" "${TMPDIR:-/tmp}/metrics-scale-app.log" 2>/dev/null || true; rm -rf "$work"' EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
http="$(port)"
external=()
if [ "$mongo" = external ]; then
  lib="$PWD/bench/peers/connect/target"
  ls "$lib"/server/mongo-java-server-memory-backend-*.jar >/dev/null 2>&1 \
    || mvn -B -q -f bench/peers/connect/pom.xml dependency:copy-dependencies@worker
  mongo_port="$(port)"
  java -cp "$work/app.jar:$(ls "$lib"/server/mongo-java-server-memory-backend-*.jar):$work/peers" \
    bench/peers/connect/MemoryMongoServer.java "$mongo_port" > "$work/mongo.log" 2>&1 &
  server=$!
  for _ in $(seq 1 60); do grep -q '^listening' "$work/mongo.log" && break; sleep 0.5; done
  external=(MONGODB_URI="mongodb://127.0.0.1:$mongo_port")
elif [ "$mongo" = external-h2 ]; then
  mongo_port="$(port)"
  java -Xmx"${SERVER_HEAP:-4g}" -cp "$work/app.jar:$work/peers" bench/peers/connect/FileMongoServer.java "$work/mongo/caravan.mv.db" "$mongo_port" \
    > "$work/mongo.log" 2>&1 &
  server=$!
  for _ in $(seq 1 60); do grep -q '^listening' "$work/mongo.log" && break; sleep 0.5; done
  # the H2 store answers an upsert by scanning: read first, as Caravan does on its embedded server
  external=(MONGODB_URI="mongodb://127.0.0.1:$mongo_port" CARAVAN_MONGO_WRITE_PLAN=read-first)
fi
kafka_port="$(port)"
env "${external[@]}" CARAVAN_DATA_DIR="$work/data" CARAVAN_HTTP_PORT="$http" CARAVAN_EMBEDDED_KAFKA_PORT="$kafka_port" \
  CARAVAN_EMBEDDED_MONGO_PORT="$(port)" CARAVAN_EMBEDDED_S3_PORT="$(port)" CARAVAN_POLL_ENABLED=false \
  CARAVAN_LAKE_ROTATE_INTERVAL_MS=2000 CARAVAN_OPS_WAIT_MS=600000 \
  bash -c 'cd "$1" && exec java -Xmx2g -jar app.jar' _ "$work" > "$work/app.log" 2>&1 &
app=$!
for _ in $(seq 1 120); do curl -fsS -o /dev/null "http://127.0.0.1:$http/observe/health" 2>/dev/null && break; sleep 1; done
start=$(date +%s)
if [ "$load" = kafka ]; then
  java -cp "$work/app.jar:$work/peers" bench/peers/connect/PostsBacklog.java "127.0.0.1:$kafka_port" "$posts" > "$work/emulate.log" 2>&1
else
  java -jar "$work/app.jar" emulate --url "http://127.0.0.1:$http" --rate 2000 --count "$posts" > "$work/emulate.log" 2>&1
fi
echo "[metrics] $posts posts sent in $(( $(date +%s) - start )) s"
# the sinks drain: no lag left (cheap to ask), then a recompute counts every post on both sides
for _ in $(seq 1 720); do
  lag="$(curl -fsS "http://127.0.0.1:$http/api/v1/overview" \
    | python3 -c 'import json,sys; print(sum(s["lag"] for s in json.load(sys.stdin)["sinks"]))' 2>/dev/null || echo 1)"
  [ "$lag" = 0 ] && break
  sleep 5
done
echo "[metrics] the sinks caught up $(( $(date +%s) - start )) s after the first post"
for _ in $(seq 1 120); do
  report="$(curl -fsS -X POST "http://127.0.0.1:$http/api/v1/metrics/recompute" || true)"
  stream="$(printf '%s' "$report" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["posts"]["stream"], d["posts"]["batch"])' 2>/dev/null || echo "0 0")"
  [ "$stream" = "$posts $posts" ] && break
  sleep 5
done
echo "[metrics] posts in MongoDB and in the lake: $stream"
heap() { jstat -gc "$app" 250 | awk 'NR > 1 { used = ($3 + $4 + $6 + $8) / 1024; if (used > max) max = used } END { printf "%.0f", max }'; }
jstat -gc "$app" 250 > "$work/jstat.txt" &
sampler=$!
(while :; do ps -o rss= -p "$app"; sleep 0.25; done) > "$work/rss.txt" 2>/dev/null &
rss_sampler=$!
t0=$(date +%s%N)
curl -fsS -X POST "http://127.0.0.1:$http/api/v1/metrics/recompute" > "$work/report.json"
t1=$(date +%s%N)
kill "$sampler" "$rss_sampler"
peak="$(awk 'NR > 1 { used = ($3 + $4 + $6 + $8) / 1024; if (used > max) max = used } END { printf "%.0f", max }' "$work/jstat.txt")"
committed="$(awk 'NR > 1 { c = ($1 + $2 + $5 + $7) / 1024; if (c > max) max = c } END { printf "%.0f", max }' "$work/jstat.txt")"
rss="$(awk '$1 > max { max = $1 } END { printf "%.0f", max / 1024 }' "$work/rss.txt")"
agree="$(python3 -c 'import json; d=json.load(open("'"$work/report.json"'")); print(d["agree"], [m["name"] for m in d["metrics"] if not m["agree"]])')"
cp "$work/report.json" "${TMPDIR:-/tmp}/metrics-scale-report.json"
took="$(python3 -c 'import json; t=json.load(open("'"$work/report.json"'")).get("took", {}); print(t.get("streamMs", "-"), "ms in MongoDB,", t.get("batchMs", "-"), "ms in DuckDB")')"
printf '[metrics] recompute of every metric: %d ms (%s), heap used at most %s MB (committed %s MB), resident set at most %s MB while it ran, agree: %s\n' \
  $(( (t1 - t0) / 1000000 )) "$took" "$peak" "$committed" "$rss" "$agree"
for name in $(python3 -c 'import json; d=json.load(open("'"$work/report.json"'")); print(" ".join(m["name"] for m in d["metrics"] if not m["agree"]))'); do
  curl -fsS "http://127.0.0.1:$http/api/v1/metrics/$name" > "${TMPDIR:-/tmp}/metrics-scale-$name.json"
done
# the live set: a second recompute with a full collection every 5 s (which slows it, so it is not timed); after each,
# what the heap still holds is live, so the largest of those is about the most the recompute needed at once
live() { jstat -gc "$app" | awk 'NR == 2 { printf "%.0f", ($3 + $4 + $6 + $8) / 1024 }'; }
jcmd "$app" GC.run > /dev/null
before="$(live)"
curl -fsS -X POST "http://127.0.0.1:$http/api/v1/metrics/recompute" > /dev/null &
second=$!
most=0
while kill -0 "$second" 2>/dev/null; do
  jcmd "$app" GC.run > /dev/null 2>&1 || true
  now="$(live)"
  if [ "$now" -gt "$most" ]; then
    most="$now"
    jcmd "$app" GC.class_histogram 2>/dev/null | sed -n 3,13p > "$work/histogram.txt" || true
  fi
  sleep 5
done
wait "$second"
printf '[metrics] MongoDB %s; live set (after a full collection): %s MB before a recompute, at most %s MB during one\n' \
  "$mongo" "$before" "$most"
echo "[metrics] the largest classes then (instances, bytes, class):"
sed 's/^/[metrics]   /' "$work/histogram.txt"
if [ -n "$server" ]; then
  echo "[metrics] the external MongoDB server's resident set: $(ps -o rss= -p "$server" | awk '{ printf "%.0f", $1 / 1024 }') MB"
fi
