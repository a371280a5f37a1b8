package dev.caravan.schema;

import java.util.List;
import java.util.stream.Collectors;

/** The outcome of a compatibility check: every violation, each naming the version, the direction and the field. */
public record CompatibilityResult(Compatibility mode, List<Violation> violations) {

    /**
     * One problem against one previous version. candidateReads: true when the candidate (as reader) cannot read data
     * the version wrote, false when the version (as reader) cannot read data the candidate writes.
     */
    public record Violation(int version, boolean candidateReads, FieldProblem problem) {

        @Override
        public String toString() {
            return (candidateReads ? "the new schema cannot read version " + version + ": "
                    : "version " + version + " cannot read the new schema: ") + problem.message();
        }
    }

    public boolean isCompatible() {
        return violations.isEmpty();
    }

    /** The fields at fault, each once, in the order found. */
    public List<String> fields() {
        return violations.stream().map(v -> v.problem().path()).distinct().toList();
    }

    /** One line for an API answer or a test failure. */
    public String message() {
        if (isCompatible()) {
            return mode + " compatible";
        }
        return "not " + mode + " compatible: " + violations.stream().map(Violation::toString)
                .collect(Collectors.joining("; "));
    }

    @Override
    public String toString() {
        return message();
    }
}
