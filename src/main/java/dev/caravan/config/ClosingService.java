package dev.caravan.config;

import java.util.List;

import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Closes clients when the Camel context stops. */
final class ClosingService extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(ClosingService.class);
    private final List<AutoCloseable> closeables;

    ClosingService(AutoCloseable... closeables) {
        this.closeables = List.of(closeables);
    }

    @Override
    protected void doStop() {
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.debug("Closing {} failed: {}", c.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
