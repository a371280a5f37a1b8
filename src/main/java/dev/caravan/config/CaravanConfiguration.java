package dev.caravan.config;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.caravan.embedded.Connections;
import dev.caravan.support.OneLine;
import dev.caravan.settings.Settings;
import dev.caravan.settings.StartupFailure;
import dev.caravan.settings.ConnectionSettings;
import dev.caravan.settings.HttpSettings;
import dev.caravan.settings.IngestSettings;
import dev.caravan.settings.LakeSettings;
import dev.caravan.settings.MetricsSettings;
import dev.caravan.settings.MongoSinkSettings;
import dev.caravan.settings.OpsSettings;
import dev.caravan.settings.PollSettings;
import dev.caravan.settings.PollerApiSettings;
import dev.caravan.settings.SchemaSettings;
import dev.caravan.settings.SettingsCatalogue;
import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.caravan.embedded.EmbeddedServices;
import dev.caravan.health.KafkaHealthCheck;
import dev.caravan.health.MongoHealthCheck;
import dev.caravan.health.S3HealthCheck;
import dev.caravan.ingest.IdempotencyKeys;
import dev.caravan.ingest.JsonObjectCheck;
import dev.caravan.ingest.OpenApiDocument;
import dev.caravan.ingest.RecordsParser;
import dev.caravan.ingest.RestProxyErrors;
import dev.caravan.ingest.RestProxyV2;
import dev.caravan.ingest.StreamIngest;
import dev.caravan.ingest.StreamDefinition;
import dev.caravan.ingest.Streams;
import dev.caravan.api.ProblemResponse;
import dev.caravan.ingest.Receipt;
import dev.caravan.sink.CommitBatch;
import dev.caravan.sink.mongo.DeadLetters;
import dev.caravan.sink.mongo.MongoBulkWriter;
import dev.caravan.sink.mongo.MongoWrites;
import dev.caravan.schema.Compatibility;
import dev.caravan.schema.IncompatibleSchemaException;
import dev.caravan.schema.KafkaTopicRegistry;
import dev.caravan.schema.RemoteSchemaRegistry;
import dev.caravan.schema.SchemaRegistry;
import dev.caravan.schema.SchemaRegistryException;
import dev.caravan.schema.StreamFormats;
import dev.caravan.sink.mongo.RecordParser;
import dev.caravan.ingest.IngestSteps;
import dev.caravan.ingest.KafkaPublisher;
import dev.caravan.ops.Redrive;
import dev.caravan.kafka.Topics;
import dev.caravan.poll.DropFields;
import dev.caravan.poll.NytBestsellerEntries;
import dev.caravan.poll.PollerStore;
import dev.caravan.poll.Pollers;
import dev.caravan.poll.RecordAsIs;
import dev.caravan.sink.lake.LakeBucket;
import dev.caravan.sink.lake.LakeKeys;
import dev.caravan.sink.lake.LakeReconcile;
import dev.caravan.sink.lake.LakeStore;
import dev.caravan.sink.lake.LakeWriter;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Wires Caravan into Camel before routes start: embedded servers for whatever is not configured, the clients routes
 * use by name (mongoClient, s3Client), health checks, and the small beans routes call.
 */
