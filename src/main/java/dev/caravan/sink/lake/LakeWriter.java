package dev.caravan.sink.lake;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.config.RouteFileReloader;
import dev.caravan.schema.ConfluentWire;
import dev.caravan.schema.JsonAvro;
import dev.caravan.schema.SchemaRegistryException;
import dev.caravan.schema.StreamFormats;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka into the lake as time-partitioned NDJSON.gz files, exactly once, with wall-clock rotation.
 *
 * <p>Per topic partition, consumed records go into one open unit: a contiguous offset range split into one file per
 * zone (raw, clean) and hour bucket. The unit is flushed when it holds flush-records records or flush-bytes bytes, or
 * has been open rotate-interval: first an intent ({@code _manifests/T/P/_pending.json}: the range and the keys about to
 * be written), then the files, then the manifest, and only then the Kafka offset after the unit. A file's key is made
 * of topic, partition and its first offset, so it is deterministic, but a re-consumed range may be cut differently
 * (time decides the cut). That is why, before the first flush after a start, the intent of the partition's last unit
 * is checked: if its range ends after the offset consumption resumed from, it was never committed, and its files and
 * manifest are deleted before the range is written again. So every offset is in exactly one committed file set.
 */
public final class LakeWriter {

    private static final Logger LOG = LoggerFactory.getLogger(LakeWriter.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String RAW_SCHEMA = "caravan-raw-envelope/1 {topic,partition,offset,timestamp,key,value}";

    public record Limits(int flushRecords, long flushBytes, long rotateIntervalMs) {
    }

    private final LakeStore store;
    private final LakeKeys keys;
    private final Limits limits;
    private final boolean rawZone;
    private final boolean cleanZone;
    private final LakeCleaning cleaning;
    private final EventTime eventTime;
    private final Map<String, String> formatByTopic = new java.util.HashMap<>();
    private final org.apache.avro.file.CodecFactory avroCodec;
    private final Clock clock;
    private volatile StreamFormats formats;
    private final Map<String, LakeUnit> open = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final Map<String, Long> nextOffset = new ConcurrentHashMap<>();
    private final Map<String, Long> unitEnd = new ConcurrentHashMap<>();
    private final Set<String> recovered = ConcurrentHashMap.newKeySet();
    private final Set<String> sealed = ConcurrentHashMap.newKeySet();
    private final Queue<KafkaManualCommit> commits = new ConcurrentLinkedQueue<>();
    private volatile String lastOutage;
    private final java.util.Deque<Map<String, Object>> recent = new java.util.concurrent.ConcurrentLinkedDeque<>();

    LakeWriter(LakeStore store, LakeKeys keys, Limits limits, boolean rawZone, boolean cleanZone,
            LakeCleaning cleaning, EventTime eventTime, Clock clock) {
        this(store, keys, limits, rawZone, cleanZone, cleaning, eventTime, "", "deflate", clock);
    }

    LakeWriter(LakeStore store, LakeKeys keys, Limits limits, boolean rawZone, boolean cleanZone,
            LakeCleaning cleaning, EventTime eventTime, String formats, String avroCodec, Clock clock) {
        for (String pair : formats.split(",")) {
            int colon = pair.lastIndexOf(':');
            if (colon > 0) {
                String format = pair.substring(colon + 1).trim();
                if (!format.equals(AvroFiles.FORMAT) && !format.equals(NdjsonFile.FORMAT)) {
                    throw new IllegalArgumentException("caravan.lake.formats: '" + format + "' is neither ndjson.gz nor avro");
                }
                formatByTopic.put(pair.substring(0, colon).trim(), format);
            }
        }
        this.avroCodec = AvroFiles.codec(avroCodec);
        this.store = store;
        this.keys = keys;
        this.limits = limits;
        this.rawZone = rawZone;
        this.cleanZone = cleanZone;
        this.cleaning = cleaning;
        this.eventTime = eventTime;
        this.clock = clock;
    }

    /** Decodes Avro (Confluent wire format) records with these streams' schemas; without it they are opaque bytes. */
    public LakeWriter decodingWith(StreamFormats formats) {
        this.formats = formats;
        return this;
    }

    /** The bean the configuration binds. */
    public static LakeWriter create(org.apache.camel.CamelContext context, LakeStore store, LakeKeys keys,
            Limits limits, String zones, String cleaners, String timeFields, String formats, String avroCodec) {
        List<String> z = List.of(zones.replace(" ", "").split(","));
        return new LakeWriter(store, keys, limits, z.contains("raw"), z.contains("clean"),
                new LakeCleaning(context, cleaners), new EventTime(timeFields), formats, avroCodec, Clock.systemUTC());
    }

    /**
     * The consumer's batch (on the consumer thread): appended to the open units, full or old units flushed, and the
     * offsets of every unit flushed so far committed. Records already appended (a batch delivered again after a
     * failed attempt) are skipped by offset.
     */
    public void accept(List<Exchange> batch) throws IOException {
        for (Exchange e : batch) {
            var m = e.getMessage();
            // one pass over the headers instead of a case-insensitive lookup and a conversion per header
            String topic = null;
            Integer partitionHeader = null;
            Long offsetHeader = null;
            Long timestamp = null;
            Object keyHeader = null;
            KafkaManualCommit manualCommit = null;
            for (Map.Entry<String, Object> h : m.getHeaders().entrySet()) {
                switch (h.getKey()) {
                    case KafkaConstants.TOPIC -> topic = (String) h.getValue();
                    case KafkaConstants.PARTITION -> partitionHeader = (Integer) h.getValue();
                    case KafkaConstants.OFFSET -> offsetHeader = (Long) h.getValue();
                    case KafkaConstants.TIMESTAMP -> timestamp = (Long) h.getValue();
                    case KafkaConstants.KEY -> keyHeader = h.getValue();
                    case KafkaConstants.MANUAL_COMMIT -> manualCommit = (KafkaManualCommit) h.getValue();
                    default -> { }
                }
            }
            int partition = partitionHeader;
            long offset = offsetHeader;
            String tp = topic + "-" + partition;
            synchronized (lock(tp)) {
                if (offset < nextOffset.getOrDefault(tp, Long.MIN_VALUE)) {
                    continue;
                }
                LakeUnit unit = open.get(tp);
                if (unit != null && sealed.contains(tp)) {
                    // a flush of this unit failed earlier: it must land before the unit takes anything else
                    flush(tp, unit);
                    unit = null;
                }
                if (unit == null) {
                    unit = new LakeUnit(topic, partition, clock.millis());
                    open.put(tp, unit);
                }
                String key = keyHeader == null || keyHeader instanceof String ? (String) keyHeader
                        : m.getHeader(KafkaConstants.KEY, String.class);
                Object body = m.getBody();
                append(unit, offset, timestamp, key, body instanceof byte[] b ? b : m.getBody(byte[].class),
                        manualCommit);
                nextOffset.put(tp, offset + 1);
                if (unit.records >= limits.flushRecords() || unit.bytes >= limits.flushBytes()) {
                    flush(tp, unit);
                }
            }
        }
        for (String tp : List.copyOf(open.keySet())) {
            synchronized (lock(tp)) {
                LakeUnit unit = open.get(tp);
                if (unit != null && clock.millis() - unit.openedAtMillis >= limits.rotateIntervalMs()) {
                    flush(tp, unit);
                }
            }
        }
        commitFlushed();
    }

    /**
     * The rotation timer: units open longer than rotate-interval are flushed even when their topic is quiet. Their
     * offsets are committed by the consumer thread (Kafka consumers are single-threaded); until then a restart treats
     * them as uncommitted and writes them again, once.
     */
    public int flushExpired() {
        int flushed = 0;
        for (String tp : List.copyOf(open.keySet())) {
            synchronized (lock(tp)) {
                LakeUnit unit = open.get(tp);
                if (unit == null || clock.millis() - unit.openedAtMillis < limits.rotateIntervalMs()) {
                    continue;
                }
                try {
                    flush(tp, unit);
                    flushed++;
                } catch (LakeUnavailableException e) {
                    String line = RouteFileReloader.oneLine(e);
                    if (!line.equals(lastOutage)) {
                        LOG.warn("Lake: {}; the unit of {} stays open and is written when S3 answers", line, tp);
                        lastOutage = line;
                    }
                }
            }
        }
        return flushed;
    }

    /** The files this process wrote last, newest first (the operator console shows them). */
    public List<Map<String, Object>> recentFiles() {
        return List.copyOf(recent);
    }

    /** Offsets of flushed units, in flush order, on the consumer thread. */
    private void commitFlushed() {
        KafkaManualCommit c;
        while ((c = commits.poll()) != null) {
            c.commit();
        }
    }

    private void append(LakeUnit unit, long offset, Long timestamp, String key, byte[] value, KafkaManualCommit commit)
            throws IOException {
        long ts = timestamp == null ? clock.millis() : timestamp;
        // a record is turned into a map only when cleaning or an event-time field needs one; the raw zone only
        // needs to know that the bytes are one JSON object, which a streaming pass tells at a fraction of the cost
        boolean needMap = (cleanZone && cleaning.cleans(unit.topic)) || eventTime.field(unit.topic) != null;
        StreamFormats.Decoded wire = null;
        boolean wireBytes = formats != null && StreamFormats.isWire(value);
        if (wireBytes) {
            try {
                wire = formats.decode(unit.topic, value);
            } catch (SchemaRegistryException outage) {
                // before anything is appended: the batch is retried once the registry answers
                throw outage;
            } catch (RuntimeException undecodable) {
                // the raw zone keeps the bytes as they came; the MongoDB sink dead-letters the record with the reason
                LOG.debug("Lake: {}-{}@{} not decodable: {}", unit.topic, unit.partition, offset,
                        undecodable.getMessage());
            }
        }
        Map<String, Object> parsed = null;
        int shape = NOT_AN_OBJECT;
        if (wire != null) {
            parsed = needMap ? wire.map() : null;
        } else if (!wireBytes && needMap) {
            Parsed p = parseWithShape(value);
            if (p != null) {
                parsed = p.map();
                shape = p.shape();
            }
        } else if (!wireBytes) {
            shape = jsonShape(value);
        }
        if (unit.firstOffset < 0) {
            unit.firstOffset = offset;
        }
        unit.lastOffset = offset;
        unit.records++;
        unit.bytes += value == null ? 0 : value.length;
        unit.commit = commit;
        long bucketTime = eventTime.of(unit.topic, parsed, ts);
        if (rawZone) {
            LakeFile raw = file(unit, "raw", offset, bucketTime, wire);
            if (raw instanceof AvroFiles.RawWire avro) {
                avro.append(unit.topic, unit.partition, offset, ts, key, value);
            } else if (raw instanceof AvroFiles.Raw avro) {
                avro.append(unit.topic, unit.partition, offset, ts, key, value);
            } else if (wire != null) {
                ((NdjsonFile) raw).append(offset, rawWireLine(unit, offset, ts, key, wire, value, parsed));
            } else {
                appendRawLine((NdjsonFile) raw, unit, offset, ts, key, value, shape);
            }
        }
        if (cleanZone && cleaning.cleans(unit.topic)) {
            if (parsed == null) {
                unit.skipped++;
            } else {
                try {
                    Map<String, Object> clean = cleaning.clean(unit.topic, unit.partition, offset, parsed);
                    LakeFile f = file(unit, "clean", offset, bucketTime, null);
                    if (f instanceof AvroFiles.Clean avro) {
                        avro.append(offset, clean, value.length);
                    } else {
                        ((NdjsonFile) f).append(offset, JSON.writeValueAsBytes(clean));
                    }
                } catch (Exception refused) {
                    // the raw zone has it; the MongoDB sink dead-letters the same record with the reason
                    unit.skipped++;
                    LOG.debug("Lake: {}-{}@{} not cleaned: {}", unit.topic, unit.partition, offset, refused.getMessage());
                }
            }
        }
    }

    private LakeFile file(LakeUnit unit, String zone, long offset, long bucketTime, StreamFormats.Decoded wire) {
        String format = formatByTopic.getOrDefault(unit.topic, NdjsonFile.FORMAT);
        // an Avro raw file holds one writer schema: records of another schema id start a file of their own
        boolean ownSchema = wire != null && format.equals(AvroFiles.FORMAT);
        String bucket = zone + "|" + LakeKeys.bucket(bucketTime) + (ownSchema ? "|" + wire.schemaId() : "");
        return unit.files.computeIfAbsent(bucket, b -> {
            String key = keys.key(zone, unit.topic, unit.partition, offset, bucketTime, format);
            if (ownSchema) {
                return new AvroFiles.RawWire(key, offset, avroCodec, wire.schemaId(), wire.writer());
            }
            if (format.equals(AvroFiles.FORMAT)) {
                return zone.equals("raw") ? new AvroFiles.Raw(key, offset, avroCodec)
                        : new AvroFiles.Clean(key, unit.topic, offset, avroCodec);
            }
            return new NdjsonFile(key, zone, offset, zone.equals("raw") ? RAW_SCHEMA
                    : unit.topic + " cleaned by " + cleaning.cleaner(unit.topic));
        });
    }

    /**
     * One NDJSON line of the raw zone: the record's coordinates and its value as received. A one-line JSON object is
     * copied as it is, behind a head built without Jackson (the topic part is the unit's, computed once).
     */
    private static void appendRawLine(NdjsonFile file, LakeUnit unit, long offset, long ts, String key, byte[] value,
            int shape) throws IOException {
        StringBuilder mid = new StringBuilder(64).append(offset).append(",\"timestamp\":").append(ts)
                .append(",\"key\":");
        jsonString(mid, key);
        if (value != null && shape == ONE_LINE) {
            mid.append(",\"value\":");
            file.appendRaw(offset, unit.rawLineHead(), mid.toString().getBytes(StandardCharsets.UTF_8), value);
            return;
        }
        if (value == null) {
            mid.append(",\"value\":null}");
        } else if (shape == MULTI_LINE) {
            mid.append(",\"value\":").append(JSON.writeValueAsString(parse(value))).append('}');
        } else {
            mid.append(",\"value_base64\":\"").append(Base64.getEncoder().encodeToString(value)).append("\"}");
        }
        file.appendRaw(offset, unit.rawLineHead(), mid.toString().getBytes(StandardCharsets.UTF_8), null);
    }

    /** A JSON string literal as Jackson writes it: quotes, backslashes and control characters escaped. */
    static void jsonString(StringBuilder out, String s) throws IOException {
        if (s == null) {
            out.append("null");
            return;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\') {
                out.append(JSON.writeValueAsString(s));
                return;
            }
        }
        out.append('"').append(s).append('"');
    }

