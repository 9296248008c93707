package dev.medallion.infrastructure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Where the tests find the repository: the build passes its root as the system property medallion.root. */
final class Repository {
    private Repository() {}

    static Path root() {
        String root = System.getProperty("medallion.root");
        if (root == null || root.isBlank()) {
            throw new IllegalStateException("System property medallion.root is not set: run the tests through Maven (infrastructure-contract/pom.xml sets it)");
        }
        return Path.of(root).toAbsolutePath().normalize();
    }

    static Path terraform() {
        Path directory = root().resolve("terraform");
        if (!Files.isDirectory(directory)) {
            throw new IllegalStateException("No terraform directory at " + directory);
        }
        return directory;
    }

    /** The root module with every variable at its default and environment (which has none) set to dev. */
    static TerraformConfiguration rootModule() {
        return rootModule(Map.of());
    }

    static TerraformConfiguration rootModule(Map<String, ?> inputs) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("environment", "dev");
        values.putAll(inputs);
        return TerraformConfiguration.load(terraform(), values);
    }

    /** The root module and every local module under terraform/modules, each with its defaults. */
    static List<TerraformConfiguration> allModules() {
        try (Stream<Path> directories = Files.list(terraform().resolve("modules"))) {
            return Stream.concat(
                            Stream.of(rootModule()),
                            directories.filter(Files::isDirectory).sorted().map(directory -> TerraformConfiguration.load(directory, Map.of())))
                    .toList();
        }
        catch (IOException e) {
            throw new UncheckedIOException("Could not list terraform/modules", e);
        }
    }
}
