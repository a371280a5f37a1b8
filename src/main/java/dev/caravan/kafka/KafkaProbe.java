package dev.caravan.kafka;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.caravan.settings.StartupFailure;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the cluster once, at start-up, with the settings every client will use: credentials or certificates it refuses
 * stop Caravan with one line naming the brokers, the protocol and the reason (every client would otherwise retry and
 * log for ever). A cluster that does not answer is not fatal: readiness reports it until it does.
 */
public final class KafkaProbe {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaProbe.class);

    private KafkaProbe() {
    }

    public static void check(KafkaClientConfig kafka, Duration timeout) {
        try (Admin admin = Admin.create(LazyAdmin.config(kafka, timeout, "caravan-probe"))) {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis())).nodes()
                    .get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (refused(e.getCause())) {
                throw new StartupFailure(describe(kafka, e.getCause()));
            }
            LOG.warn("{}; readiness stays DOWN until it answers", describe(kafka, e.getCause()));
        } catch (java.util.concurrent.TimeoutException e) {
            LOG.warn("Kafka at {} ({}) did not answer within {} ms; readiness stays DOWN until it does",
                    kafka.brokers(), kafka.securityProtocol(), timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (org.apache.kafka.common.KafkaException e) {
            // a setting the client itself refuses (a keystore that cannot be read, a malformed JAAS line)
            throw new StartupFailure("Kafka client settings (caravan.kafka.client.*) are not usable: "
                    + firstLine(rootCause(e)));
        }
    }

    /** One line: where, over what, and why, never a setting's value. */
    public static String describe(KafkaClientConfig kafka, Throwable e) {
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        String what = cause instanceof SslAuthenticationException ? "refused the TLS handshake"
                : cause instanceof AuthenticationException ? "refused Caravan's credentials"
                : cause instanceof AuthorizationException ? "denied Caravan access"
                : "is not reachable";
        return "Kafka at " + kafka.brokers() + " (" + kafka.securityProtocol() + ") " + what + ": "
                + cause.getClass().getSimpleName() + ": " + firstLine(rootCause(cause))
                + (refused(cause) ? "; check caravan.kafka.client.* (security.protocol, sasl.*, ssl.*)" : "");
    }

    static boolean refused(Throwable e) {
        return e instanceof AuthenticationException || e instanceof AuthorizationException;
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private static String firstLine(Throwable t) {
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return m.lines().findFirst().orElse("");
    }
}
