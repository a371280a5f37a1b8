package dev.caravan.sink.lake;

import java.io.IOException;
import java.time.Clock;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.schema.SchemaRegistryException;
import dev.caravan.schema.StreamFormats;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;

/**
 * One record into its partition's open unit: decoded (Avro wire format) or checked as JSON, bucketed by event time,
 * appended as a raw line and, where its flow cleans, as a clean row, each in the unit's file of that zone and hour.
 * What the topic's flow declares (zones, format, event time, cleaning) is read at every record, so a reloaded flow
 * applies from the next unit on.
 */
final class LakeAppender {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String RAW_SCHEMA = "caravan-raw-envelope/1 {topic,partition,offset,timestamp,key,value}";

    private final LakeKeys keys;
    private final dev.caravan.flow.Flows flows;
    private final LakeCleaning cleaning;
    private final EventTime eventTime;
    private final org.apache.avro.file.CodecFactory avroCodec;
    private final Clock clock;
    volatile StreamFormats formats;
    volatile org.apache.parquet.hadoop.metadata.CompressionCodecName parquetCodec = ParquetFiles.codec("zstd");
    volatile LakeWriter.Refusals refusals = LakeWriter.Refusals.NONE;
    volatile GzipMembers.Pool gzip = new GzipMembers.Pool(0);

    LakeAppender(LakeKeys keys, dev.caravan.flow.Flows flows, String avroCodec, Clock clock) {
        this.keys = keys;
        this.flows = flows;
        this.cleaning = new LakeCleaning(flows);
        this.eventTime = new EventTime(flows);
        this.avroCodec = AvroFiles.codec(avroCodec);
        this.clock = clock;
    }

    void append(LakeUnit unit, long offset, Long timestamp, String key, byte[] value, KafkaManualCommit commit)
            throws IOException {
        long ts = timestamp == null ? clock.millis() : timestamp;
        // a record is turned into a map only when cleaning or an event-time field needs one; the raw zone only
        // needs to know that the bytes are one JSON object, which a streaming pass tells at a fraction of the cost
        boolean cleans = cleaning.cleans(unit.topic);
        boolean needMap = cleans || eventTime.field(unit.topic) != null;
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
                unit.refuse(offset, "not decodable: " + undecodable.getMessage());
                refusals.refused(unit.topic, "undecodable");
            }
        }
        Map<String, Object> parsed = null;
        int shape = RawLines.NOT_AN_OBJECT;
        if (wire != null) {
            parsed = needMap ? wire.map() : null;
        } else if (!wireBytes && needMap) {
            RawLines.Parsed p = RawLines.parseWithShape(value);
            if (p != null) {
                parsed = p.map();
                shape = p.shape();
            }
        } else if (!wireBytes) {
            shape = RawLines.jsonShape(value);
        }
        if (unit.firstOffset < 0) {
            unit.firstOffset = offset;
        }
        unit.lastOffset = offset;
        unit.records++;
        unit.bytes += value == null ? 0 : value.length;
        unit.commit = commit;
        long bucketTime = eventTime.of(unit.topic, parsed, ts);
        if (rawZone(unit.topic)) {
            LakeFile raw = file(unit, "raw", offset, bucketTime, wire);
            if (raw instanceof AvroFiles.RawWire avro) {
                avro.append(unit.topic, unit.partition, offset, ts, key, value);
            } else if (raw instanceof AvroFiles.Raw avro) {
                avro.append(unit.topic, unit.partition, offset, ts, key, value);
            } else if (wire != null) {
                ((NdjsonFile) raw).append(offset, RawLines.wireLine(unit, offset, ts, key, wire, value, parsed));
            } else {
                RawLines.append((NdjsonFile) raw, unit, offset, ts, key, value, shape);
            }
        }
        if (cleans) {
            if (parsed == null) {
                if (wire == null) {
                    unit.refuse(offset, "not one JSON object");
                    refusals.refused(unit.topic, "not-json");
                }
                unit.skipped++;
            } else {
                try {
                    LakeFile f = file(unit, "clean", offset, bucketTime, null);
                    // Parquet types dates as timestamps; NDJSON and Avro have them as ISO-8601 text
                    Map<String, Object> clean = cleaning.clean(unit.topic, unit.partition, offset, key, parsed,
                            f.format().equals(ParquetFiles.FORMAT));
                    if (f instanceof CleanRowsFile rows) {
                        rows.append(offset, clean, value.length);
                    } else {
                        ((NdjsonFile) f).append(offset, JSON.writeValueAsBytes(clean));
                    }
                } catch (Exception refused) {
                    // the raw zone has it; the MongoDB sink dead-letters the same record with the reason
                    unit.skipped++;
                    unit.refuse(offset, String.valueOf(refused.getMessage()));
                    refusals.refused(unit.topic, "clean");
                }
            }
        }
    }

    /** The raw zone is written for a topic whose flow declares it, and for a topic no flow declares. */
    private boolean rawZone(String topic) {
        dev.caravan.flow.Flow flow = flows.ofTopic(topic);
        return flow == null || flow.lake() == null || flow.lake().raw();
    }

    private LakeFile file(LakeUnit unit, String zone, long offset, long bucketTime, StreamFormats.Decoded wire) {
        dev.caravan.flow.Flow flow = flows.ofTopic(unit.topic);
        String declared = flow == null || flow.lake() == null ? NdjsonFile.FORMAT : flow.lake().format();
        // Parquet is for the clean zone's typed rows; the raw zone keeps records as they came
        String format = declared.equals(ParquetFiles.FORMAT) && zone.equals("raw") ? NdjsonFile.FORMAT : declared;
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
                        : AvroFiles.clean(key, unit.topic, offset, avroCodec);
            }
            if (format.equals(ParquetFiles.FORMAT)) {
                return ParquetFiles.clean(key, unit.topic, offset, parquetCodec);
            }
            return new NdjsonFile(key, zone, offset, gzip, zone.equals("raw") ? RAW_SCHEMA
                    : unit.topic + " cleaned by " + cleaning.cleaner(unit.topic));
        });
    }
}
