package dev.caravan.embedded;

/**
 * The addresses actually in use after start-up, embedded or external; bound in the registry as "connections" and
 * published as the caravan.active.* properties.
 */
public record Connections(
        String kafkaBrokers, boolean kafkaEmbedded,
        String mongoUri, String mongoDatabase, boolean mongoEmbedded,
        String s3Endpoint, String s3Region, String s3Bucket, String s3AccessKey, String s3SecretKey, boolean s3Embedded) {

    /** A MongoDB URI fit for a log line: any password replaced. */
    public String mongoUriRedacted() {
        return redactUserInfo(mongoUri);
    }

    public String s3EndpointRedacted() {
        return s3Endpoint == null ? "AWS default endpoint" : redactUserInfo(s3Endpoint);
    }

    static String redactUserInfo(String uri) {
        int scheme = uri.indexOf("://");
        int at = uri.indexOf('@', scheme + 3);
        int slash = uri.indexOf('/', scheme + 3);
        if (scheme < 0 || at < 0 || (slash >= 0 && slash < at)) {
            return uri;
        }
        String userInfo = uri.substring(scheme + 3, at);
        int colon = userInfo.indexOf(':');
        String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
        return uri.substring(0, scheme + 3) + user + (colon < 0 ? "" : ":****") + uri.substring(at);
    }
}
