package dev.caravan.sink.mongo;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * First step of each element of a Kafka batch: the element is the record's own exchange; its body and headers become
 * this exchange's, and the original bytes are kept aside for the dead-letter topic.
 */
public final class UnwrapRecord implements Processor {

    @Override
    public void process(Exchange exchange) {
        Exchange record = exchange.getMessage().getBody(Exchange.class);
        exchange.getMessage().setHeaders(record.getMessage().getHeaders());
        exchange.getMessage().setBody(record.getMessage().getBody());
        exchange.setProperty(MongoWrites.ORIGINAL_VALUE, record.getMessage().getBody(byte[].class));
    }
}
