package dev.caravan.config;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.caravan.settings.Settings;
import dev.caravan.settings.StartupFailure;
import dev.caravan.settings.PollSettings;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.component.file.cluster.FileLockClusterService;

/**
 * The cluster service master: endpoints elect their leader with: a file lock (one host, or replicas sharing a volume)
 * or a Kubernetes Lease (caravan.cluster.service=kubernetes, with the camel-kubernetes module on the classpath).
 */
final class ClusterSetup {

    static final String KUBERNETES_SERVICE = "org.apache.camel.component.kubernetes.cluster.KubernetesClusterService";

    private ClusterSetup() {
    }

    static CamelClusterService clusterService(Settings settings) {
        String kind = settings.get(PollSettings.CLUSTER_SERVICE);
        String id = settings.find(PollSettings.CLUSTER_ID)
                .orElse(hostName() + "-" + UUID.randomUUID().toString().substring(0, 8));
        long interval = settings.get(PollSettings.CLUSTER_LOCK_INTERVAL).toMillis();
        switch (kind) {
            case "file" -> {
                FileLockClusterService file = new FileLockClusterService();
                file.setId(id);
                file.setRoot(settings.find(PollSettings.CLUSTER_ROOT).map(Path::of)
                        .orElse(settings.dataDir().resolve("cluster")).toAbsolutePath().toString());
                file.setAcquireLockDelay(Math.min(1_000, interval), TimeUnit.MILLISECONDS);
                file.setAcquireLockInterval(interval, TimeUnit.MILLISECONDS);
                return file;
            }
            case "kubernetes" -> {
                try {
                    Object service = Class.forName(KUBERNETES_SERVICE).getDeclaredConstructor().newInstance();
                    // the pod name is the member id; lease name and namespace default to Camel's (see README)
                    service.getClass().getMethod("setRetryPeriodMillis", long.class).invoke(service, interval);
                    return (CamelClusterService) service;
                } catch (ClassNotFoundException e) {
                    throw new StartupFailure("caravan.cluster.service=kubernetes needs the camel-kubernetes module: "
                            + "build the jar with mvn -Pkubernetes package (the Docker image does)");
                } catch (ReflectiveOperationException e) {
                    throw new StartupFailure("cannot create the Kubernetes cluster service: " + e.getMessage());
                }
            }
            default -> throw new StartupFailure("caravan.cluster.service must be file or kubernetes, got '" + kind + "'");
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "caravan";
        }
    }
}
