package dev.caravan.ingest;

import dev.caravan.api.Problem;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swagger.v3.oas.models.OpenAPI;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.openapi.BeanConfig;
import org.apache.camel.openapi.RestOpenApiReader;
import org.apache.camel.openapi.RestOpenApiSupport;
import org.apache.camel.support.ResourceHelper;

/**
 * GET /api/openapi.json: the OpenAPI 3.1 document camel-openapi-java generates from the REST DSL, completed with what
 * the REST DSL cannot say: each stream's JSON Schema (OpenAPI 3.1 schemas are JSON Schema 2020-12), the request
 * bodies, the 202 receipt and the problem+json errors.
 */
public final class OpenApiDocument {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Streams streams;

    public OpenApiDocument(Streams streams) {
        this.streams = streams;
    }

    public String render(Exchange exchange) throws Exception {
        CamelContext context = exchange.getContext();
        List<RestDefinition> rests = new RestOpenApiSupport().getRestDefinitions(context);
        BeanConfig config = new BeanConfig();
        config.setVersion("3.1.0");
        config.setTitle("Caravan ingest API");
        config.setBasePath("/");
        OpenAPI generated = new RestOpenApiReader().read(context, rests, config, context.getName(), context.getClassResolver());
        ObjectNode doc = (ObjectNode) JSON.readTree(RestOpenApiSupport.getJsonFromOpenAPIAsString(generated, config));

        // the keys the operations' security declarations name (routes/*: security: [{key: ingest}])
        ObjectNode schemes = doc.with("components").with("securitySchemes");
        schemes.putObject("ingest").put("type", "apiKey").put("in", "header").put("name", "X-API-Key")
                .put("description", "an ingest or an admin key (caravan.ingest.api-keys, caravan.admin.api-keys); "
                        + "also as Authorization: Bearer KEY");
        schemes.putObject("admin").put("type", "apiKey").put("in", "header").put("name", "X-API-Key")
                .put("description", "an admin key (caravan.admin.api-keys); also as Authorization: Bearer KEY");
        ObjectNode info = doc.putObject("info");
        info.put("title", "Caravan ingest API");
        info.put("version", "1");
        info.put("description", "Records into Kafka: validated against their stream's JSON Schema, all or nothing, "
                + "answered once Kafka acknowledged them.");
        String host = exchange.getMessage().getHeader("Host", String.class);
        doc.putArray("servers").addObject().put("url", "http://" + (host == null ? "localhost:8080" : host));

        ObjectNode schemas = doc.with("components").with("schemas");
        ArrayNode streamRefs = JSON.createArrayNode();
        for (StreamDefinition s : streams.all()) {
            schemas.set(s.name(), schema(context, s));
            streamRefs.addObject().put("$ref", "#/components/schemas/" + s.name());
        }
        schemas.set("Receipt", JSON.readTree("""
                {"type":"object","required":["stream","topic","accepted","receipts"],"properties":{
                 "stream":{"type":"string"},"topic":{"type":"string"},"accepted":{"type":"integer"},
                 "receipts":{"type":"array","description":"one per record, in input order","items":{"type":"object",
                  "properties":{"partition":{"type":"integer"},"offset":{"type":"integer","format":"int64"}}}}}}"""));
        schemas.set("Problem", JSON.readTree("""
                {"type":"object","description":"RFC 9457 problem details","properties":{
                 "type":{"type":"string"},"title":{"type":"string"},"status":{"type":"integer"},
                 "detail":{"type":"string"},"instance":{"type":"string"},
                 "errors":{"type":"array","items":{"type":"object","properties":{
                  "index":{"type":"integer","description":"record index in the request, from 0"},
                  "pointer":{"type":"string","description":"JSON Pointer into the record"},
                  "message":{"type":"string"}}}}}}"""));

        // a deployment without the streams API or the REST Proxy (its route file removed) documents what it has
        if (doc.at("/paths/~1api~1v1~1streams~1{stream}/post") instanceof ObjectNode streamsPost) {
            ObjectNode oneRecord = JSON.createObjectNode();
            oneRecord.set("oneOf", streamRefs.deepCopy());
            ObjectNode body = streamsPost.putObject("requestBody");
            body.put("required", true);
            ObjectNode content = body.putObject("content");
            ObjectNode json = content.putObject("application/json").putObject("schema");
            json.putArray("oneOf").add(oneRecord.deepCopy()).addObject().put("type", "array").set("items", oneRecord);
            content.putObject("application/x-ndjson").putObject("schema").put("type", "string")
                    .put("description", "one record per line");
            streamsPost.putArray("parameters").addAll((ArrayNode) JSON.readTree("""
                    [{"name":"stream","in":"path","required":true,"schema":{"type":"string","enum":%s}},
                     {"name":"Idempotency-Key","in":"header","required":false,"schema":{"type":"string","maxLength":255},
                      "description":"a repeat within the window gets the first answer back and publishes nothing"}]"""
                    .formatted(JSON.writeValueAsString(streams.all().stream().map(StreamDefinition::name).toList()))));
            ObjectNode responses = streamsPost.putObject("responses");
            responses.putObject("202").put("description", "every record acknowledged by Kafka").putObject("content")
                    .putObject("application/json").putObject("schema").put("$ref", "#/components/schemas/Receipt");
            for (String[] status : new String[][] {{"400", "malformed JSON"}, {"401", "missing or wrong API key"},
                {"404", "unknown stream"}, {"409", "the same Idempotency-Key is being processed"},
                {"413", "body or record count over the limit"}, {"415", "unsupported content type"},
                {"422", "records violate the stream's schema; nothing published"},
                {"503", "Kafka did not acknowledge in time; nothing published (Retry-After)"}}) {
                responses.putObject(status[0]).put("description", status[1]).putObject("content")
                        .putObject("application/problem+json").putObject("schema")
                        .put("$ref", "#/components/schemas/Problem");
            }
        }
        if (doc.at("/paths/~1topics~1{topic}/post") instanceof ObjectNode topicsPost) {
            ObjectNode record = JSON.createObjectNode().put("type", "object");
            record.putArray("required").add("value");
            ObjectNode props = record.putObject("properties");
            props.putObject("key").put("description", "Kafka key; default: the stream's key field");
            props.putObject("value").set("oneOf", streamRefs.deepCopy());
            ObjectNode envelope = JSON.createObjectNode().put("type", "object");
            envelope.putArray("required").add("records");
            envelope.putObject("properties").putObject("records").put("type", "array").set("items", record);
            ObjectNode body = topicsPost.putObject("requestBody");
            body.put("required", true);
            body.putObject("content").putObject("application/vnd.kafka.json.v2+json").set("schema", envelope);
            ObjectNode responses = topicsPost.putObject("responses");
            responses.putObject("200").put("description", "REST Proxy v2 answer: key_schema_id, value_schema_id, offsets");
            responses.putObject("404").put("description", "the topic is not a declared stream's (error_code 40401)");
        }
        doc.findParents("x-camelContextId").forEach(n -> ((ObjectNode) n).remove("x-camelContextId"));
        // OpenAPI requires a description on every response; the REST DSL leaves its default one empty
        doc.path("paths").forEach(path -> path.forEach(op -> op.path("responses").forEach(r -> {
            if (r.isObject() && !r.has("description")) {
                ((ObjectNode) r).put("description", "the operation's answer");
            }
        })));
        ObjectNode security = doc.with("components").with("securitySchemes");
        security.putObject("bearer").put("type", "http").put("scheme", "bearer");
        security.putObject("apiKey").put("type", "apiKey").put("in", "header").put("name", "X-API-Key");
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc);
    }

    private static JsonNode schema(CamelContext context, StreamDefinition stream) throws IOException {
        try (InputStream in = ResourceHelper.resolveMandatoryResourceAsInputStream(context, stream.schemaLocation())) {
            ObjectNode schema = (ObjectNode) JSON.readTree(in);
            // $schema and $id belong to the standalone file, not to a schema inside the document
            schema.remove("$schema");
            schema.remove("$id");
            return schema;
        }
    }
}
