#!/usr/bin/env bash
# Ingest benchmark: Caravan's POST /api/v1/streams/pins (batched NDJSON and single records) against a plain
# KafkaProducer on the same embedded broker, in one run.
# Usage: bash bench/ingest.sh [--batch-requests=N] [--threads=N] ...   (see bench/README.md, "Ingest benchmark")
# Never run in CI.
exec bash "$(dirname "$0")/bench.sh" IngestBench "$@"
