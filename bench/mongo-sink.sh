#!/usr/bin/env bash
# MongoDB sink benchmark: Caravan's streams-to-mongo route draining a backlog of pins from Kafka into the embedded
# MongoDB, against plain MongoDB driver writes (insertMany, upsert bulkWrite) to the same server, in one run.
# Usage: bash bench/mongo-sink.sh [--records=N] [--batch=N] ...   (see bench/README.md, "MongoDB sink benchmark")
# Never run in CI.
exec bash "$(dirname "$0")/bench.sh" MongoSinkBench "$@"
