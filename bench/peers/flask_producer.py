"""The peer a seed project would write: a Flask endpoint that puts each posted record on Kafka with kafka-python.

Run under gunicorn with sync workers (one producer per worker), as the seeds deploy it:
  KAFKA_BROKERS=127.0.0.1:9092 TOPIC=caravan.pins gunicorn -w 2 -b 127.0.0.1:5000 flask_producer:app
Like Caravan's ingest API it answers 202 only after Kafka acknowledged the record (acks=all), so both promise the same.
"""
import json
import os

from flask import Flask, jsonify, request
from kafka import KafkaProducer

app = Flask(__name__)
topic = os.environ.get("TOPIC", "caravan.pins")
producer = KafkaProducer(bootstrap_servers=os.environ["KAFKA_BROKERS"].split(","), acks="all",
                         linger_ms=0, key_serializer=lambda k: k.encode("utf-8") if k else None)


@app.get("/health")
def health():
    return "ok"


@app.post("/api/v1/streams/pins")
def post_pin():
    record = request.get_json(silent=True)
    if not isinstance(record, dict):
        return jsonify(title="Bad Request", detail="one JSON object expected"), 400
    key = str(record.get("unique_id")) if record.get("unique_id") is not None else None
    meta = producer.send(topic, key=key, value=json.dumps(record).encode("utf-8")).get(timeout=10)
    return jsonify(topic=meta.topic, partition=meta.partition, offset=meta.offset), 202
