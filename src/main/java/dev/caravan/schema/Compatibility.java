package dev.caravan.schema;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import org.apache.avro.Schema;

/**
 * Schema evolution rules, named and meant as in Confluent Schema Registry. A candidate schema is checked against a
 * subject's previous versions (oldest first): BACKWARD means consumers on the candidate can read what the previous
 * version wrote (so consumers upgrade first), FORWARD that consumers on the previous version can read what the
 * candidate writes (producers upgrade first), FULL both. The plain modes check the latest version only, the
 * _TRANSITIVE ones every version, which is what a topic holding old records for ever needs.
 */
public enum Compatibility {

    BACKWARD(true, false, false),
    BACKWARD_TRANSITIVE(true, false, true),
    FORWARD(false, true, false),
    FORWARD_TRANSITIVE(false, true, true),
    FULL(true, true, false),
    FULL_TRANSITIVE(true, true, true),
    NONE(false, false, false);

    /** What a subject gets when nobody chose: Confluent's default too. */
    public static final Compatibility DEFAULT = BACKWARD;

    private final boolean candidateReads;
    private final boolean previousReads;
    private final boolean transitive;

    Compatibility(boolean candidateReads, boolean previousReads, boolean transitive) {
        this.candidateReads = candidateReads;
        this.previousReads = previousReads;
        this.transitive = transitive;
    }

    /** A mode by name as configuration spells it: backward, FULL_TRANSITIVE, forward-transitive. */
    public static Compatibility of(String name) {
        String n = name == null ? "" : name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (Compatibility c : values()) {
            if (c.name().equals(n)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown compatibility '" + name + "'; one of "
                + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ")));
    }

    /** Checks a candidate against the previous versions, oldest first (version n is previous.get(n - 1)). */
    public CompatibilityResult check(Schema candidate, List<Schema> previous) {
        List<CompatibilityResult.Violation> violations = new ArrayList<>();
        int first = transitive ? 0 : Math.max(0, previous.size() - 1);
        for (int i = first; i < previous.size(); i++) {
            Schema old = previous.get(i);
            int version = i + 1;
            if (candidateReads) {
                for (FieldProblem p : ReaderWriterCheck.check(candidate, old)) {
                    violations.add(new CompatibilityResult.Violation(version, true, p));
                }
            }
            if (previousReads) {
                for (FieldProblem p : ReaderWriterCheck.check(old, candidate)) {
                    violations.add(new CompatibilityResult.Violation(version, false, p));
                }
            }
        }
        return new CompatibilityResult(this, List.copyOf(violations));
    }
}
