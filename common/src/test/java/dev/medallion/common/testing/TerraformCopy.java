package dev.medallion.common.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * {@code terraform/} copied into a temporary directory for a test that runs Terraform, as {@code .ci/run}
 * and {@code rehearse-on-moto.sh} run it: no state, {@code .terraform/} or lock file ever lands in the
 * repository, and nothing of a developer's (state, lock file, {@code *.tfvars}) changes what is planned.
 * The AWS provider comes from the filesystem mirror {@code TF_PROVIDER_MIRROR} (default
 * {@code /opt/tf-plugins}) when it holds one, else from the registry, cached as {@code .ci/run} caches it.
 */
public final class TerraformCopy {
    private static final String INSTALL = "Install Terraform 1.5 or later (https://developer.hashicorp.com/terraform/install) and put it on the PATH";

    private TerraformCopy() {}

    /** Where the AWS provider comes from, and the CLI configuration ({@code TF_CLI_CONFIG_FILE}) that says so. */
    public record CliConfig(Path file, String providerSource) {
        public CliConfig {
            requireNonNull(file, "file is null");
            requireNonNull(providerSource, "providerSource is null");
        }
    }

    /**
     * The {@code terraform} binary on the PATH; otherwise a failure that names what needs it and says how to
     * install it.
     *
     * @param neededBy the tests that need it, for the message
     */
    public static Path binary(String neededBy) {
        requireNonNull(neededBy, "neededBy is null");
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(directory -> !directory.isEmpty())
                .map(directory -> Path.of(directory, "terraform"))
                .filter(candidate -> Files.isRegularFile(candidate) && Files.isExecutable(candidate))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(neededBy + " needs terraform, which is not on the PATH. " + INSTALL + "."));
    }

    /** Copies the stack at {@code source} to {@code target}, leaving out {@code .terraform/}, lock files, state and {@code *.tfvars}. */
    public static void copyStack(Path source, Path target) throws IOException {
        requireNonNull(source, "source is null");
        requireNonNull(target, "target is null");
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes) throws IOException {
                if (directory.getFileName().toString().equals(".terraform")) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(target.resolve(source.relativize(directory).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                String name = file.getFileName().toString();
                if (!name.equals(".terraform.lock.hcl") && !name.contains(".tfstate") && !name.endsWith(".tfvars")) {
                    Files.copy(file, target.resolve(source.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Writes {@code work/cli.tfrc}: the provider from the mirror when there is one, else the registry with a plugin cache. */
    public static CliConfig writeCliConfig(Path work) throws IOException {
        requireNonNull(work, "work is null");
        Path mirror = Path.of(Optional.ofNullable(System.getenv("TF_PROVIDER_MIRROR")).filter(value -> !value.isBlank()).orElse("/opt/tf-plugins"));
        Path config = work.resolve("cli.tfrc");
        if (Files.isDirectory(mirror.resolve("registry.terraform.io").resolve("hashicorp").resolve("aws"))) {
            Files.writeString(config, """
                    provider_installation {
                      filesystem_mirror {
                        path = "%s"
                      }
                      direct {
                        exclude = ["registry.terraform.io/*/*"]
                      }
                    }
                    """.formatted(mirror.toAbsolutePath()));
            return new CliConfig(config, "the filesystem mirror " + mirror);
        }
        Path cache = Path.of(Optional.ofNullable(System.getenv("XDG_CACHE_HOME")).orElse(System.getProperty("user.home") + "/.cache"),
                "medallion-ci", "terraform-plugins");
        Files.createDirectories(cache);
        Files.writeString(config, "plugin_cache_dir = \"" + cache.toAbsolutePath() + "\"\n");
        return new CliConfig(config, "the registry (no mirror at " + mirror + "), cached in " + cache);
    }

    /** Deletes a directory and what it holds; a symbolic link in it is deleted, not followed. Nothing when it does not exist. */
    public static void deleteRecursively(Path directory) throws IOException {
        requireNonNull(directory, "directory is null");
        if (!Files.exists(directory)) {
            return;
        }
        Files.walkFileTree(directory, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