    /** One NDJSON line of the raw zone for an Avro record: its schema id and its value as its writer wrote it. */
    private static byte[] rawWireLine(LakeUnit unit, long offset, long ts, String key, StreamFormats.Decoded wire,
            byte[] value, Map<String, Object> parsed) throws IOException {
        // read as written: the map already made for cleaning when the writer's schema is the reader's
        Map<String, Object> asWritten = !wire.writer().equals(wire.record().getSchema())
                ? JsonAvro.toMap(ConfluentWire.decode(value, id -> wire.writer(), wire.writer()))
                : parsed != null ? parsed : wire.map();
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("topic", unit.topic);
        line.put("partition", unit.partition);
        line.put("offset", offset);
        line.put("timestamp", ts);
        line.put("key", key);
        line.put("schema_id", wire.schemaId());
        line.put("value", asWritten);
        return JSON.writeValueAsBytes(line);
    }

    static final int NOT_AN_OBJECT = 0;
    static final int ONE_LINE = 1;
    static final int MULTI_LINE = 2;
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() { };

    private record Parsed(Map<String, Object> map, int shape) {
    }

    /** One JSON object and nothing after it, checked by a streaming pass (no map is built). */
    static boolean isJsonObject(byte[] value) {
        return jsonShape(value) != NOT_AN_OBJECT;
    }

