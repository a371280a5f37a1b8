package dev.caravan.ingest;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The record of a flow's door (routes/templates/ingest-door): a POST door's body is the record as it came; a GET
 * door makes the record from its path's parameters (GET /somedata/hello is {"text":"hello"}), as JSON, so both go
 * through the streams API's checks alike.
 */
public final class DoorRecord implements Processor {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PARAMETER = Pattern.compile("\\{([^/}]+)}");

    @Override
    public void process(Exchange exchange) throws Exception {
        var m = exchange.getMessage();
        if (!"GET".equals(m.getHeader(Exchange.HTTP_METHOD, String.class))) {
            return;
        }
        Map<String, Object> record = new LinkedHashMap<>();
        String uri = exchange.getFromEndpoint() == null ? "" : exchange.getFromEndpoint().getEndpointUri();
        Matcher names = PARAMETER.matcher(java.net.URLDecoder.decode(uri, java.nio.charset.StandardCharsets.UTF_8));
        while (names.find()) {
            record.put(names.group(1), m.getHeader(names.group(1), String.class));
        }
        m.setBody(JSON.writeValueAsBytes(record));
        m.setHeader(Exchange.CONTENT_TYPE, "application/json");
    }
}
