package dev.caravan.health;

import java.util.Map;

import com.mongodb.client.MongoClient;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.bson.Document;

/** Readiness: MongoDB answers a ping on the configured database. */
public final class MongoHealthCheck extends ReadinessCheck {

    private final MongoClient client;
    private final String database;

    public MongoHealthCheck(MongoClient client, String database) {
        super("mongodb");
        this.client = client;
        this.database = database;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("database", database);
        try {
            client.getDatabase(database).runCommand(new Document("ping", 1));
            builder.up();
        } catch (Exception e) {
            builder.message("MongoDB is not reachable: " + e.getClass().getSimpleName()).down();
        }
    }
}