    /**
     * Whether the bytes are one JSON object, and on one line: a JSON string cannot hold a raw line break, so the
     * parser's line count after the last token tells whether the object can be copied into an NDJSON line as it is.
     */
    static int jsonShape(byte[] value) {
        if (value == null) {
            return NOT_AN_OBJECT;
        }
        try (com.fasterxml.jackson.core.JsonParser p = JSON.getFactory().createParser(value)) {
            if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                return NOT_AN_OBJECT;
            }
            p.skipChildren();
            if (p.nextToken() != null) {
                return NOT_AN_OBJECT;
            }
            int lines = p.currentLocation().getLineNr();
            // skipping does not decode strings: make sure the bytes are UTF-8, as a JSON line must be
            if (!isAscii(value)) {
                StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(value));
            }
            return lines > 1 || wideEncoding(value) ? MULTI_LINE : ONE_LINE;
        } catch (IOException | RuntimeException notJson) {
            return NOT_AN_OBJECT;
        }
    }

    /**
     * UTF-16 or UTF-32 JSON, which Jackson reads too: a zero byte among the first two, where UTF-8 JSON has '{' or
     * whitespace. Its bytes cannot go into a UTF-8 line as they are (and a 0x0A byte there is no line break to the
     * parser), so it is written again, as UTF-8.
     */
    private static boolean wideEncoding(byte[] value) {
        return value.length > 1 && (value[0] == 0 || value[1] == 0);
    }

    /** Plain ASCII is valid UTF-8: most records are, and need no decoder (which copies them into a char buffer). */
    private static boolean isAscii(byte[] value) {
        for (byte b : value) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    /** The record as a map, with its shape; null when it is not one JSON object. */
    private static Parsed parseWithShape(byte[] value) {
        if (value == null) {
            return null;
        }
        try (com.fasterxml.jackson.core.JsonParser p = JSON.getFactory().createParser(value)) {
            if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                return null;
            }
            Map<String, Object> map = JSON.readValue(p, MAP);
            if (p.nextToken() != null) {
                return null;
            }
            return new Parsed(map, p.currentLocation().getLineNr() > 1 || wideEncoding(value) ? MULTI_LINE : ONE_LINE);
        } catch (IOException | RuntimeException notAnObject) {
            return null;
        }
    }

    private static Map<String, Object> parse(byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            return JSON.readValue(value, MAP);
        } catch (IOException | RuntimeException notAnObject) {
            return null;
        }
    }

    /** Intent, files, manifest; then the offset is queued for commit. Called holding the partition's lock. */
    private void flush(String tp, LakeUnit unit) {
        if (unit.isEmpty()) {
            open.remove(tp);
            return;
        }
        sealed.add(tp);
        recover(tp, unit);
        unit.from = unitEnd.getOrDefault(tp, unit.from);
        String manifestKey = keys.manifest(unit.topic, unit.partition, unit.from);
        List<String> fileKeys = unit.files.values().stream().map(LakeFile::key).toList();
        Map<String, Object> intent = new LinkedHashMap<>();
        intent.put("from", unit.from);
        intent.put("to", unit.to());
        intent.put("files", fileKeys);
        intent.put("manifest", manifestKey);
        store.putJson(keys.pending(unit.topic, unit.partition), intent);
        List<Map<String, Object>> entries = new ArrayList<>();
        for (LakeFile f : unit.files.values()) {
            store.put(f.key(), f.bytes(), "application/x-ndjson");
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("key", f.key());
            entry.put("zone", f.zone());
            entry.put("format", f.format());
            entry.put("topic", unit.topic);
            entry.put("partition", unit.partition);
            entry.put("firstOffset", f.firstOffset());
            entry.put("lastOffset", f.lastOffset());
            entry.put("records", f.records());
            entry.put("bytes", f.bytes().length);
            entry.put("uncompressedBytes", f.rawBytes());
            entry.put("sha256", f.sha256());
            entry.put("schema", f.schema());
            entries.add(entry);
        }
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("topic", unit.topic);
        manifest.put("partition", unit.partition);
        manifest.put("from", unit.from);
        manifest.put("to", unit.to());
        manifest.put("firstOffset", unit.firstOffset);
        manifest.put("lastOffset", unit.lastOffset);
        manifest.put("records", unit.records);
        manifest.put("bytes", unit.bytes);
        manifest.put("notCleaned", unit.skipped);
        manifest.put("writtenAt", Instant.ofEpochMilli(clock.millis()).toString());
        manifest.put("files", entries);
        store.putJson(manifestKey, manifest);
        for (Map<String, Object> entry : entries) {
            Map<String, Object> shown = new LinkedHashMap<>();
            shown.put("key", entry.get("key"));
            shown.put("format", entry.get("format"));
            shown.put("records", entry.get("records"));
            shown.put("bytes", entry.get("bytes"));
            shown.put("writtenAt", manifest.get("writtenAt"));
            recent.addFirst(shown);
        }
        while (recent.size() > 20) {
            recent.pollLast();
        }
        unitEnd.put(tp, unit.to());
        open.remove(tp);
        sealed.remove(tp);
        lastOutage = null;
        if (unit.commit != null) {
            commits.add(unit.commit);
        }
        LOG.debug("Lake: {} [{}, {}) in {} files", tp, unit.from, unit.to(), entries.size());
    }

    /**
     * Once per partition and process, before its first flush: an intent whose range ends after the first offset
     * consumed now was never committed (consumption restarted inside or before it), so its files are removed.
     */
    private void recover(String tp, LakeUnit unit) {
        if (recovered.contains(tp)) {
            return;
        }
        Map<String, Object> intent = store.getJson(keys.pending(unit.topic, unit.partition));
        if (intent == null) {
            unit.from = unit.firstOffset;
        } else {
            long from = ((Number) intent.get("from")).longValue();
            long to = ((Number) intent.get("to")).longValue();
            if (to > unit.firstOffset) {
                @SuppressWarnings("unchecked")
                List<String> files = (List<String>) intent.get("files");
                for (String key : files) {
                    store.delete(key);
                }
                store.delete(String.valueOf(intent.get("manifest")));
                LOG.info("Lake: {} [{}, {}) was written but not committed before a stop; its {} files are removed and"
                        + " the range is written again", tp, from, to, files.size());
                unit.from = from;
            } else {
                unit.from = to;
            }
        }
        unitEnd.remove(tp);
        recovered.add(tp);
    }

    private Object lock(String tp) {
        return locks.computeIfAbsent(tp, k -> new Object());
    }
}
