package dev.runpilot.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class ArchitectureTest {
    private final JavaClasses cli = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.runpilot.cli");

    @Test
    void cliUsesOnlyThePublicApiOfTheSdk() {
        noClasses().that().resideInAPackage("dev.runpilot.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.runpilot.sdk.internal..", "dev.runpilot.docker.internal..")
                .because("the CLI is a client of the public API like any other application (issue 8)")
                .check(cli);
    }

    @Test
    void cliDoesNotTalkToDockerJavaDirectly() {
        noClasses().that().resideInAPackage("dev.runpilot.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("com.github.dockerjava..")
                .check(cli);
    }
}
