package dev.medallion.infrastructure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * The IAM actions a module's code asks of one AWS service, read from its sources: every call on a field
 * of the service's SDK client ({@code private final GlueClient glue;} ... {@code glue.getTable(...)}),
 * each operation named as IAM names it ({@code getTablesPaginator} is {@code glue:GetTables}). The
 * classes that talk to Glue and Athena hold their client in such a field; a handler that only passes one
 * on calls nothing on it. So a function's policy can be compared with what its code calls, not with a
 * list that is kept by hand beside both.
 */
final class SdkCalls {
    /** A comment, or a string or character literal (which may hold what looks like one). */
    private static final Pattern COMMENT_OR_STRING = Pattern.compile("(?s)//[^\\n]*|/\\*.*?\\*/|\"\"\".*?\"\"\"|\"(?:\\\\.|[^\"\\\\])*\"|'(?:\\\\.|[^'\\\\])*'");

    private SdkCalls() {}

    /**
     * @param module the Maven module, such as {@code silver-converter}
     * @param client the SDK client's simple name, such as {@code GlueClient}
     * @param service the IAM service prefix, such as {@code glue}
     */
    static Set<String> actions(String module, String client, String service) {
        requireNonNull(module, "module is null");
        Pattern field = Pattern.compile("\\bprivate\\s+final\\s+" + Pattern.quote(requireNonNull(client, "client is null")) + "\\s+(\\w+)\\s*;");
        Set<String> actions = new TreeSet<>();
        for (Path file : sources(Repository.root().resolve(module).resolve("src/main/java"))) {
            String text = withoutComments(read(file));
            Matcher fields = field.matcher(text);
            while (fields.find()) {
                Matcher calls = Pattern.compile("\\b" + Pattern.quote(fields.group(1)) + "\\s*\\.\\s*([a-z]\\w*)\\s*\\(").matcher(text);
                while (calls.find()) {
                    String operation = calls.group(1).replaceFirst("Paginator$", "");
                    actions.add(requireNonNull(service, "service is null") + ":" + Character.toUpperCase(operation.charAt(0)) + operation.substring(1));
                }
            }
        }
        return actions;
    }

    /** The source with its comments blanked, its string literals kept: a call named in a comment is no call. */
    static String withoutComments(String source) {
        Matcher parts = COMMENT_OR_STRING.matcher(source);
        StringBuilder code = new StringBuilder(source.length());
        while (parts.find()) {
            parts.appendReplacement(code, Matcher.quoteReplacement(parts.group().startsWith("/") ? " " : parts.group()));
        }
        parts.appendTail(code);
        return code.toString();
    }

    private static List<Path> sources(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(path -> path.toString().endsWith(".java")).sorted().toList();
        }
        catch (IOException e) {
            throw new UncheckedIOException("Could not list " + directory, e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        }
        catch (IOException e) {
            throw new UncheckedIOException("Could not read " + file, e);
        }
    }
}
