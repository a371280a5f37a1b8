package dev.caravan.sink.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import dev.caravan.config.StartupFailure;
import org.junit.jupiter.api.Test;

/** caravan.mongo.join.parts is checked at start-up: a type it names must be one the sink stores. */
class MongoWritesTest {

    private static final Map<String, CollectionSpec> SPECS = Map.of(
            "pins", new CollectionSpec("pins", "pins", List.of("unique_id"), CollectionSpec.Mode.REPLACE, null),
            "geo", new CollectionSpec("geo", "geo", List.of("ind", "timestamp"), CollectionSpec.Mode.REPLACE, null),
            "posts", new CollectionSpec("posts", "posts", List.of("ind"), CollectionSpec.Mode.MERGE, null));

    @Test
    void knownTypesAndNoJoinAreAccepted() {
        new MongoWrites(SPECS, "posts", MongoWrites.parts("pins:pin,geo:geo"));
        new MongoWrites(SPECS, "posts", MongoWrites.parts(""));
        assertThat(MongoWrites.parts("")).isEmpty();
    }

    @Test
    void aMisspeltTypeStopsTheStartWithTheTypesThatCanBeJoined() {
        assertThatThrownBy(() -> new MongoWrites(SPECS, "posts", MongoWrites.parts("pins:pin,user:user")))
                .isInstanceOf(StartupFailure.class)
                .hasMessage("caravan.mongo.join.parts names record type 'user', which is not one of [geo, pins]; "
                        + "leave it empty for no join");
    }

    @Test
    void theJoinCannotJoinItself() {
        assertThatThrownBy(() -> new MongoWrites(SPECS, "posts", MongoWrites.parts("posts:post")))
                .isInstanceOf(StartupFailure.class).hasMessageContaining("'posts'");
    }
}
