package dev.caravan.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Metrics are files: added, edited, broken and removed while Caravan runs, each seen at the next read. */
class MetricFilesTest {

    @TempDir
    Path dir;

    @Test
    void aMetricFileIsTakenEditedKeptWhenBrokenAndDroppedWhenRemoved() throws Exception {
        MetricFiles files = new MetricFiles(dir);
        assertThat(files.all()).isEmpty();

        Path file = dir.resolve("posts-per-country.yaml");
        write(file, "Posts per country", 1);
        assertThat(files.all()).extracting(DeclaredMetric::name).containsExactly("posts-per-country");

        write(file, "Posts per country, edited", 2);
        assertThat(files.all()).extracting(DeclaredMetric::description).containsExactly("Posts per country, edited");

        Files.writeString(file, "name: posts-per-country\ndescription: [broken\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(3)));
        assertThat(files.all()).extracting(DeclaredMetric::description)
                .as("a broken edit keeps the version before it").containsExactly("Posts per country, edited");

        Files.delete(file);
        assertThat(files.all()).isEmpty();
    }

    @Test
    void withoutTheFolderThePackagedMetricsAreUsed() {
        assertThat(new MetricFiles(dir.resolve("absent")).all()).extracting(DeclaredMetric::name)
                .contains("popular-category-by-country", "median-followers-by-join-year-and-age-group");
    }

    private static void write(Path file, String description, int second) throws Exception {
        Files.writeString(file, """
                name: posts-per-country
                description: %s
                live:
                  collection: posts
                  pipeline:
                    - $group: {_id: $geo.country, posts: {$sum: 1}}
                batch:
                  sql: SELECT geo.country AS _id, count(*) AS posts FROM posts GROUP BY 1
                """.formatted(description));
        // a distinct modification time, as an editor's save gives
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(second)));
    }
}
