package dev.caravan.config;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

/** One capability's part of the wiring: binds the beans its routes call, using beans bound by those before it. */
abstract class Capability implements CamelConfiguration {

    @Override
    public final void configure(CamelContext context) throws Exception {
        wire(new Wiring(context));
    }

    abstract void wire(Wiring w) throws Exception;
}
