package dev.caravan.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The deployment files under docker/ as code: they parse, every file, service, ConfigMap and Secret they name exists,
 * every environment variable they give Caravan is one Caravan reads, and the image is built by CI's packaging command.
 * Nothing here needs Docker or a cluster; it catches the drift between docker/ and the rest of the repository.
 */
class DeployConfigTest {

    private static final Path DOCKER = Path.of("docker");
    private static final Path COMPOSE = DOCKER.resolve("compose.yaml");
    private static final Path DOCKERFILE = DOCKER.resolve("Dockerfile");
    private static final Path KUBERNETES = DOCKER.resolve("kubernetes");
    private static final Path CAMEL_K = DOCKER.resolve("camel-k");
    private static final Path PROPERTIES = Path.of("application.properties");
    private static final Path ROUTES = Path.of("routes");
    private static final String PACKAGING = "mvn -B -q package -DskipTests";

    /** Variables Caravan reads by name; any other must be CARAVAN_* naming a key of application.properties. */
    private static final Set<String> EXTERNAL_VARIABLES = Set.of("KAFKA_BROKERS", "MONGODB_URI", "MONGODB_DATABASE",
            "S3_ENDPOINT", "S3_ACCESS_KEY", "S3_SECRET_KEY", "S3_REGION", "S3_BUCKET", "NYT_API_KEY",
            "FOOTBALL_API_TOKEN", "CARAVAN_INGEST_API_KEYS", "CARAVAN_EMBEDDED_S3_SECRET_KEY", "JAVA_TOOL_OPTIONS",
            "SCHEMA_REGISTRY_URL", "SCHEMA_REGISTRY_USER", "SCHEMA_REGISTRY_PASSWORD");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(.+?)}}");

    // ---------------------------------------------------------------------------------------------------------------
    // Parsing

    @Test
    void composeAndEveryKubernetesAndCamelKFileParse() throws IOException {
        List<Path> files = new ArrayList<>(List.of(COMPOSE));
        files.addAll(yamlFiles(KUBERNETES));
        files.addAll(yamlFiles(CAMEL_K));
        assertThat(files).as("kubernetes/ and camel-k/ hold manifests").hasSizeGreaterThan(6);
        for (Path file : files) {
            List<Object> documents = loadAll(file);
            assertThat(documents).as(file + " has at least one document").isNotEmpty();
            for (Object document : documents) {
                assertThat(document).as(file + ": every document is a mapping").isInstanceOf(Map.class);
                if (!file.equals(COMPOSE) && !file.getFileName().toString().equals("kustomization.yaml")) {
                    Map<String, Object> resource = (Map<String, Object>) document;
                    assertThat(resource.get("apiVersion")).as(file + ": apiVersion").isNotNull();
                    assertThat(resource.get("kind")).as(file + ": kind").isNotNull();
                    assertThat(str(path(resource, "metadata", "name"))).as(file + ": metadata.name").isNotBlank();
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Dockerfile

    @Test
    void dockerfileBuildsWithCisPackagingCommandAndRunsTheJarAsNonRootFromApp() throws IOException {
        List<List<String>> stages = dockerfileStages();
        assertThat(stages).as("a build stage and a run stage").hasSize(2);
        List<String> build = stages.get(0);
        List<String> run = stages.get(1);
        assertThat(build.get(0)).as("build stage: Maven on JDK 17").containsPattern("(?i)^FROM maven:\\S*17\\S* AS build$");
        assertThat(build).as("the build stage runs the packaging command CI uses")
                .anyMatch(line -> line.startsWith("RUN ") && line.contains(PACKAGING));
        assertThat(Files.readString(Path.of("README.md"))).as("the README's (and CI's) packaging command")
                .contains(PACKAGING);
        assertThat(build).as("Maven profiles (kubernetes) are a build argument")
                .anyMatch(line -> line.startsWith("ARG MAVEN_PROFILES"))
                .anyMatch(line -> line.contains(PACKAGING + " ${MAVEN_PROFILES:+-P${MAVEN_PROFILES}}"));

        assertThat(run.get(0)).containsPattern("^FROM eclipse-temurin:17-jre\\S*$");
        assertThat(run).contains("WORKDIR /app", "EXPOSE 8080")
                .anyMatch(line -> line.matches("COPY --from=build \\S* ?/src/target/caravan\\.jar \\./caravan\\.jar"))
                .anyMatch(line -> line.matches("COPY \\S* ?routes \\./routes"))
                .anyMatch(line -> line.matches("COPY \\S* ?application\\.properties \\./"))
                .anyMatch(line -> line.startsWith("HEALTHCHECK ") && line.contains("/observe/health/ready"))
                .anyMatch(line -> line.startsWith("ENV JAVA_TOOL_OPTIONS=") && line.contains("MaxRAMPercentage"))
                .anyMatch(line -> line.startsWith("RUN CAMEL_MAIN_DURATIONMAXSECONDS=1 ")
                        && line.contains("java -XX:ArchiveClassesAtExit=/app/caravan.jsa -jar caravan.jar"))
                .anyMatch(line -> line.equals(
                        "ENTRYPOINT [\"java\", \"-XX:SharedArchiveFile=/app/caravan.jsa\", \"-jar\", \"caravan.jar\"]"));
        List<String> users = run.stream().filter(line -> line.startsWith("USER ")).toList();
        assertThat(users).as("the run stage switches user once").hasSize(1);
        assertThat(users.get(0)).as("non-root, numeric so Kubernetes can check runAsNonRoot")
                .matches("USER [1-9][0-9]*(:[1-9][0-9]*)?");
        assertThat(run.indexOf(users.get(0))).as("USER comes after the files are in place")
                .isGreaterThan(run.indexOf("WORKDIR /app"));
    }

    @Test
    void dockerfileCopiesFilesThatExistAndThatTheIgnoreFileLetsThrough() throws IOException {
        List<String> ignore = Files.readAllLines(DOCKER.resolve("Dockerfile.dockerignore")).stream()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertThat(ignore).as("everything is ignored unless listed").startsWith("*");
        List<String> problems = new ArrayList<>();
        for (List<String> stage : dockerfileStages()) {
            for (String line : stage) {
                if (!line.startsWith("COPY ") || line.contains("--from=")) {
                    continue;
                }
                List<String> words = new ArrayList<>(List.of(line.split("\\s+")));
                words.remove(0);
                words.removeIf(w -> w.startsWith("--"));
                for (String source : words.subList(0, words.size() - 1)) {
                    if (!Files.exists(Path.of(source))) {
                        problems.add(line + ": " + source + " does not exist in the build context");
                    }
                    if (!ignore.contains("!" + source) && !ignore.contains("!" + source + "/")) {
                        problems.add(line + ": " + source + " is excluded by Dockerfile.dockerignore");
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Compose

    @Test
    void composeReferencesOnlyFilesServicesAndVolumesThatExist() throws IOException {
        Map<String, Object> compose = load(COMPOSE);
        Map<String, Object> services = map(compose.get("services"));
        Set<?> namedVolumes = compose.get("volumes") == null ? Set.of() : map(compose.get("volumes")).keySet();
        List<String> problems = new ArrayList<>();
        services.forEach((name, value) -> {
            Map<String, Object> service = map(value);
            if (service.get("build") != null) {
                Map<String, Object> build = map(service.get("build"));
                Path context = DOCKER.resolve(str(build.get("context"))).normalize();
                Path dockerfile = context.resolve(build.get("dockerfile") == null ? "Dockerfile" : str(build.get("dockerfile")));
                if (!Files.isDirectory(context)) {
                    problems.add(name + ": build context " + context + " is not a folder");
                }
                if (!Files.isRegularFile(dockerfile)) {
                    problems.add(name + ": " + dockerfile + " does not exist");
                }
            }
            for (Object volume : list(service.get("volumes"))) {
                String source = str(volume).split(":")[0];
                if (source.startsWith(".") || source.startsWith("/")) {
                    Path host = DOCKER.resolve(source).normalize();
                    if (!host.startsWith(DOCKER)) {
                        problems.add(name + ": " + source + " is outside docker/");
                    }
                    if (!Files.exists(host)) {
                        problems.add(name + ": " + host + " does not exist");
                    }
                } else if (!namedVolumes.contains(source)) {
                    problems.add(name + ": volume " + source + " is not declared under volumes:");
                }
            }
            for (String dependency : dependencies(service).keySet()) {
                if (!services.containsKey(dependency)) {
                    problems.add(name + " depends on " + dependency + ", which is not a service");
                }
            }
        });
        assertThat(problems).isEmpty();
    }

    @Test
    void composeWaitsOnlyForHealthChecksThatExistAndOnOneShotsThatEnd() throws IOException {
        Map<String, Object> services = map(load(COMPOSE).get("services"));
        List<String> problems = new ArrayList<>();
        services.forEach((name, value) -> dependencies(map(value)).forEach((dependency, condition) -> {
            Map<String, Object> target = map(services.get(dependency));
            boolean builtHere = target.get("build") != null; // the Caravan image has a HEALTHCHECK of its own
            if (condition.equals("service_healthy") && target.get("healthcheck") == null && !builtHere) {
                problems.add(name + " waits for " + dependency + " to be healthy, but it has no healthcheck");
            }
            if (condition.equals("service_completed_successfully") && !"no".equals(str(target.get("restart")))) {
                problems.add(name + " waits for " + dependency + " to end, but it restarts");
            }
        }));
        assertThat(problems).isEmpty();
        Map<String, Object> caravan = map(services.get(caravanServices().get(0)));
        assertThat(dependencies(caravan)).as("Caravan starts after Kafka, MongoDB and the bucket are ready")
                .containsEntry("kafka-1", "service_healthy").containsEntry("kafka-2", "service_healthy")
                .containsEntry("kafka-3", "service_healthy").containsEntry("mongo", "service_healthy")
                .containsEntry("minio-init", "service_completed_successfully");
    }

    @Test
    void composeRunsAThreeBrokerClusterWithReplicationThreeAndMinIsrTwo() throws IOException {
        Map<String, Object> services = map(load(COMPOSE).get("services"));
        List<String> brokers = services.keySet().stream().map(String::valueOf).filter(s -> s.startsWith("kafka-")
                && str(map(services.get(s)).get("image")).startsWith("apache/kafka:3.9.")).toList();
        assertThat(brokers).containsExactly("kafka-1", "kafka-2", "kafka-3");
        Set<String> nodeIds = new HashSet<>();
        for (String broker : brokers) {
            Map<String, String> env = environment(map(services.get(broker)));
            nodeIds.add(env.get("KAFKA_NODE_ID"));
            assertThat(env).as(broker).containsEntry("KAFKA_DEFAULT_REPLICATION_FACTOR", "3")
                    .containsEntry("KAFKA_MIN_INSYNC_REPLICAS", "2").containsEntry("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "3")
                    .containsEntry("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "3")
                    .containsEntry("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "2")
                    .containsEntry("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093")
                    .containsEntry("CLUSTER_ID", environment(map(services.get("kafka-1"))).get("CLUSTER_ID"));
            assertThat(env.get("KAFKA_ADVERTISED_LISTENERS")).contains("PLAINTEXT://" + broker + ":19092");
        }
        assertThat(nodeIds).containsExactlyInAnyOrder("1", "2", "3");
        for (String caravan : caravanServices()) {
            assertThat(environment(map(services.get(caravan))).get("KAFKA_BROKERS"))
                    .isEqualTo("kafka-1:19092,kafka-2:19092,kafka-3:19092");
        }
    }

    @Test
    void composeRunsTwoExternalCaravanReplicasSharingTheLockFolder() throws IOException {
        Map<String, Object> services = map(load(COMPOSE).get("services"));
        List<String> replicas = caravanServices();
        assertThat(replicas).hasSize(2);
        for (String replica : replicas) {
            Map<String, Object> service = map(services.get(replica));
            Map<String, String> env = environment(service);
            assertThat(env).as(replica).containsEntry("CARAVAN_EMBEDDED", "false")
                    .containsEntry("CARAVAN_CLUSTER_SERVICE", "file").containsKey("CARAVAN_CLUSTER_ROOT")
                    .containsKeys("KAFKA_BROKERS", "MONGODB_URI", "S3_ENDPOINT", "S3_ACCESS_KEY", "S3_SECRET_KEY");
            String root = env.get("CARAVAN_CLUSTER_ROOT");
            assertThat(list(service.get("volumes")).stream().map(DeployConfigTest::str))
                    .as(replica + " mounts a named volume at the lock folder " + root)
                    .anyMatch(v -> v.matches("[a-z0-9-]+:" + Pattern.quote(root) + "(:rw)?"));
        }
        assertThat(map(services.get(replicas.get(0))).get("volumes")).as("the same volume on both replicas")
                .isEqualTo(map(services.get(replicas.get(1))).get("volumes"));
    }

    @Test
    void composeIsClosedByDefault_portsOnLoopbackSecretsFromDotEnvMongoWithAuthAReadOnlyUi() throws IOException {
        Map<String, Object> services = map(load(COMPOSE).get("services"));
        String text = Files.readString(COMPOSE);
        for (Map.Entry<String, Object> e : services.entrySet()) {
            for (Object port : list(map(e.getValue()).get("ports"))) {
                assertThat(str(port)).as(e.getKey() + " publishes " + port + " to this machine only, unless opted in")
                        .startsWith("${PUBLISH_HOST:-127.0.0.1}:");
            }
        }
        // no credential has a default: each one comes from docker/.env or the start fails naming it
        Matcher defaulted = Pattern.compile("\\$\\{([A-Z_]*(PASSWORD|KEY|KEYS|USER))(:-[^}]*)}").matcher(text);
        List<String> withDefaults = new java.util.ArrayList<>();
        while (defaulted.find()) {
            if (!defaulted.group(1).matches("NYT_API_KEY|FOOTBALL_API_TOKEN")) {
                withDefaults.add(defaulted.group());
            }
        }
        assertThat(withDefaults).as("credentials with a default value").isEmpty();
        Matcher required = Pattern.compile("\\$\\{([A-Z_]+):\\?").matcher(text);
        String example = Files.readString(Path.of("docker/.env.example"));
        while (required.find()) {
            assertThat(example).as("docker/.env.example lists " + required.group(1)).contains(required.group(1) + "=");
        }
        assertThat(environment(map(services.get("mongo")))).containsKeys("MONGO_INITDB_ROOT_USERNAME",
                "MONGO_INITDB_ROOT_PASSWORD");
        assertThat(environment(map(services.get("kafka-ui")))).containsEntry("KAFKA_CLUSTERS_0_READONLY", "true");
        assertThat(map(services.get("schema-registry"))).as("only containers reach the schema registry")
                .doesNotContainKey("ports");
        for (String replica : caravanServices()) {
            assertThat(environment(map(services.get(replica)))).as(replica + " runs with keys")
                    .containsKeys("CARAVAN_ADMIN_API_KEYS", "CARAVAN_INGEST_API_KEYS");
        }
        assertThat(Files.readString(Path.of(".gitignore"))).contains("docker/.env");
    }

    @Test
    void prometheusScrapesBothReplicasAtTheMetricsPathAndTheLagExporter() throws IOException {
        Map<String, Object> services = map(load(COMPOSE).get("services"));
        Map<String, Map<String, Object>> jobs = new LinkedHashMap<>();
        for (Object job : list(load(DOCKER.resolve("prometheus.yml")).get("scrape_configs"))) {
            jobs.put(str(map(job).get("job_name")), map(job));
        }
        Map<String, Object> caravan = jobs.get("caravan");
        assertThat(caravan).isNotNull();
        assertThat(caravan.get("metrics_path")).isEqualTo("/observe/metrics");
        assertThat(targets(caravan)).containsExactlyInAnyOrderElementsOf(
                caravanServices().stream().map(s -> s + ":8080").toList());
        Map<String, Object> exporter = jobs.get("kafka-exporter");
        assertThat(exporter).isNotNull();
        assertThat(targets(exporter)).allSatisfy(target -> assertThat(services).containsKey(target.split(":")[0]));
        assertThat(str(map(services.get("kafka-exporter")).get("image"))).startsWith("danielqsj/kafka-exporter:");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Environment variables

    @Test
    void everyEnvironmentVariableGivenToCaravanIsOneCaravanReads() throws IOException {
        Set<String> keys = declaredKeys().keySet();
        Map<String, Set<String>> given = new LinkedHashMap<>();
        Map<String, Object> services = map(load(COMPOSE).get("services"));
        for (String replica : caravanServices()) {
            given.put("compose " + replica, environment(map(services.get(replica))).keySet());
        }
        for (Map<String, Object> container : deploymentContainers()) {
            Set<String> names = new TreeSet<>();
            list(container.get("env")).forEach(e -> names.add(str(map(e).get("name"))));
            given.put("Deployment container " + container.get("name"), names);
        }
        given.put("ConfigMap caravan-env", literals(kustomization(KUBERNETES), "caravan-env").keySet());
        given.put("Secret example", secretExample().keySet());
        given.put("Camel K Integration", camelKVariables().keySet());

        List<String> unknown = new ArrayList<>();
        given.forEach((where, names) -> names.stream().filter(n -> !readByCaravan(n, keys))
                .forEach(n -> unknown.add(where + ": " + n)));
        assertThat(unknown).as("variables Caravan does not read (a typo, or a key missing from application.properties)")
                .isEmpty();
        assertThat(given.values().stream().mapToInt(Set::size).sum()).as("variables were found at all").isGreaterThan(30);
    }

    @Test
    void theVariableRuleRejectsUnknownNamesAndFollowsDotsAndDashes() throws IOException {
        Set<String> keys = declaredKeys().keySet();
        assertThat(readByCaravan("CARAVAN_CLUSTER_SERVICE", keys)).isTrue();
        assertThat(readByCaravan("CARAVAN_ROUTES_DIR", keys)).as("caravan.routes-dir").isTrue();
        assertThat(readByCaravan("CARAVAN_LAKE_FLUSH_BYTES", keys)).as("caravan.lake.flush-bytes").isTrue();
        assertThat(readByCaravan("S3_SECRET_KEY", keys)).isTrue();
        assertThat(readByCaravan("CARAVAN_CLUSTER_SERVCE", keys)).isFalse();
        assertThat(readByCaravan("KAFKA_BOOTSTRAP_SERVERS", keys)).isFalse();
        assertThat(readByCaravan("CARAVAN_", keys)).isFalse();
    }

    @Test
    void productionManifestsTurnEmbeddedServersOffAndElectLeadersWithLeases() throws IOException {
        Map<String, String> configMap = literals(kustomization(KUBERNETES), "caravan-env");
        assertThat(configMap).containsEntry("CARAVAN_EMBEDDED", "false").containsEntry("CARAVAN_CLUSTER_SERVICE", "kubernetes")
                .containsKeys("KAFKA_BROKERS", "S3_ENDPOINT");
        assertThat(camelKVariables()).containsEntry("CARAVAN_EMBEDDED", "false")
                .containsEntry("CARAVAN_CLUSTER_SERVICE", "kubernetes").containsKeys("KAFKA_BROKERS", "S3_ENDPOINT");
        Set<String> secrets = secretExample().keySet();
        assertThat(secrets).as("secrets come from the Secret, not the ConfigMap")
                .contains("S3_SECRET_KEY", "NYT_API_KEY", "FOOTBALL_API_TOKEN", "CARAVAN_INGEST_API_KEYS");
        assertThat(configMap.keySet()).doesNotContainAnyElementsOf(secrets);
    }

    @Test
    void theSecretExampleHoldsOnlyPlaceholders() throws IOException {
        Map<String, Object> secret = resources(KUBERNETES.resolve("secret.example.yaml")).get(0);
        assertThat(secret.get("kind")).isEqualTo("Secret");
        assertThat(secret.get("data")).as("stringData only, so nothing is hidden in base64").isNull();
        secretExample().forEach((key, value) -> assertThat(value).as(key)
                .satisfiesAnyOf(v -> assertThat(v).isEmpty(), v -> assertThat(v).contains("REPLACE-ME")));
        assertThat(list(kustomization(KUBERNETES).get("resources"))).as("never applied with the kustomization")
                .doesNotContain("secret.example.yaml");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Kubernetes

    @Test
    void kustomizationsNameFilesThatExistAndEveryRouteFile() throws IOException {
        Set<String> routeFiles = new TreeSet<>();
        try (Stream<Path> s = Files.walk(ROUTES)) {
            s.filter(p -> p.toString().endsWith(".yaml")).forEach(p -> routeFiles.add(p.toString().replace('\\', '/')));
        }
        assertThat(routeFiles).isNotEmpty();
        for (Path dir : List.of(KUBERNETES, CAMEL_K)) {
            Map<String, Object> kustomization = kustomization(dir);
            for (Object resource : list(kustomization.get("resources"))) {
                assertThat(dir.resolve(str(resource))).as(dir + ": resource " + resource).isRegularFile();
            }
            Map<String, Path> routes = generatorFiles(dir, kustomization, "caravan-routes");
            assertThat(routes.values()).as(dir + ": every generator file exists").allSatisfy(p -> assertThat(p).isRegularFile());
            assertThat(routes.values().stream().map(p -> p.normalize().toString().replace('\\', '/')).toList())
                    .as(dir + ": the routes ConfigMap holds every file under routes/, no more")
                    .containsExactlyInAnyOrderElementsOf(routeFiles);
            Map<String, Path> config = generatorFiles(dir, kustomization, "caravan-config");
            assertThat(config).as(dir + ": application.properties as its own key")
                    .containsOnlyKeys("application.properties");
            assertThat(config.get("application.properties").normalize()).isEqualTo(PROPERTIES);
        }
    }

    @Test
    void deploymentRunsTwoProbedReplicasWithTheGeneratedConfigAndTheSecret() throws IOException {
        Map<String, Object> deployment = resource(KUBERNETES, "Deployment");
        assertThat(path(deployment, "spec", "replicas")).isEqualTo(2);
        Map<String, Object> pod = map(path(deployment, "spec", "template", "spec"));
        assertThat(pod.get("serviceAccountName")).isEqualTo(path(resource(KUBERNETES, "ServiceAccount"), "metadata", "name"));
        Map<String, Object> container = deploymentContainers().get(0);
        assertThat(str(container.get("image"))).startsWith("caravan:");
        assertThat(path(container, "livenessProbe", "httpGet", "path")).isEqualTo("/observe/health/live");
        assertThat(path(container, "readinessProbe", "httpGet", "path")).isEqualTo("/observe/health/ready");
        assertThat(path(container, "resources", "requests")).isNotNull();
        assertThat(path(container, "resources", "limits", "memory")).isNotNull();

        Set<String> generated = new HashSet<>();
        list(kustomization(KUBERNETES).get("configMapGenerator")).forEach(g -> generated.add(str(map(g).get("name"))));
        String secretName = str(path(resources(KUBERNETES.resolve("secret.example.yaml")).get(0), "metadata", "name"));
        for (Object from : list(container.get("envFrom"))) {
            Map<String, Object> ref = map(from);
            if (ref.get("configMapRef") != null) {
                assertThat(generated).contains(str(path(ref, "configMapRef", "name")));
            } else {
                assertThat(str(path(ref, "secretRef", "name"))).isEqualTo(secretName);
            }
        }
        assertThat(list(container.get("envFrom"))).hasSize(2);
        Map<String, String> volumes = new LinkedHashMap<>();
        for (Object volume : list(pod.get("volumes"))) {
            volumes.put(str(map(volume).get("name")), str(path(map(volume), "configMap", "name")));
        }
        Map<String, String> mounts = new LinkedHashMap<>();
        for (Object mount : list(container.get("volumeMounts"))) {
            mounts.put(str(map(mount).get("mountPath")), volumes.get(str(map(mount).get("name"))));
        }
        assertThat(mounts).containsEntry("/app/routes", "caravan-routes")
                .containsEntry("/app/application.properties", "caravan-config");
        assertThat(generated).containsAll(mounts.values());

        Map<String, Object> service = resource(KUBERNETES, "Service");
        Map<String, Object> pdb = resource(KUBERNETES, "PodDisruptionBudget");
        Map<String, Object> labels = map(path(deployment, "spec", "template", "metadata", "labels"));
        assertThat(labels).containsAllEntriesOf(map(path(service, "spec", "selector")))
                .containsAllEntriesOf(map(path(pdb, "spec", "selector", "matchLabels")));
    }

    @Test
    void leaderElectionRoleAllowsLeasesAndReadingPods() throws IOException {
        Map<String, Object> role = resource(KUBERNETES, "Role");
        Map<String, Object> binding = resource(KUBERNETES, "RoleBinding");
        Map<String, Set<String>> verbs = new LinkedHashMap<>();
        for (Object rule : list(role.get("rules"))) {
            for (Object group : list(map(rule).get("apiGroups"))) {
                for (Object resource : list(map(rule).get("resources"))) {
                    verbs.computeIfAbsent(group + "/" + resource, k -> new TreeSet<>())
                            .addAll(list(map(rule).get("verbs")).stream().map(DeployConfigTest::str).toList());
                }
            }
        }
        assertThat(verbs.get("coordination.k8s.io/leases"))
                .containsExactlyInAnyOrder("get", "list", "watch", "create", "update", "patch");
        assertThat(verbs.get("/pods")).containsExactlyInAnyOrder("get", "list");
        assertThat(path(binding, "roleRef", "name")).isEqualTo(path(role, "metadata", "name"));
        assertThat(map(list(binding.get("subjects")).get(0)).get("name"))
                .isEqualTo(path(resource(KUBERNETES, "ServiceAccount"), "metadata", "name"));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Camel K

    @Test
    void camelKIntegrationRunsTheImageWithProbesMetricsReplicasAndExistingConfig() throws IOException {
        Map<String, Object> integration = resource(CAMEL_K, "Integration");
        assertThat(integration.get("apiVersion")).isEqualTo("camel.apache.org/v1");
        assertThat(path(integration, "spec", "replicas")).isEqualTo(2);
        assertThat(path(integration, "spec", "sources")).as("self-managed build: the image holds the routes' beans").isNull();
        assertThat(path(integration, "spec", "serviceAccountName"))
                .isEqualTo(path(resource(KUBERNETES, "ServiceAccount"), "metadata", "name"));
        Map<String, Object> traits = map(path(integration, "spec", "traits"));
        assertThat(str(path(traits, "container", "image"))).startsWith("caravan:");
        assertThat(path(traits, "health", "enabled")).isEqualTo(true);
        assertThat(path(traits, "health", "livenessProbeEnabled")).isEqualTo(true);
        assertThat(path(traits, "health", "livenessProbe")).isEqualTo("/observe/health/live");
        assertThat(path(traits, "health", "readinessProbe")).isEqualTo("/observe/health/ready");
        assertThat(path(traits, "prometheus", "enabled")).isEqualTo(true);
        assertThat(path(traits, "jvm")).as("the jvm trait would replace the image's entrypoint and working dir").isNull();

        Map<String, Object> podMonitor = resource(CAMEL_K, "PodMonitor");
        Map<String, Object> endpoint = map(list(path(podMonitor, "spec", "podMetricsEndpoints")).get(0));
        assertThat(endpoint.get("path")).isEqualTo("/observe/metrics");
        assertThat(endpoint.get("port")).isEqualTo(path(traits, "container", "portName"));
        assertThat(map(path(podMonitor, "spec", "selector", "matchLabels")))
                .containsEntry("camel.apache.org/integration", path(integration, "metadata", "name"));

        Map<String, Object> kustomization = kustomization(CAMEL_K);
        List<String> problems = new ArrayList<>();
        Pattern resourceRef = Pattern.compile("configmap:([a-z0-9-]+)(?:/([^@]+))?@(/.+)");
        for (Object ref : list(path(traits, "mount", "resources"))) {
            Matcher m = resourceRef.matcher(str(ref));
            if (!m.matches()) {
                problems.add("mount resource " + ref + " is not configmap:name[/key]@/path");
                continue;
            }
            Map<String, Path> files = generatorFiles(CAMEL_K, kustomization, m.group(1));
            if (files.isEmpty()) {
                problems.add("mount resource " + ref + ": no ConfigMap " + m.group(1) + " in kustomization.yaml");
            } else if (m.group(2) != null && !files.containsKey(m.group(2))) {
                problems.add("mount resource " + ref + ": no key " + m.group(2) + " in ConfigMap " + m.group(1));
            }
        }
        Map<String, String> secret = secretExample();
        camelKVariables().forEach((name, value) -> {
            if (value.startsWith("secret:")) {
                String key = value.substring(value.indexOf('/') + 1);
                if (!value.startsWith("secret:caravan-secrets/") || !secret.containsKey(key)) {
                    problems.add(name + "=" + value + ": not a key of the caravan-secrets example");
                }
            }
        });
        assertThat(problems).isEmpty();
        assertThat(list(path(traits, "mount", "resources"))).hasSize(2);
        assertThat(path(kustomization, "generatorOptions", "disableNameSuffixHash"))
                .as("the Integration names its ConfigMaps in strings kustomize cannot rewrite").isEqualTo(true);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Placeholders, dashboard

    @Test
    void everyPropertyPlaceholderInDockerFilesIsDeclared() throws IOException {
        Set<String> declared = declaredKeys().keySet();
        List<String> missing = new ArrayList<>();
        for (Path file : dockerFiles()) {
            Matcher m = PLACEHOLDER.matcher(Files.readString(file));
            while (m.find()) {
                String key = m.group(1).strip();
                if (key.startsWith("env:") || key.startsWith("sys:") || key.startsWith("?")) {
                    continue;
                }
                if (!declared.contains(key.split(":", 2)[0])) {
                    missing.add(file + ": {{" + key + "}}");
                }
            }
        }
        assertThat(missing).as("placeholders not declared in application.properties").isEmpty();
        assertThat(dockerFiles()).as("the scan covers compose, kubernetes and camel-k files")
                .contains(COMPOSE, DOCKERFILE, KUBERNETES.resolve("deployment.yaml"), CAMEL_K.resolve("integration.yaml"));
    }

    @Test
    void grafanaDashboardHasTheRequiredPanelsOnTheProvisionedDatasourceAndRealNames() throws IOException {
        Map<String, Object> datasource = map(list(load(DOCKER.resolve("grafana/provisioning/datasources/prometheus.yaml"))
                .get("datasources")).get(0));
        assertThat(datasource.get("url")).isEqualTo("http://prometheus:9090");
        Path dashboardsDir = DOCKER.resolve("grafana/dashboards");
        String provisioned = str(path(map(list(load(DOCKER.resolve("grafana/provisioning/dashboards/caravan.yaml"))
                .get("providers")).get(0)), "options", "path"));
        assertThat(list(map(map(load(COMPOSE).get("services")).get("grafana")).get("volumes")))
                .as("compose mounts the dashboards where the provider looks")
                .contains("./grafana/dashboards:" + provisioned + ":ro");

        JsonNode dashboard = new ObjectMapper().readTree(dashboardsDir.resolve("caravan.json").toFile());
        List<String> titles = new ArrayList<>();
        List<String> expressions = new ArrayList<>();
        for (JsonNode panel : dashboard.get("panels")) {
            titles.add(panel.get("title").asText());
            assertThat(panel.at("/datasource/uid").asText()).as(panel.get("title").asText())
                    .isEqualTo(datasource.get("uid"));
            panel.get("targets").forEach(t -> expressions.add(t.get("expr").asText()));
        }
        for (String required : List.of("Ingest rate", "Records per sink", "Consumer lag per group", "Dead letters",
                "Errors", "Poller runs")) {
            assertThat(titles).as("a panel on " + required).anyMatch(t -> t.startsWith(required));
        }

        Set<String> routeIds = routeIds();
        Set<String> counters = caravanCounters();
        List<String> problems = new ArrayList<>();
        Pattern routeFilter = Pattern.compile("routeId=~\"([^\"]+)\"");
        Pattern caravanMetric = Pattern.compile("\\bcaravan_[a-z_]+_total\\b");
        for (String expr : expressions) {
            Matcher r = routeFilter.matcher(expr);
            while (r.find()) {
                for (String alternative : r.group(1).split("\\|")) {
                    if (routeIds.stream().noneMatch(id -> id.matches(alternative))) {
                        problems.add(expr + ": no route id matches " + alternative);
                    }
                }
            }
            Matcher c = caravanMetric.matcher(expr);
            while (c.find()) {
                if (!counters.contains(c.group())) {
                    problems.add(expr + ": Caravan registers no counter " + c.group());
                }
            }
        }
        assertThat(problems).isEmpty();
        assertThat(counters).contains("caravan_poller_runs_total");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Helpers

    /** A variable Caravan reads: a fixed name, or CARAVAN_* naming a declared key with '_' read as '.' or '-'. */
    static boolean readByCaravan(String name, Set<String> keys) {
        if (EXTERNAL_VARIABLES.contains(name)) {
            return true;
        }
        if (!name.matches("CARAVAN(_[A-Z0-9]+)+")) {
            return false;
        }
        String[] parts = name.toLowerCase().split("_");
        int gaps = parts.length - 1;
        for (int mask = 0; mask < (1 << gaps); mask++) {
            StringBuilder key = new StringBuilder(parts[0]);
            for (int i = 1; i < parts.length; i++) {
                key.append((mask & (1 << (i - 1))) == 0 ? '.' : '-').append(parts[i]);
            }
            if (keys.contains(key.toString())) {
                return true;
            }
        }
        return false;
    }

    /** Compose services built from docker/Dockerfile: the Caravan replicas. */
    private static List<String> caravanServices() throws IOException {
        List<String> names = new ArrayList<>();
        map(load(COMPOSE).get("services")).forEach((name, value) -> {
            Object build = map(value).get("build");
            if (build != null && DOCKER.resolve(str(map(build).get("context"))).resolve(str(map(build).get("dockerfile")))
                    .normalize().equals(DOCKERFILE)) {
                names.add(str(name));
            }
        });
        return names;
    }

    private static Map<String, String> environment(Map<String, Object> service) {
        Map<String, String> env = new LinkedHashMap<>();
        Object value = service.get("environment");
        if (value instanceof Map<?, ?> m) {
            m.forEach((k, v) -> env.put(str(k), v == null ? "" : str(v)));
        } else {
            for (Object entry : list(value)) {
                String[] kv = str(entry).split("=", 2);
                env.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        return env;
    }

    /** depends_on as service -> condition (the short list form means service_started). */
    private static Map<String, String> dependencies(Map<String, Object> service) {
        Map<String, String> deps = new LinkedHashMap<>();
        Object value = service.get("depends_on");
        if (value instanceof Map<?, ?> m) {
            m.forEach((k, v) -> deps.put(str(k), v == null ? "service_started" : str(map(v).get("condition"))));
        } else {
            list(value).forEach(s -> deps.put(str(s), "service_started"));
        }
        return deps;
    }

    private static List<String> targets(Map<String, Object> job) {
        List<String> targets = new ArrayList<>();
        for (Object config : list(job.get("static_configs"))) {
            list(map(config).get("targets")).forEach(t -> targets.add(str(t)));
        }
        return targets;
    }

    private static List<Map<String, Object>> deploymentContainers() throws IOException {
        List<Map<String, Object>> containers = new ArrayList<>();
        list(path(resource(KUBERNETES, "Deployment"), "spec", "template", "spec", "containers"))
                .forEach(c -> containers.add(map(c)));
        assertThat(containers).isNotEmpty();
        return containers;
    }

    private static Map<String, String> secretExample() throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        map(resources(KUBERNETES.resolve("secret.example.yaml")).get(0).get("stringData"))
                .forEach((k, v) -> values.put(str(k), v == null ? "" : str(v)));
        return values;
    }

    private static Map<String, String> camelKVariables() throws IOException {
        Map<String, String> vars = new LinkedHashMap<>();
        for (Object var : list(path(resource(CAMEL_K, "Integration"), "spec", "traits", "environment", "vars"))) {
            String[] kv = str(var).split("=", 2);
            vars.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        return vars;
    }

    private static Map<String, Object> kustomization(Path dir) throws IOException {
        return load(dir.resolve("kustomization.yaml"));
    }

    private static Map<String, String> literals(Map<String, Object> kustomization, String name) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Object generator : list(kustomization.get("configMapGenerator"))) {
            if (name.equals(map(generator).get("name"))) {
                for (Object literal : list(map(generator).get("literals"))) {
                    String[] kv = str(literal).split("=", 2);
                    values.put(kv[0], kv.length > 1 ? kv[1] : "");
                }
            }
        }
        assertThat(values).as("literals of ConfigMap " + name).isNotEmpty();
        return values;
    }

    /** Keys and files of one configMapGenerator entry; a key is the part before '=' or the file's name. */
    private static Map<String, Path> generatorFiles(Path dir, Map<String, Object> kustomization, String name) {
        Map<String, Path> files = new LinkedHashMap<>();
        for (Object generator : list(kustomization.get("configMapGenerator"))) {
            if (!name.equals(map(generator).get("name"))) {
                continue;
            }
            for (Object entry : list(map(generator).get("files"))) {
                String[] kv = str(entry).split("=", 2);
                Path file = dir.resolve(kv.length > 1 ? kv[1] : kv[0]);
                String key = kv.length > 1 ? kv[0] : file.getFileName().toString();
                assertThat(files).as(dir + ": ConfigMap " + name + " has key " + key + " once").doesNotContainKey(key);
                files.put(key, file);
            }
        }
        return files;
    }

    /** The one resource of a kind in a folder's manifests. */
    private static Map<String, Object> resource(Path dir, String kind) throws IOException {
        List<Map<String, Object>> found = new ArrayList<>();
        for (Path file : yamlFiles(dir)) {
            if (!file.getFileName().toString().equals("kustomization.yaml")) {
                resources(file).stream().filter(r -> kind.equals(r.get("kind"))).forEach(found::add);
            }
        }
        assertThat(found).as(dir + ": one " + kind).hasSize(1);
        return found.get(0);
    }

    private static List<Map<String, Object>> resources(Path file) throws IOException {
        List<Map<String, Object>> documents = new ArrayList<>();
        loadAll(file).forEach(d -> documents.add(map(d)));
        return documents;
    }

    /** Route ids and templated route ids declared under routes/. */
    private static Set<String> routeIds() throws IOException {
        Set<String> ids = new TreeSet<>();
        try (Stream<Path> s = Files.walk(ROUTES)) {
            for (Path file : s.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                for (Object item : (Iterable<?>) loadAny(file)) {
                    Map<String, Object> entry = map(item);
                    for (String kind : List.of("route", "templatedRoute")) {
                        if (entry.get(kind) != null) {
                            Map<String, Object> body = map(entry.get(kind));
                            Object id = body.get("id") != null ? body.get("id") : body.get("routeId");
                            if (id != null) {
                                ids.add(str(id));
                            }
                        }
                    }
                }
            }
        }
        assertThat(ids).isNotEmpty();
        return ids;
    }

    /** Prometheus names of the counters Caravan's code registers (caravan.poller.runs -> caravan_poller_runs_total). */
    private static Set<String> caravanCounters() throws IOException {
        Set<String> names = new TreeSet<>();
        Pattern counter = Pattern.compile("\\.(?:counter|count)\\(\"(caravan\\.[a-z.]+)\"");
        try (Stream<Path> s = Files.walk(Path.of("src/main/java"))) {
            for (Path file : s.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = counter.matcher(Files.readString(file));
                while (m.find()) {
                    names.add(m.group(1).replace('.', '_') + "_total");
                }
            }
        }
        return names;
    }

    /** Text files under docker/ that may carry Camel placeholders; Grafana dashboards use {{label}} legends instead. */
    private static List<Path> dockerFiles() throws IOException {
        try (Stream<Path> s = Files.walk(DOCKER)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> !p.startsWith(DOCKER.resolve("grafana/dashboards")))
                    .filter(p -> !p.toString().endsWith(".md"))
                    .sorted().toList();
        }
    }

    private static List<Path> yamlFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    /** Dockerfile instructions by stage, continuation lines joined and comments dropped. */
    private static List<List<String>> dockerfileStages() throws IOException {
        List<List<String>> stages = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (String raw : Files.readAllLines(DOCKERFILE)) {
            String line = raw.strip();
            if (line.startsWith("#") || (line.isEmpty() && pending.isEmpty())) {
                continue;
            }
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            String instruction = (pending + line).replaceAll("\\s+", " ").strip();
            pending.setLength(0);
            if (instruction.startsWith("FROM ")) {
                stages.add(new ArrayList<>());
            }
            assertThat(stages).as("the Dockerfile starts with FROM").isNotEmpty();
            stages.get(stages.size() - 1).add(instruction);
        }
        return stages;
    }

    private static Map<String, String> declaredKeys() throws IOException {
        Map<String, String> keys = new LinkedHashMap<>();
        for (String line : Files.readAllLines(PROPERTIES)) {
            String l = line.strip();
            if (!l.isEmpty() && !l.startsWith("#") && l.contains("=")) {
                int eq = l.indexOf('=');
                keys.put(l.substring(0, eq).strip(), l.substring(eq + 1).strip());
            }
        }
        return keys;
    }

    private static Map<String, Object> load(Path file) throws IOException {
        return map(loadAny(file));
    }

    private static Object loadAny(Path file) throws IOException {
        return new Load(LoadSettings.builder().setLabel(file.toString()).build()).loadFromString(Files.readString(file));
    }

    private static List<Object> loadAll(Path file) throws IOException {
        List<Object> documents = new ArrayList<>();
        new Load(LoadSettings.builder().setLabel(file.toString()).build())
                .loadAllFromString(Files.readString(file)).forEach(d -> {
                    if (d != null) {
                        documents.add(d);
                    }
                });
        return documents;
    }

    private static Object path(Object node, String... keys) {
        Object current = node;
        for (String key : keys) {
            if (!(current instanceof Map<?, ?> m)) {
                return null;
            }
            current = m.get(key);
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node) {
        assertThat(node).as("a mapping").isInstanceOf(Map.class);
        return (Map<String, Object>) node;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object node) {
        if (node == null) {
            return List.of();
        }
        assertThat(node).as("a list").isInstanceOf(List.class);
        return (List<Object>) node;
    }

    private static String str(Object value) {
        return value == null ? null : String.valueOf(value);
    }
}
