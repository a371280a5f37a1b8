package dev.caravan.settings;

/** Keys read by prefix: what follows the prefix is a name Caravan does not know in advance. */
public record KeyFamily(String prefix, String doc) {

    /** The key of one member: the prefix and the name. */
    public String key(String name) {
        return prefix + name;
    }
}