public final class CaravanConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(CaravanConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = new Settings(context);
        Registry registry = context.getRegistry();

        EmbeddedServices embedded = new EmbeddedServices();
        Connections c = embedded.startFor(settings);
        // stopped by the context after routes and components, so consumers commit before their broker goes away
        context.addService(embedded, true, false);

        // component settings read these keys (own names, so an environment variable cannot shadow them)
        PropertiesComponent pc = context.getPropertiesComponent();
        pc.addOverrideProperty(Settings.ACTIVE_KAFKA_BROKERS, c.kafkaBrokers());
        pc.addOverrideProperty(Settings.ACTIVE_MONGODB_URI, c.mongoUri());
        // every Kafka client, Camel's and Caravan's own, takes the same settings (security among them)
        dev.caravan.kafka.KafkaClientConfig kafka = dev.caravan.kafka.KafkaClientConfig.load(pc, c.kafkaBrokers(),
                System.getenv());
        registry.bind("kafkaClientConfig", kafka);
        // refused credentials or certificates stop the start with one line, instead of a reconnect loop
        dev.caravan.kafka.KafkaProbe.check(kafka,
                settings.get(HttpSettings.HEALTH_TIMEOUT));

        MongoClient mongo = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(c.mongoUri()))
                .applyToClusterSettings(b -> b.serverSelectionTimeout(
                        (int) settings.get(ConnectionSettings.MONGODB_SERVER_SELECTION_TIMEOUT).toMillis(), TimeUnit.MILLISECONDS))
                .applicationName("caravan")
                .build());
        S3Client s3 = s3Client(c, settings.get(ConnectionSettings.S3_FORCE_PATH_STYLE));
        LakeBucket bucket = new LakeBucket(s3, c.s3Bucket());
        try {
            if (bucket.ensureExists()) {
                LOG.info("Created S3 bucket {}", c.s3Bucket());
            }
        } catch (Exception e) {
            // not fatal: readiness stays DOWN, and the bucket is created in the background once S3 answers
            LOG.warn("S3 bucket {} could not be checked yet ({}); readiness stays DOWN until it can", c.s3Bucket(),
                    OneLine.of(e).replaceAll("(.{0,200}).*", "$1"));
            bucket.ensureLater(LOG);
        }

        // every Camel Kafka consumer knows which partitions it owns; sinks with state listen for revocations
        dev.caravan.sink.Ownership ownership = new dev.caravan.sink.Ownership();
        registry.bind("ownership", ownership);
        registry.bind("caravanKafkaClients", new dev.caravan.sink.CaravanKafkaClients(ownership, kafka));
        dev.caravan.sink.SinkProgress sinkProgress = new dev.caravan.sink.SinkProgress(
                settings.get(MongoSinkSettings.SINK_STALL_LIMIT));
        registry.bind("sinkProgress", sinkProgress);
        registry.bind("sinkOutage", new dev.caravan.sink.SinkOutage(sinkProgress,
                settings.get(MongoSinkSettings.SINK_RETRY_INITIAL),
                settings.get(MongoSinkSettings.SINK_RETRY_MAX)));
        registry.bind("sinkProgressCheck", new dev.caravan.health.SinkProgressCheck(sinkProgress));

        registry.bind("jsonAnswer", new dev.caravan.api.JsonAnswer());
        dev.caravan.ops.Operations operations = new dev.caravan.ops.Operations(context,
                settings.get(OpsSettings.CONCURRENCY),
                settings.get(OpsSettings.WAIT));
        registry.bind("operations", operations);
        context.addService(new ClosingService(operations), true, false);

        registry.bind("connections", c);
        registry.bind("mongoClient", mongo);
        registry.bind("s3Client", s3);
        registry.bind("lakeBucket", bucket);
        registry.bind("jsonObjectCheck", new JsonObjectCheck());
        registry.bind("problemResponse", new ProblemResponse());
        registry.bind("receipt", new Receipt());

        // the flows (routes/flows/): one file per record type; everything below that depends on record types reads
        // them, and they are read from the route files once those are loaded (FlowsSetup), then after each reload
        dev.caravan.flow.Flows flows = new dev.caravan.flow.Flows(context);
        registry.bind("flows", flows);
        registry.bind("doorRecord", new dev.caravan.ingest.DoorRecord());
        Streams streams = Streams.of(flows, context);
        registry.bind("streams", streams);
        // how records travel: JSON or Avro per flow, schema ids from a registry (remote, or a Kafka topic)
        SchemaRegistry schemaRegistry = schemaRegistry(settings, kafka);
        context.addService(new ClosingService(schemaRegistry), true, false);
        registry.bind("schemaRegistry", schemaRegistry);
        StreamFormats formats = StreamFormats.of(flows, context, schemaRegistry);
        registry.bind("streamFormats", formats);
        registry.bind("registryApi", new dev.caravan.schema.RegistryApi(schemaRegistry));
        RecordsParser parser = new RecordsParser(settings.get(IngestSettings.MAX_RECORDS));
        int retryAfter = (int) settings.get(IngestSettings.RETRY_AFTER).toSeconds();
        StreamIngest streamIngest = new StreamIngest(streams, parser, formats, retryAfter);
        registry.bind("restProxy", new RestProxyV2(streams, parser, formats, retryAfter));
        registry.bind("restProxyErrors", new RestProxyErrors());
        registry.bind("openApiDocument", new OpenApiDocument(streams));
        IdempotencyKeys idempotencyKeys = new IdempotencyKeys(mongo, c.mongoDatabase(),
                settings.get(IngestSettings.IDEMPOTENCY_COLLECTION),
                settings.get(IngestSettings.IDEMPOTENCY_WINDOW),
                settings.get(IngestSettings.TIMEOUT).multipliedBy(2).plusSeconds(5),
                java.time.Clock.systemUTC());
        KafkaPublisher publisher = new KafkaPublisher(kafka,
                settings.get(IngestSettings.TIMEOUT),
                settings.get(IngestSettings.TRANSACTIONAL_PRODUCERS),
                settings.find(IngestSettings.TRANSACTIONAL_ID_PREFIX).orElse("caravan-ingest-" + hostName() + "-"
                        + settings.find(Settings.ACTIVE_HTTP_PORT).orElse("0")),
                (int) settings.get(IngestSettings.TRANSACTION_TIMEOUT).toMillis(),
                (int) settings.get(IngestSettings.RETRY_AFTER).toSeconds());
        registry.bind("kafkaPublisher", publisher);
        IngestSteps.bind(registry, streamIngest, publisher, idempotencyKeys);
        // a flow's topic exists before its first record, so no request pays for its creation, and so does its
        // dead-letter topic: a first dead letter racing its topic's creation was retried by the idempotent producer
        // into OutOfOrderSequence errors until its timeout; Avro flows register
        String dlqSuffix = settings.get(MongoSinkSettings.DLQ_SUFFIX);
        flows.onChange(f -> {
            java.util.List<String> topics = new java.util.ArrayList<>(
                    f.all().stream().map(dev.caravan.flow.Flow::topic).toList());
            f.mongoTopics().forEach(t -> topics.add(t + dlqSuffix));
            Topics.ensure(kafka, topics, settings.get(IngestSettings.TIMEOUT));
            registerAvroSchemas(formats);
        });

        // the MongoDB sink: parsing, the flows' writes, bulk writer, dead letters, batch commits
        // Caravan's counters (caravan_*_total), one instance for every bean that counts
        dev.caravan.support.Meters meters = new dev.caravan.support.Meters(context);
        dev.caravan.sink.mongo.SinkStages.bind(registry, flows, new RecordParser(formats), new MongoWrites(flows));
        registry.bind("currentHandOuts", new dev.caravan.sink.CurrentHandOuts());
        dev.caravan.sink.mongo.CollectionWrites collectionWrites = new dev.caravan.sink.mongo.CollectionWrites();
        String writePlan = settings.get(MongoSinkSettings.WRITE_PLAN);
        registry.bind("mongoBulkWriter", new MongoBulkWriter(mongo, c.mongoDatabase(), collectionWrites)
                .readingFirst(writePlan.equals("read-first") || writePlan.equals("auto") && c.mongoEmbedded())
                .countingIn(meters));
        DeadLetters deadLetters = new DeadLetters(kafka, settings.get(MongoSinkSettings.DLQ_SUFFIX),
                settings.get(IngestSettings.TIMEOUT))
                .countingIn(meters);
        registry.bind("deadLetters", deadLetters);
        registry.bind("commitBatch", new CommitBatch());
        registry.bind("redrive", new Redrive(kafka, settings.get(MongoSinkSettings.DLQ_SUFFIX),
                settings.get(MongoSinkSettings.DLQ_REDRIVE_GROUP),
                settings.get(IngestSettings.TIMEOUT)));

        // the lake sink: units of NDJSON.gz files per partition, manifests, reconcile
        LakeKeys lakeKeys = new LakeKeys(settings.get(ConnectionSettings.S3_PREFIX));
        LakeStore lakeStore = new LakeStore(s3, c.s3Bucket());
        String lakeGroup = settings.get(LakeSettings.GROUP);
        String mongoGroup = settings.get(MongoSinkSettings.GROUP);
        // the sinks subscribe to their flows' topics, again whenever the flows change
        ownership.subscribe(lakeGroup, flows::lakeTopics);
        ownership.subscribe(mongoGroup, flows::mongoTopics);
        LakeWriter lakeWriter = new LakeWriter(lakeStore, lakeKeys,
                new LakeWriter.Limits(settings.get(LakeSettings.FLUSH_RECORDS),
                        settings.get(LakeSettings.FLUSH_BYTES),
                        (int) settings.get(LakeSettings.ROTATE_INTERVAL).toMillis()),
                flows, settings.get(LakeSettings.AVRO_CODEC), java.time.Clock.systemUTC())
                .parquetCodec(settings.get(LakeSettings.PARQUET_CODEC))
                .compressingOn(settings.get(LakeSettings.GZIP_THREADS))
                .decodingWith(formats)
                .fencedBy((topic, partition) -> ownership.owns(lakeGroup,
                        new org.apache.kafka.common.TopicPartition(topic, partition)))
                .reportingTo((topic, reason) -> meters.count("caravan.lake.not.cleaned", 1, "topic", topic,
                        "reason", reason));
        ownership.listen(lakeGroup, lakeWriter);
        registry.bind("lakeWriter", lakeWriter);
        LakeReconcile reconcile = new LakeReconcile(lakeStore, lakeKeys, kafka, lakeGroup,
                settings.get(HttpSettings.HEALTH_TIMEOUT));
        registry.bind("lakeReconcile", reconcile);
        registry.bind("lakeCompactor", new dev.caravan.sink.lake.LakeCompactor(lakeStore, lakeKeys,
                java.time.Clock.systemUTC(), () -> String.join(",", flows.lakeTopics()), flows::compactedTopics,
                reconcile::committed));
        context.addService(new ClosingService(reconcile), true, false);

        // analytics: each declared metric's pipeline in MongoDB (stream), its SQL in DuckDB over the lake (batch)
        registry.bind("metrics", new dev.caravan.metrics.Metrics(mongo, c.mongoDatabase(),
                settings.get(MetricsSettings.COLLECTION),
                new dev.caravan.metrics.MetricFiles(java.nio.file.Path.of(settings.get(MetricsSettings.DIR))),
                new dev.caravan.metrics.LakeSql(flows, new dev.caravan.sink.lake.LakeMirror(lakeStore, lakeKeys,
                        settings.dataDir().resolve("lake-mirror")), settings.get(MetricsSettings.SQL_MEMORY),
                        settings.dataDir().resolve("lake-sql-spill")),
                () -> flows.joins().isEmpty() ? "posts" : flows.joins().keySet().iterator().next(),
                java.time.Clock.systemUTC(), collectionWrites,
                settings.get(MetricsSettings.IDLE_REFRESH).toMillis()));

        // the operator console: its files, and the overview it reads beside the pollers and metrics APIs
        registry.bind("consoleAssets", new dev.caravan.console.ConsoleAssets());
        dev.caravan.console.Overview overview = new dev.caravan.console.Overview(kafka, flows,
                java.util.List.of(
                        new dev.caravan.console.Overview.Sink("MongoDB", mongoGroup, "streams-to-mongo",
                                flows::mongoTopics),
                        new dev.caravan.console.Overview.Sink("lake", lakeGroup, "streams-to-lake", flows::lakeTopics)),
                settings.get(MongoSinkSettings.DLQ_SUFFIX), context.getRegistry().lookupByNameAndType("lakeWriter",
                        dev.caravan.sink.lake.LakeWriter.class), sinkProgress,
                settings.get(HttpSettings.HEALTH_TIMEOUT));
        registry.bind("overview", overview.showingFormats(formats).showingPollers(() -> pollersByTopic(context)));
        context.addService(new ClosingService(overview), true, false);

        // pollers: state in MongoDB, each one's clock ticks on the elected leader (routes/templates/http-poller)
        context.addService(ClusterSetup.clusterService(settings));
        Pollers pollers = new Pollers(context,
                new PollerStore(mongo, c.mongoDatabase(), settings.get(PollSettings.STATE_PREFIX)),
                new Pollers.Options(settings.get(PollSettings.ENABLED),
                        settings.get(PollSettings.CLUSTER_NAMESPACE),
                        new dev.caravan.poll.Retries(settings.get(PollSettings.MAX_ATTEMPTS),
                                settings.get(PollSettings.BACKOFF_INITIAL),
                                settings.get(PollSettings.BACKOFF_MAX),
                                settings.get(PollSettings.MAX_RETRY_AFTER)),
                        "Caravan/" + java.util.Objects.requireNonNullElse(
                                CaravanConfiguration.class.getPackage().getImplementationVersion(), "dev"),
                        settings.get(IngestSettings.TIMEOUT),
                        settings.get(PollSettings.MAX_RESPONSE_BYTES)),
                kafka, java.time.Clock.systemUTC());
        registry.bind("pollers", pollers);
        registry.bind("pollSteps", pollers.steps());
        registry.bind("recordAsIs", new RecordAsIs());
        registry.bind("nytBestsellerEntries", new NytBestsellerEntries());
        registry.bind("dropRandomUserCredentials", new DropFields(settings.get(PollerApiSettings.RANDOMUSER_DROP_FIELDS)));
        context.addStartupListener((ctx, alreadyStarted) -> pollers.catalog().announce());

        int healthTimeout = (int) settings.get(HttpSettings.HEALTH_TIMEOUT).toMillis();
        KafkaHealthCheck kafkaHealth = new KafkaHealthCheck(kafka, healthTimeout);
        registry.bind("kafkaHealthCheck", kafkaHealth);
        registry.bind("mongoHealthCheck", new MongoHealthCheck(mongo, c.mongoDatabase()));
        registry.bind("s3HealthCheck", new S3HealthCheck(bucket));
        // clients close with the context, before the embedded servers they talk to
        context.addService(new ClosingService(publisher, deadLetters, kafkaHealth, mongo, s3), true, false);
    }

    /** The poller writing each topic (the console names a flow's source). */
    private static java.util.Map<String, String> pollersByTopic(CamelContext context) {
        Pollers pollers = context.getRegistry().lookupByNameAndType("pollers", Pollers.class);
        return pollers == null ? java.util.Map.of() : pollers.catalog().topics();
    }

    /** The registry at caravan.schema.registry.url when one is set, else the embedded one in a Kafka topic. */
    private static SchemaRegistry schemaRegistry(Settings settings, dev.caravan.kafka.KafkaClientConfig kafka) {
        Compatibility global = compatibility(settings);
        Duration timeout = settings.get(SchemaSettings.REGISTRY_TIMEOUT);
        String url = settings.get(SchemaSettings.REGISTRY_URL).trim();
        if (!url.isEmpty()) {
            try {
                return new RemoteSchemaRegistry(url, settings.get(SchemaSettings.REGISTRY_USER),
                        settings.get(SchemaSettings.REGISTRY_PASSWORD), timeout);
            } catch (IllegalArgumentException e) {
                // the message never quotes the URL, which may hold a password
                throw new StartupFailure("caravan.schema.registry.url (SCHEMA_REGISTRY_URL): " + e.getMessage());
            }
        }
        return new KafkaTopicRegistry(kafka, settings.get(SchemaSettings.REGISTRY_TOPIC),
                timeout, subject -> {
                    String own = settings.find(SettingsCatalogue.SUBJECT_COMPATIBILITY.key(subject)).orElse("");
                    try {
                        return own.isEmpty() ? global : Compatibility.of(own);
                    } catch (IllegalArgumentException e) {
                        // a typo in one subject's rule refuses its registrations, not Caravan's start
                        throw new SchemaRegistryException(SettingsCatalogue.SUBJECT_COMPATIBILITY.key(subject) + ": "
                                + e.getMessage(), 0);
                    }
                });
    }

    /** The default rule of the embedded registry; a name that is not a rule stops start-up with one line. */
    private static Compatibility compatibility(Settings settings) {
        try {
            return Compatibility.of(settings.get(SchemaSettings.COMPATIBILITY));
        } catch (IllegalArgumentException e) {
            throw new StartupFailure("caravan.schema.compatibility: " + e.getMessage());
        }
    }

    /**
     * Avro streams register their schemas at start-up: a schema the registry refuses as incompatible stops Caravan
     * with the field named; a registry that cannot be reached yet is retried on first use.
     */
    private static void registerAvroSchemas(StreamFormats formats) {
        for (StreamFormats.Stream s : formats.all()) {
            if (!s.avro()) {
                continue;
            }
            try {
                int id = formats.schemaId(s);
                LOG.info("Stream {} ({}) is Avro: schema {} has id {} in {}", s.name(), s.topic(),
                        s.schema().getFullName(), id, formats.registry().describe());
            } catch (IncompatibleSchemaException e) {
                throw new StartupFailure("stream " + s.name() + ": the registry refuses its Avro schema: "
                        + e.getMessage());
            } catch (SchemaRegistryException e) {
                LOG.warn("Stream {}: its Avro schema is not registered yet ({}); the first record tries again",
                        s.name(), e.getMessage());
            }
        }
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }

    /** The S3 client Caravan uses; tests build theirs the same way. */
    public static S3Client s3Client(Connections c, boolean forcePathStyle) {
        AwsCredentialsProvider credentials = c.s3AccessKey() == null || c.s3AccessKey().isEmpty()
                ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(c.s3AccessKey(), c.s3SecretKey()));
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(c.s3Region()))
                .credentialsProvider(credentials)
                .forcePathStyle(forcePathStyle)
                // one HTTP client named explicitly: the SDK refuses to guess when several are on the classpath
                .httpClientBuilder(ApacheHttpClient.builder())
                .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(30)));
        if (c.s3Endpoint() != null && !c.s3Endpoint().isEmpty()) {
            builder.endpointOverride(URI.create(c.s3Endpoint()));
        }
        return builder.build();
    }
}
