package dev.caravan.schema;

/** A JSON value that does not fit its Avro schema, with the path of the value ($.location.postcode, $.referees[0]). */
public class JsonAvroException extends IllegalArgumentException {

    private final String path;

    public JsonAvroException(String path, String message) {
        super(path + ": " + message);
        this.path = path;
    }

    public String path() {
        return path;
    }
}
