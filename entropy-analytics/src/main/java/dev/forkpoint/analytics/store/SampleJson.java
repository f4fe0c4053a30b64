package dev.forkpoint.analytics.store;

import dev.forkpoint.analytics.stats.SampledSequence;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSONB form of a sampled sequence's tokens (V10 entropy_sampled_sequences.tokens):
 * {@code {"tokens": [...], "token_ids": [...], "entropies": [number | null ...]}}; null marks a NaN/inf input.
 */
final class SampleJson {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private SampleJson() {
    }

    static String write(SampledSequence s) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode tokens = root.putArray("tokens");
        s.tokens().forEach(t -> tokens.add(TokenText.storable(t)));
        ArrayNode ids = root.putArray("token_ids");
        s.tokenIds().forEach(ids::add);
        ArrayNode entropies = root.putArray("entropies");
        for (Double h : s.entropies()) {
            if (h == null) {
                entropies.addNull();
            } else {
                entropies.add(h.doubleValue());
            }
        }
        return JSON.writeValueAsString(root);
    }

    static SampledSequence read(String json, int sequenceIndex, String promptId, boolean correct) {
        JsonNode root = JSON.readTree(json);
        List<String> tokens = new ArrayList<>();
        root.get("tokens").forEach(n -> tokens.add(n.asString()));
        List<Integer> ids = new ArrayList<>();
        root.get("token_ids").forEach(n -> ids.add(n.asInt()));
        List<Double> entropies = new ArrayList<>();
        root.get("entropies").forEach(n -> entropies.add(n.isNull() ? null : n.asDouble()));
        return new SampledSequence(sequenceIndex, promptId, correct, tokens, ids, entropies);
    }
}
