package dev.runpilot.sdk.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.config.JobFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The JSON Schema in docs/ describes the format the loader reads: it is a valid draft 2020-12 schema, it
 * names every key the loader knows, and every example job file both validates against it and loads.
 */
class JobFileSchemaTest {
    private static final Path SCHEMA_FILE = Path.of("../docs/runpilot.schema.json");
    private static final Path EXAMPLES = Path.of("../runpilot-examples/jobs");
    private static final Map<String, String> EXAMPLE_VARIABLES = Map.of("PREPARE_RUN_ID", "r-123",
            "WANDB_API_KEY", "example-key");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static JsonNode schemaNode;
    private static Schema schema;

    @BeforeAll
    static void loadSchema() throws IOException {
        schemaNode = JSON.readTree(SCHEMA_FILE.toFile());
        schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(schemaNode);
    }

    static Stream<Path> examples() throws IOException {
        try (Stream<Path> files = Files.walk(EXAMPLES)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    @Test
    void theSchemaIsAValidDraft202012Schema() {
        Schema metaSchema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));

        assertThat(metaSchema.validate(schemaNode)).isEmpty();
        assertThat(schemaNode.path("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
    }

    @Test
    void theSchemaNamesExactlyTheKeysTheLoaderKnows() {
        JsonNode defs = schemaNode.path("$defs");
        assertThat(fieldNames(defs.path("jobFields").path("properties"))).containsExactlyElementsOf(JobFields.JOB);
        assertThat(fieldNames(schemaNode.path("properties"))).containsExactlyElementsOf(JobFields.FILE_ONLY);
        JsonNode fields = defs.path("jobFields").path("properties");
        assertThat(fieldNames(anyOfObject(fields.path("resources")).path("properties"))).containsExactlyElementsOf(JobFields.RESOURCES);
        assertThat(fieldNames(anyOfObject(fields.path("retry")).path("properties"))).containsExactlyElementsOf(JobFields.RETRY);
        assertThat(fieldNames(anyOfObject(fields.path("retry")).path("properties").path("backoff").path("properties")))
                .containsExactlyElementsOf(JobFields.BACKOFF);
        assertThat(fieldNames(anyOfObject(fields.path("health_check")).path("properties")))
                .containsExactlyElementsOf(JobFields.HEALTH_CHECK);
    }

    @Test
    void thereAreExamplesOfEveryFeature() throws IOException {
        assertThat(examples().map(p -> EXAMPLES.relativize(p).toString().replace('\\', '/'))).contains("hello.yaml",
                "environments.yaml", "pipeline/prepare.yaml", "pipeline/train.yaml", "extends/base.yaml",
                "extends/train-large.yaml", "defaults/runpilot.defaults.yaml", "defaults/evaluate.yaml");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void everyExampleValidatesAgainstTheSchema(Path example) throws IOException {
        List<Error> errors = schema.validate(YAML.readTree(example.toFile()));

        assertThat(errors).as(example.toString()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void everyExampleJobLoadsInEveryEnvironmentItDefines(Path example) throws IOException {
        if (example.getFileName().toString().equals(JobFile.DEFAULTS_FILE_NAME)) {
            return;
        }
        List<String> environments = new ArrayList<>(fieldNames(YAML.readTree(example.toFile()).path("environments")));

        Job job = JobFile.loader().variables(EXAMPLE_VARIABLES).load(example);
        assertThat(job.name()).isNotBlank();
        for (String environment : environments) {
            assertThat(JobFile.loader().variables(EXAMPLE_VARIABLES).environment(environment).load(example))
                    .isNotEqualTo(job);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "entrypoint: run\nretyr: 3\n",
        "entrypoint: run\ntimeout: soon\n",
        "entrypoint: run\ngpu: {count: 0}\n",
        "entrypoint: run\nretry: {on: [cancelled]}\n",
        "entrypoint: run\nvolumes: [data]\n",
        "entrypoint: run\nresources: {memory: lots}\n",
        "entrypoint: run\nenvironments: {prod: {extends: x.yaml}}\n",
        "entrypoint: run\nenv: {1BAD: x}\n",
        "command: python train.py\n"})
    void theSchemaRefusesWhatTheLoaderRefuses(String yaml) throws IOException {
        assertThat(schema.validate(YAML.readTree(yaml))).isNotEmpty();
    }

    private static JsonNode anyOfObject(JsonNode property) {
        for (JsonNode option : property.path("anyOf")) {
            if (option.has("properties")) {
                return option;
            }
        }
        return property;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

}
