package dev.caravan.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An aggregation reads the embedded server's documents as its stages consume them: the library listed the whole
 * collection before the first stage ran, so a pipeline over 100,000 joined posts held 600-800 MB of them whatever it
 * kept (a $match and a $group keep a few rows).
 */
class StreamedAggregationTest {

    @TempDir
    Path dir;

    @Test
    void theDocumentsOfAnAggregationAreReadWhenItsStagesTakeThemNotListedBefore() {
        DurableH2Backend backend = new DurableH2Backend(dir.resolve("db.mv").toString());
        try {
            MongoCollection<?> posts = backend.resolveDatabase("caravan").createCollectionOrThrowIfExists("posts");
            posts.insertDocuments(IntStream.range(0, 100).mapToObj(i -> new Document("_id", i)).toList(), true);

            Stream<Document> docs = posts.queryAllAsStream();
            posts.deleteDocuments(new Document(), 0);

            assertThat(docs.count()).as("documents still there when the stages read them").isZero();
            assertThat(posts.count()).isZero();
        } finally {
            backend.close();
        }
    }
}
