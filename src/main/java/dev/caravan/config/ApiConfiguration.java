package dev.caravan.config;

import dev.caravan.api.JsonAnswer;
import dev.caravan.api.ProblemResponse;
import dev.caravan.ops.Operations;
import dev.caravan.settings.OpsSettings;

/** What every endpoint shares: the JSON answer, the problem body, and long operations run off the HTTP thread. */
final class ApiConfiguration extends Capability {

    @Override
    void wire(Wiring w) throws Exception {
        w.bind("jsonAnswer", new JsonAnswer());
        w.bind("problemResponse", new ProblemResponse());
        Operations operations = w.bind("operations", new Operations(w.context(),
                w.settings().get(OpsSettings.CONCURRENCY),
                w.settings().get(OpsSettings.WAIT)));
        w.closeOnStop(operations);
    }
}
