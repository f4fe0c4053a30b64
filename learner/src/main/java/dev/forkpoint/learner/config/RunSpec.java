package dev.forkpoint.learner.config;

import dev.forkpoint.learner.advantage.AdvantageEstimators;
import dev.forkpoint.learner.config.schema.External;
import dev.forkpoint.learner.config.schema.Field;
import dev.forkpoint.learner.config.schema.Section;
import dev.forkpoint.rollout.task.TaskConfig;
import dev.forkpoint.rollout.task.TaskConfigException;
import dev.forkpoint.rollout.task.Tasks;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * Everything a run needs, typed and validated: the one form in which a run config exists past the edge. Both doors
 * read it the same way: {@code POST /api/v1/runs} parses its JSON body with {@link #parse}, and {@code forkpoint
 * train} parses its YAML or JSON file (after {@code --set} overrides) with the same method, so a document is
 * accepted or refused, with the same messages, by both. {@link #toDocument} writes the canonical document back
 * (every key explicit), which is what the service stores and what a resume reads.
 *
 * @param name      human-readable run name
 * @param seed      seed of every random choice of the run
 * @param device    {@code auto}, {@code cpu} or {@code gpu}
 * @param priority  queue priority in the service
 * @param model     the policy
 * @param task      the task, validated by the task registry
 * @param objective the policy objective
 * @param sampling  how rollouts are sampled
 * @param training  the optimisation loop
 * @param rollout   where training rollouts are sampled
 */
public record RunSpec(String name, long seed, String device, int priority, ModelSpec model, TaskConfig task,
                      ObjectiveConfig objective, SamplingSpec sampling, TrainingSpec training, RolloutSpec rollout) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    static final Field<RunSpec, String> NAME = Field.string("name", RunSpec::name)
            .defaultValue("run").pattern("[A-Za-z0-9._ -]{1,100}",
                    "1-100 characters of letters, digits, space, '.', '_' or '-'")
            .help("Run name: 1-100 letters, digits, spaces, '.', '_' or '-'.");
    static final Field<RunSpec, Long> SEED = Field.longInteger("seed", RunSpec::seed)
            .defaultValue(0L).min(0)
            .help("Seed of every random choice (sampling, data order, shuffles, Clip-Cov picks): the same seed and "
                    + "config give the same steps, also across a resume.");
    static final Field<RunSpec, String> DEVICE = Field.choice("device", RunSpec::device, List.of("auto", "cpu", "gpu"))
            .defaultValue("auto").help("auto: CUDA when the PyTorch engine finds one, else CPU.");
    static final Field<RunSpec, Integer> PRIORITY = Field.integer("priority", RunSpec::priority)
            .defaultValue(0).between(-100, 100).help("Queue priority in the service; higher starts first.");

    static final External<RunSpec, TaskConfig> TASK = new External<>("task", RunSpec::task, RunSpec::readTask,
            RunSpec::taskDocument, Map.of("name", "countdown"),
            "The task and its options, e.g. {name: countdown, numbers: 3}; see the task table below.");

    /** The whole run config. */
    public static final Section<RunSpec> SCHEMA = Section.<RunSpec>always("")
            .fields(NAME, SEED, DEVICE, PRIORITY)
            .child(ModelSpec.SCHEMA, RunSpec::model)
            .child(TASK)
            .child(ObjectiveConfig.SCHEMA, RunSpec::objective)
            .child(SamplingSpec.SCHEMA, RunSpec::sampling)
            .child(TrainingSpec.SCHEMA, RunSpec::training)
            .child(RolloutSpec.SCHEMA, RunSpec::rollout)
            .factory(v -> new RunSpec(v.get(NAME), v.get(SEED), v.get(DEVICE), v.get(PRIORITY),
                    (ModelSpec) v.get("model"), v.get(TASK), (ObjectiveConfig) v.get("objective"),
                    (SamplingSpec) v.get("sampling"), (TrainingSpec) v.get("training"),
                    (RolloutSpec) v.get("rollout")))
            .rule(RunSpec::crossSectionRules)
            .help("A run config: the same document for POST /api/v1/runs and forkpoint train.");

    /**
     * Reads a run config document (maps, lists and scalars, as parsed from JSON or YAML). Throws
     * {@link InvalidConfigException} naming every offending field.
     */
    public static RunSpec parse(Map<String, ?> document) {
        FieldErrors errors = new FieldErrors();
        RunSpec spec = SCHEMA.read(document, null, "", errors);
        errors.throwIfAny();
        return spec;
    }

    /** The config of an empty document: every default. */
    public static RunSpec defaults() {
        return parse(Map.of());
    }

    /** The canonical document: every key explicit, parts that are off as null; {@link #parse} reads it back equal. */
    public Map<String, Object> toDocument() {
        return SCHEMA.render(this);
    }

    private static void crossSectionRules(RunSpec r, String path, FieldErrors errors) {
        if (r.sampling().maxNewTokens() >= r.model().contextLength()) {
            errors.add("sampling.maxNewTokens", "sampling.maxNewTokens = " + r.sampling().maxNewTokens()
                    + ": must be below model.contextLength = " + r.model().contextLength());
        }
        String advantage = r.objective().advantage();
        if (AdvantageEstimators.REGISTRY.get(advantage).groupRelative() && r.training().groupSize() < 2) {
            errors.add("training.groupSize", "training.groupSize = " + r.training().groupSize()
                    + ": objective.advantage = " + advantage + " is group-relative (each response's reward is "
                    + "compared with the other responses to the same prompt), so a group needs at least 2 responses");
        }
    }

    private static TaskConfig readTask(Object raw, String path, FieldErrors errors) {
        if (!(raw instanceof Map<?, ?> map)) {
            errors.add(path, path + " = " + Field.render(raw) + ": must be an object, e.g. {name: countdown}");
            return null;
        }
        try {
            @SuppressWarnings("unchecked")
            Map<String, ?> typed = (Map<String, ?>) map;
            return Tasks.parse(typed);
        } catch (TaskConfigException e) {
            errors.add(e.field(), e.getMessage());
            return null;
        }
    }

    /** A task config as the document that reads back to it: its name, then its record components. */
    public static Map<String, Object> taskDocument(TaskConfig task) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("name", task.name());
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = JSON.convertValue(task, Map.class);
        fields.remove("name");
        doc.putAll(fields);
        return doc;
    }
}
