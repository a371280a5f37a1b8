#!/usr/bin/env bash
# Lake sink benchmark: Caravan's streams-to-lake route draining a backlog of pins from Kafka into the embedded S3 lake,
# against a plain KafkaConsumer that gzips the same NDJSON lines and puts them with the AWS SDK, in one run.
# Usage: bash bench/lake-sink.sh [--records=N] [--configs=raw+clean,raw] ...   (see bench/README.md, "Lake sink benchmark")
# Never run in CI.
exec bash "$(dirname "$0")/bench.sh" LakeSinkBench "$@"
