package dev.caravan.schema;

/**
 * One reason a reader schema cannot read what a writer schema wrote: the field it is about (a dotted path such as
 * login.uuid or referees[].name, empty for the record itself) and a sentence that names it.
 */
public record FieldProblem(String path, String message) {

    @Override
    public String toString() {
        return message;
    }
}
