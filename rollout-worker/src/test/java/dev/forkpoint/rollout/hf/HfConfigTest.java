package dev.forkpoint.rollout.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkpoint.rollout.safetensors.SafetensorsException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** config.json: the supported families read, everything else refused naming the key and value; RoPE scaling. */
class HfConfigTest {

    private static final String LLAMA = """
            {"model_type": "llama", "vocab_size": 320, "hidden_size": 64, "num_hidden_layers": 2,
             "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 96, "rms_norm_eps": 1e-5,
             "rope_theta": 500000.0, "max_position_embeddings": 256, "tie_word_embeddings": true,
             "torch_dtype": "bfloat16" %s}""";

    private static HfConfig parse(String extra) {
        return HfConfig.parse(JsonMapper.builder().build().readTree(LLAMA.formatted(extra)), "config.json");
    }

    private static String refused(String extra) {
        return assertThrows(SafetensorsException.class, () -> parse(extra)).getMessage();
    }

    @Test
    void readsTheFamiliesAndTheirDefaults() {
        HfConfig c = parse("");
        assertEquals(16, c.headDim());
        assertEquals(2, c.groups());
        assertNull(c.rope());
        assertEquals(false, c.attentionBias());
        assertEquals(true, c.tiedEmbeddings());
        assertEquals("bfloat16", c.dtype());
        assertEquals(true, parse(", \"attention_bias\": true").attentionBias());
        assertEquals(32, parse(", \"head_dim\": 32").headDim());
    }

    @Test
    void newerConfigsPutThetaAndScalingInRopeParameters() {
        HfConfig c = parse(", \"rope_parameters\": {\"rope_type\": \"llama3\", \"rope_theta\": 10000.0, \"factor\": 8.0,"
                + " \"low_freq_factor\": 1.0, \"high_freq_factor\": 4.0, \"original_max_position_embeddings\": 64}");
        assertEquals(10000.0, c.ropeTheta());
        assertEquals(new HfConfig.RopeScaling(8.0, 1.0, 4.0, 64), c.rope());
        assertEquals("bfloat16", parse(", \"dtype\": \"bfloat16\"").dtype());
    }

    @Test
    void whatTheDecoderDoesNotImplementIsRefusedByKeyAndValue() {
        assertTrue(refused(", \"model_type\": \"mistral\"").contains("model_type = mistral"));
        assertTrue(refused(", \"use_sliding_window\": true").contains("use_sliding_window = true"));
        assertTrue(refused(", \"num_experts\": 8").contains("num_experts = 8"));
        assertTrue(refused(", \"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 4.0}")
                .contains("rope_scaling.rope_type = yarn"));
        assertTrue(refused(", \"hidden_act\": \"gelu\"").contains("hidden_act = gelu"));
        assertTrue(refused(", \"torch_dtype\": \"int8\"").contains("torch_dtype = int8"));
        assertTrue(refused(", \"num_key_value_heads\": 3").contains("num_key_value_heads = 3"));
        assertTrue(refused(", \"vocab_size\": 0").contains("vocab_size = 0"));
    }

    /** Llama 3 scaling: long wavelengths divided by the factor, short ones kept, the band between interpolated. */
    @Test
    void llama3ScalingDividesLongWavelengthsAndKeepsShortOnes() {
        HfConfig plain = parse(", \"head_dim\": 64");
        HfConfig scaled = parse(", \"head_dim\": 64, \"rope_scaling\": {\"rope_type\": \"llama3\", \"factor\": 8.0,"
                + " \"low_freq_factor\": 1.0, \"high_freq_factor\": 4.0, \"original_max_position_embeddings\": 8192}");
        float[] base = HfDecoder.inverseFrequencies(plain);
        float[] f = HfDecoder.inverseFrequencies(scaled);
        int kept = 0;
        int divided = 0;
        int interpolated = 0;
        for (int i = 0; i < base.length; i++) {
            double wavelen = 2 * Math.PI / base[i];
            if (wavelen < 8192 / 4.0) {
                assertEquals(base[i], f[i], "short wavelengths keep their frequency");
                kept++;
            } else if (wavelen > 8192 / 1.0) {
                assertEquals(base[i] / 8.0, f[i], 1e-6 * base[i], "long wavelengths are divided by the factor");
                divided++;
            } else {
                assertTrue(f[i] < base[i] && f[i] > base[i] / 8.0, "the band between is interpolated");
                interpolated++;
            }
        }
        assertTrue(kept > 0 && divided > 0 && interpolated > 0, kept + " " + divided + " " + interpolated);
        assertEquals(1.0f, base[0], "theta^0");
    }
}
