package dev.medallion.common.testing;

import dev.medallion.common.testing.EmulatorChoice.Backend;
import dev.medallion.common.testing.EmulatorChoice.ConfiguredEndpoint;
import dev.medallion.common.testing.EmulatorChoice.DockerStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class EmulatorChoiceTest {
    private static final String IMAGE = LocalStackSettings.DEFAULT_IMAGE;
    private static final Optional<ConfiguredEndpoint> ENDPOINT = Optional.of(new ConfiguredEndpoint("http://localhost:4566", "AWS_ENDPOINT_URL"));
    private static final DockerStatus DOCKER = DockerStatus.available("a Docker engine answers at unix:///var/run/docker.sock");
    private static final DockerStatus NO_DOCKER = DockerStatus.unavailable("no Docker engine answers at unix:///var/run/docker.sock");
    private static final Optional<Path> MOTO = Optional.of(Path.of("/usr/local/bin/moto_server"));

    private static <T> Supplier<T> never() {
        return () -> fail("an earlier option was there: this one must not even be looked at");
    }

    @Test
    void aConfiguredEndpointComesFirstAndNeitherDockerNorThePathIsLookedAt() {
        EmulatorChoice choice = EmulatorChoice.choose(ENDPOINT, never(), never(), IMAGE);

        assertEquals(new EmulatorChoice(Backend.CONFIGURED_ENDPOINT, "http://localhost:4566", "AWS_ENDPOINT_URL is set"), choice);
    }

    @Test
    void dockerComesBeforeMotoAndThePathIsNotLookedAt() {
        EmulatorChoice choice = EmulatorChoice.choose(Optional.empty(), () -> DOCKER, never(), IMAGE);

        assertEquals(Backend.LOCALSTACK, choice.backend());
        assertEquals(IMAGE, choice.target());
        assertTrue(choice.reason().contains("a Docker engine answers at unix:///var/run/docker.sock"), choice.reason());
    }

    @Test
    void motoWhenThereIsNoDocker() {
        EmulatorChoice choice = EmulatorChoice.choose(Optional.empty(), () -> NO_DOCKER, () -> MOTO, IMAGE);

        assertEquals(Backend.MOTO, choice.backend());
        assertEquals("/usr/local/bin/moto_server", choice.target());
        // The printed line says why LocalStack was not used.
        assertTrue(choice.reason().contains("no Docker engine answers at unix:///var/run/docker.sock"), choice.reason());
    }

    @Test
    void withNothingTheFailureNamesTheThreeWaysAndWhatWasFound() {
        ExtensionConfigurationException e = assertThrows(ExtensionConfigurationException.class,
                () -> EmulatorChoice.choose(Optional.empty(), () -> NO_DOCKER, Optional::empty, "mirror.example/localstack:4.14.0"));

        String message = e.getMessage();
        assertTrue(message.startsWith("No S3 emulator for the integration tests."), message);
        for (String expected : new String[] {
                "1. set AWS_ENDPOINT_URL (or -Daws.endpointUrl) to a running emulator",
                "2. start a Docker engine: LocalStack then runs through Testcontainers (image mirror.example/localstack:4.14.0, "
                        + "-Dlocalstack.image=IMAGE for another, LOCALSTACK_AUTH_TOKEN is passed on when set); "
                        + "now no Docker engine answers at unix:///var/run/docker.sock;",
                "3. install moto so that moto_server is on the PATH: pip install \"moto[server]\""}) {
            assertTrue(message.contains(expected), () -> "'" + message + "' should contain '" + expected + "'");
        }
        assertEquals(4, message.lines().count(), message);
    }

    @Test
    void systemPropertyChoosesTheImageAndTheTokenIsPassedOnButNeverPrinted() {
        LocalStackSettings defaults = LocalStackSettings.from(name -> null, name -> null);
        assertEquals("localstack/localstack:4.14.0", defaults.image());
        assertEquals(Optional.empty(), defaults.authToken());

        Map<String, String> properties = Map.of("localstack.image", " localstack/localstack-pro:4.14.0 ");
        Map<String, String> environment = Map.of("LOCALSTACK_AUTH_TOKEN", "ls-secret-123");
        LocalStackSettings chosen = LocalStackSettings.from(properties::get, environment::get);
        assertEquals("localstack/localstack-pro:4.14.0", chosen.image());
        assertEquals(Optional.of("ls-secret-123"), chosen.authToken());
        assertFalse(chosen.toString().contains("ls-secret-123"), chosen.toString());

        LocalStackSettings blank = LocalStackSettings.from(Map.of("localstack.image", " ")::get, Map.of("LOCALSTACK_AUTH_TOKEN", "")::get);
        assertEquals(defaults, blank);
    }

    @Test
    void motoRequiredIsMotoWhateverElseIsThere() {
        EmulatorChoice choice = EmulatorChoice.motoRequired(MOTO);

        assertEquals(Backend.MOTO, choice.backend());
        assertEquals("/usr/local/bin/moto_server", choice.target());
        assertTrue(choice.reason().contains("Glue and Athena"), choice.reason());
        assertTrue(choice.reason().contains("/moto-api/"), choice.reason());
    }

    @Test
    void motoRequiredWithoutMotoSaysHowToGetIt() {
        ExtensionConfigurationException e = assertThrows(ExtensionConfigurationException.class, () -> EmulatorChoice.motoRequired(Optional.empty()));

        assertTrue(e.getMessage().contains("pip install \"moto[server]\""), e.getMessage());
        assertTrue(e.getMessage().contains("moto_server"), e.getMessage());
    }
}
