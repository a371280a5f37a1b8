package dev.caravan.schema;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * Schema ids every instance derives alike, with no registry to ask: the CRC-64-AVRO fingerprint of the schema's
 * Parsing Canonical Form, folded into 1..2^31-1 so it fits the Confluent wire format's positive int id.
 *
 * <p>The canonical form keeps only what the binary encoding depends on (names, types, field order, symbols, sizes)
 * and drops docs, defaults, aliases and other properties. Two schemas that differ only there get the same id, which is
 * harmless on the wire: a writer schema's defaults are never used when decoding, the reader's are.
 *
 * <p>Collisions: 31 bits give a birthday risk of about n²/2^32 for n distinct schemas, about 1 in 4,300 at 1,000
 * schemas and 1 in 430,000 at 100. A registry must detect one rather than trust the id: before it stores id -> schema
 * it compares the canonical form stored under that id (if any) with the new one, and refuses the registration when they
 * differ ({@link #collides}); the schema's author then changes it (a doc does not count, a field name does).
 */
public final class SchemaIds {

    private static final long MAX = Integer.MAX_VALUE;

    private SchemaIds() {
    }

    /** The id of a schema: the same on every instance, for every schema with the same canonical form. */
    public static int of(Schema schema) {
        return fold(fingerprint(schema));
    }

    /** The full 64-bit fingerprint (CRC-64-AVRO of the Parsing Canonical Form), before folding. */
    public static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    /** 64 bits into 1..2^31-1: unsigned remainder by 2^31-1, plus one, so 0 (no id) and negatives never occur. */
    static int fold(long fingerprint) {
        return (int) Long.remainderUnsigned(fingerprint, MAX) + 1;
    }

    /** The text two schemas must share to be the same schema under one id. */
    public static String canonical(Schema schema) {
        return SchemaNormalization.toParsingForm(schema);
    }

    /** True when two schemas would get one id although they encode differently: a registry must refuse the second. */
    public static boolean collides(Schema registered, Schema candidate) {
        return of(registered) == of(candidate) && !canonical(registered).equals(canonical(candidate));
    }
}
