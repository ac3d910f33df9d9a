package dev.runpilot.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runpilot.aws.ec2.Ec2Prices;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code runpilot estimate} in a child process: local compute is free, ec2 follows the shipped price table. */
class EstimateCommandTest {
    @TempDir
    Path dir;

    private Cli cli() throws IOException {
        return new Cli(Files.createDirectories(dir.resolve("home")));
    }

    private Path jobFile() throws IOException {
        Path file = dir.resolve("train.yaml");
        Files.writeString(file, "name: train\ncommand: [echo, hi]\ntimeout: 2h\n");
        return file;
    }

    @Test
    void localComputeEstimatesZero() throws IOException {
        Cli.Result json = cli().run("-o", "json", "estimate", jobFile().toString());
        assertThat(json.exitCode()).as(json.toString()).isZero();
        assertThat(json.json().get("job").asText()).isEqualTo("train");
        assertThat(json.json().get("totalUsd").decimalValue()).isEqualByComparingTo(BigDecimal.ZERO);

        Cli.Result table = cli().run("estimate", jobFile().toString());
        assertThat(table.exitCode()).as(table.toString()).isZero();
        assertThat(table.out()).contains("total").contains("0.00");
    }

    @Test
    void ec2EstimateIsThePriceTableFigureWithoutCallingAws() throws IOException {
        // The endpoint is a closed loopback port: an estimate must not need EC2 at all.
        Cli.Result json = cli().env("RUNPILOT_EC2_REGION", "us-east-1").env("RUNPILOT_EC2_ENDPOINT", "http://127.0.0.1:9")
                .env("RUNPILOT_EC2_INSTANCE_TYPE", "t3.small").env("RUNPILOT_EC2_AGENT_URL", "http://127.0.0.1:9/runpilot-agent.jar").env("AWS_ACCESS_KEY_ID", "test").env("AWS_SECRET_ACCESS_KEY", "test")
                .run("-o", "json", "estimate", "--compute", "ec2", jobFile().toString());
        assertThat(json.exitCode()).as(json.toString()).isZero();
        JsonNode view = json.json();
        assertThat(view.get("provider").asText()).isEqualTo("ec2");

        Ec2Prices prices = Ec2Prices.shipped();
        BigDecimal hours = BigDecimal.valueOf(2);
        BigDecimal instance = prices.hourly("t3.small").orElseThrow().multiply(hours);
        BigDecimal storage = prices.ebsGbMonth().multiply(BigDecimal.valueOf(8)).divide(BigDecimal.valueOf(730), MathContext.DECIMAL64)
                .multiply(hours);
        assertThat(view.get("items").get(0).get("name").asText()).isEqualTo("instance t3.small");
        assertThat(view.get("items").get(0).get("usd").decimalValue()).isCloseTo(instance, within(new BigDecimal("0.000001")));
        assertThat(view.get("totalUsd").decimalValue())
                .isCloseTo(instance.add(storage).setScale(2, RoundingMode.HALF_UP), within(new BigDecimal("0.000001")));
    }

    @Test
    void missingFileExitsNotFound() throws IOException {
        Cli.Result result = cli().run("estimate", dir.resolve("nope.yaml").toString());
        assertThat(result.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    }
}
