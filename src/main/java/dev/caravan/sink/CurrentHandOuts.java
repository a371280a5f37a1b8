package dev.caravan.sink;

import java.util.ArrayList;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;

/**
 * A batching sink route's step: keeps in the batch (exchange property {@code records}) only the records of their
 * partition's current hand-out ({@link HandOut}), so nothing is written, dead-lettered or committed from records that
 * are handed out again; a batch with none left ends here.
 */
public final class CurrentHandOuts implements Processor {

    public static final String RECORDS = "records";

    @Override
    public void process(Exchange exchange) {
        @SuppressWarnings("unchecked")
        List<Exchange> records = exchange.getProperty(RECORDS, List.class);
        if (records == null) {
            return;
        }
        List<Exchange> current = new ArrayList<>(records.size());
        for (Exchange r : records) {
            var m = r.getMessage();
            if (!HandOut.isEarlier(r, m.getHeader(KafkaConstants.TOPIC, String.class),
                    m.getHeader(KafkaConstants.PARTITION, Integer.class), m.getHeader(KafkaConstants.OFFSET, Long.class))) {
                current.add(r);
            }
        }
        if (current.isEmpty()) {
            exchange.setRouteStop(true); // nothing of this batch is ours to write or commit: all of it comes again
        } else if (current.size() < records.size()) {
            exchange.setProperty(RECORDS, current);
        }
    }
}
