package dev.medallion.infrastructure;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static java.util.Objects.requireNonNull;

/**
 * Checks a Lambda handler string against the jar it is deployed with, the way the Java runtime
 * resolves it: {@code package.Class::method} (or just the class, meaning handleRequest), a public
 * concrete class with a public no-argument constructor, and a public instance method of that name
 * taking (input), (input, Context) or (InputStream, OutputStream, Context).
 */
final class LambdaHandlers implements AutoCloseable {
    private static final String CONTEXT = "com.amazonaws.services.lambda.runtime.Context";
    /** Class file major version of the newest bytecode each runtime runs. */
    private static final Map<String, Integer> RUNTIME_MAJOR_VERSIONS = Map.of("java8.al2", 52, "java11", 55, "java17", 61, "java21", 65, "java25", 69);

    private final Path jar;
    private final URLClassLoader loader;

    private LambdaHandlers(Path jar, URLClassLoader loader) {
        this.jar = requireNonNull(jar, "jar is null");
        this.loader = requireNonNull(loader, "loader is null");
    }

    /**
     * A class loader over the jar alone: its parent is the platform loader, so neither this module's
     * classpath nor the reactor's classes can stand in for a class the jar lacks.
     */
    static LambdaHandlers open(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError("No jar at " + jar + ": Terraform deploys it, so build it first (mvn package or mvn verify)");
        }
        try {
            return new LambdaHandlers(jar, new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader()));
        }
        catch (MalformedURLException e) {
            throw new IllegalArgumentException(jar.toString(), e);
        }
    }

    /** Why {@code handler} cannot run from this jar on {@code runtime}; empty when it can. */
    List<String> violations(String handler, String runtime) {
        List<String> violations = new ArrayList<>();
        String className = handler.contains("::") ? handler.substring(0, handler.indexOf("::")) : handler;
        String methodName = handler.contains("::") ? handler.substring(handler.indexOf("::") + 2) : "handleRequest";
        Class<?> type;
        try {
            type = Class.forName(className, false, loader);
        }
        catch (ClassNotFoundException | LinkageError e) {
            violations.add("handler class " + className + " cannot be loaded from " + jar.getFileName() + ": " + e);
            return violations;
        }
        if (!Modifier.isPublic(type.getModifiers()) || Modifier.isAbstract(type.getModifiers()) || type.isInterface()) {
            violations.add("handler class " + className + " is not a public concrete class");
        }
        try {
            if (!Modifier.isPublic(type.getConstructor().getModifiers())) {
                violations.add("handler class " + className + " has no public no-argument constructor");
            }
        }
        catch (NoSuchMethodException e) {
            violations.add("handler class " + className + " has no public no-argument constructor");
        }
        List<Method> candidates;
        try {
            candidates = List.of(type.getMethods()).stream()
                    .filter(method -> method.getName().equals(methodName))
                    .filter(method -> !Modifier.isStatic(method.getModifiers()) && !method.isBridge())
                    .filter(LambdaHandlers::acceptedSignature)
                    .toList();
        }
        catch (LinkageError e) {
            // A parameter or return type the jar does not hold.
            violations.add("handler class " + className + " refers to classes missing from " + jar.getFileName() + ": " + e);
            return violations;
        }
        if (candidates.isEmpty()) {
            violations.add("handler class " + className + " has no public method " + methodName + "(input[, Context]) or (InputStream, OutputStream, Context)");
        }
        Integer newest = RUNTIME_MAJOR_VERSIONS.get(runtime);
        if (newest == null) {
            violations.add("runtime " + runtime + " is not a Java runtime this check knows");
        }
        else {
            int major = majorVersion(className);
            if (major > newest) {
                violations.add("handler class " + className + " is bytecode " + major + ", newer than " + runtime + " runs (" + newest + ")");
            }
        }
        return violations;
    }

    /** A public static field of a class in the jar, such as the handler's accepted suffixes. */
    Object staticField(String className, String field) {
        try {
            return Class.forName(className, true, loader).getField(field).get(null);
        }
        catch (ReflectiveOperationException e) {
            throw new AssertionError("No public static field " + className + "." + field + " in " + jar, e);
        }
    }

    /**
     * A static field of a class in the jar whatever its visibility, such as a compile-time constant the
     * handler compares events with.
     */
    Object constant(String className, String field) {
        try {
            Field declared = Class.forName(className, true, loader).getDeclaredField(field);
            if (!Modifier.isStatic(declared.getModifiers())) {
                throw new AssertionError(className + "." + field + " is not static");
            }
            declared.setAccessible(true);
            return declared.get(null);
        }
        catch (ReflectiveOperationException e) {
            throw new AssertionError("No static field " + className + "." + field + " in " + jar, e);
        }
    }

    /** A resource packaged in the jar, as UTF-8 text, such as the list of shipped gold models. */
    String resourceText(String path) {
        try (InputStream in = loader.getResourceAsStream(path)) {
            if (in == null) {
                throw new AssertionError("No resource " + path + " in " + jar);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        catch (IOException e) {
            throw new UncheckedIOException("Could not read " + path + " from " + jar, e);
        }
    }

    private static boolean acceptedSignature(Method method) {
        Class<?>[] parameters = method.getParameterTypes();
        return switch (parameters.length) {
            case 1 -> true;
            case 2 -> parameters[1].getName().equals(CONTEXT);
            case 3 -> parameters[0] == InputStream.class && parameters[1] == OutputStream.class && parameters[2].getName().equals(CONTEXT);
            default -> false;
        };
    }

    private int majorVersion(String className) {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry entry = Optional.ofNullable(zip.getEntry(className.replace('.', '/') + ".class"))
                    .orElseThrow(() -> new AssertionError(className + " is not a top-level entry of " + jar));
            try (InputStream in = zip.getInputStream(entry)) {
                byte[] header = in.readNBytes(8);
                return ((header[6] & 0xff) << 8) | (header[7] & 0xff);
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("Could not read " + jar, e);
        }
    }

    @Override
    public void close() throws IOException {
        loader.close();
    }
}
