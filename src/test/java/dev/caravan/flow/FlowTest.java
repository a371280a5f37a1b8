package dev.caravan.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.caravan.testing.FlowFiles;
import org.junit.jupiter.api.Test;

/** A flow from its template parameters: the defaults, and a parameter that makes no sense refused by name. */
class FlowTest {

    private static Flow flow(String... keyValues) {
        Map<String, String> p = new HashMap<>(Map.of("name", "orders", "topic", "shop.orders"));
        for (int i = 0; i < keyValues.length; i += 2) {
            p.put(keyValues[i], keyValues[i + 1]);
        }
        return Flow.of(p, "routes/flows/orders.camel.yaml");
    }

    @Test
    void theSmallestFlowIsATopicIntoBothLakeZones() {
        Flow f = flow();
        assertThat(f.format()).isEqualTo("json");
        assertThat(f.mongo()).isNull();
        assertThat(f.join()).isNull();
        assertThat(f.lake().zones()).containsExactly("raw", "clean");
        assertThat(f.lake().format()).isEqualTo("ndjson.gz");
        assertThat(f.compaction()).isEqualTo("daily");
        assertThat(f.key()).isNull();
        assertThat(f.schema()).isNull();
    }

    @Test
    void aCollectionWithItsKeyModeAndIndexes() {
        Flow f = flow("collection", "orders", "businessKey", "shop, order_id", "mode", "merge",
                "newerField", "updated_at", "indexes", "2dsphere:where, ttl:created:86400");
        assertThat(f.mongo().key()).containsExactly("shop", "order_id");
        assertThat(f.mongo().mode()).isEqualTo("merge");
        assertThat(f.mongo().newerField()).isEqualTo("updated_at");
        assertThat(f.mongo().indexes()).containsExactly(new Flow.Index("2dsphere", "where", 0),
                new Flow.Index("ttl", "created", 86400));
    }

    @Test
    void aParameterThatMakesNoSenseIsRefusedByName() {
        assertThatThrownBy(() -> flow("name", "Orders")).hasMessageContaining("name 'Orders' must be lower case");
        assertThatThrownBy(() -> flow("topic", " ")).hasMessage("the parameter 'topic' is required");
        assertThatThrownBy(() -> flow("format", "xml")).hasMessageContaining("format must be json or avro");
        assertThatThrownBy(() -> flow("collection", "orders")).hasMessage("the parameter 'businessKey' is required");
        assertThatThrownBy(() -> flow("collection", "o", "businessKey", "id", "mode", "upsert"))
                .hasMessageContaining("mode must be replace or merge");
        assertThatThrownBy(() -> flow("collection", "o", "businessKey", "id", "indexes", "text:title"))
                .hasMessageContaining("the kinds are 2dsphere and ttl");
        assertThatThrownBy(() -> flow("collection", "o", "businessKey", "id", "indexes", "ttl:created"))
                .hasMessageContaining("write ttl:FIELD:SECONDS");
        assertThatThrownBy(() -> flow("joinInto", "posts")).hasMessage("the parameter 'joinOn' is required");
        assertThatThrownBy(() -> flow("lake", "raw,gold")).hasMessageContaining("got 'gold'");
        assertThatThrownBy(() -> flow("lakeFormat", "csv")).hasMessageContaining("lakeFormat must be");
        assertThatThrownBy(() -> flow("compaction", "hourly")).hasMessageContaining("daily, weekly or none");
        assertThatThrownBy(() -> flow("clean", "- shout: [a]")).hasMessageContaining("unknown cleaning step 'shout'");
    }

    @Test
    void noLakeWhenTheZonesAreEmpty() {
        assertThat(flow("lake", "").lake()).isNull();
        assertThat(flow("lake", "raw").lake().clean()).isFalse();
    }

    @Test
    void twoFlowsCannotShareANameOrATopic_andAJoinIsNotIntoAFlow() {
        Flow a = flow();
        assertThatThrownBy(() -> Flows.of(List.of(a, flow("topic", "other"))))
                .hasMessageContaining("a flow named orders is declared in");
        assertThatThrownBy(() -> Flows.of(List.of(a, flow("name", "returns"))))
                .hasMessageContaining("flow returns reads topic shop.orders, which flow orders reads already");
        assertThatThrownBy(() -> Flows.of(List.of(a, flow("name", "lines", "topic", "l", "joinInto", "orders",
                "joinOn", "id", "joinAs", "line")))).hasMessageContaining("which is a flow's name");
    }

    @Test
    void theSeedFlowsDeriveTheSinksTopicsAndTheJoin() {
        Flows flows = FlowFiles.flows();
        assertThat(flows.mongoTopics()).containsExactlyInAnyOrder("caravan.pins", "caravan.geo", "caravan.users",
                "nyt.bestsellers", "randomuser.users", "football.matches", "caravan.inbox", "somedata");
        assertThat(flows.lakeTopics()).isEqualTo(flows.mongoTopics());
        assertThat(flows.compactedTopics("weekly")).isEqualTo("nyt.bestsellers");
        assertThat(flows.compactedTopics("daily")).doesNotContain("nyt.bestsellers").contains("caravan.pins");
        assertThat(flows.joins()).containsOnlyKeys("posts");
        assertThat(flows.joins().get("posts").on()).isEqualTo("ind");
        assertThat(flows.joins().get("posts").parts()).containsExactlyInAnyOrderEntriesOf(
                Map.of("pins", "pin", "geo", "geo", "users", "user"));
        assertThat(flows.ofTopic("football.matches").name()).isEqualTo("matches");
        assertThat(Flows.of(List.of()).mongoTopicList()).isEqualTo(Flows.NO_TOPIC);
    }

    @Test
    void aRefusedParameterOrStepIsFoundInItsFile() {
        String file = """
                - templatedRoute:
                    routeTemplateRef: flow
                    routeId: flow-orders
                    parameters:
                      - name: name
                        value: orders
                      - name: format
                        value: xml
                      - name: clean
                        value: |
                          - select:
                              id: order.id
                          - integer: [id]
                          - shout: [id]
                """;
        assertThat(FlowLines.locate(file, "orders", "format", 0)).isEqualTo(7);
        assertThat(FlowLines.locate(file, "orders", "clean", 1)).isEqualTo(11);
        assertThat(FlowLines.locate(file, "orders", "clean", 3)).isEqualTo(14);
        assertThat(FlowLines.locate(file, "orders", "topic", 0)).as("not written: no line").isZero();
        Flow.Problem p = (Flow.Problem) org.assertj.core.api.Assertions.catchThrowable(
                () -> flow("clean", "- integer: [a]\n- shout: [a]"));
        assertThat(p.parameter()).isEqualTo("clean");
        assertThat(p.step()).isEqualTo(2);
    }
}
