package dev.medallion.infrastructure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * The relative links of the repository's Markdown files, held against the files and headings they name. The
 * docs link into each other by section ({@code ../docs/infrastructure.md#gold-trigger}); a section moved to
 * another file, or renamed, leaves such a link pointing at nothing, which no reader of the rendered page is
 * told. A link is broken when its file does not exist or, for a Markdown file, when the anchor is neither a
 * heading's (as GitHub derives it) nor an {@code <a name>} of that file.
 */
final class MarkdownLinks {
    /** An inline link or image, {@code [text](target)} or {@code [text](target "title")}. */
    private static final Pattern LINK = Pattern.compile("!?\\[(?:[^\\[\\]]|\\[[^\\]]*\\])*\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern NAMED_ANCHOR = Pattern.compile("<a\\s+(?:name|id)=\"([^\"]+)\"");
    private static final Pattern INLINE_CODE = Pattern.compile("`[^`]*`");
    /** Folders that hold build output or tools' copies, not the repository's documents. */
    private static final Set<String> SKIPPED_DIRECTORIES = Set.of(".git", "target", "node_modules", ".terraform");

    private MarkdownLinks() {}

    /** Every Markdown file of the repository under {@code root}, outside build output. */
    static List<Path> markdownFiles(Path root) {
        requireNonNull(root, "root is null");
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(path -> path.toString().endsWith(".md"))
                    .filter(path -> {
                        for (Path part : root.relativize(path)) {
                            if (SKIPPED_DIRECTORIES.contains(part.toString())) {
                                return false;
                            }
                        }
                        return true;
                    })
                    .sorted()
                    .toList();
        }
        catch (IOException e) {
            throw new UncheckedIOException("Could not list the Markdown files under " + root, e);
        }
    }

    /**
     * The broken relative links of {@code files}, each as {@code file:line: [target] what is wrong}, with
     * paths relative to {@code root}. Links to web pages ({@code http:}, {@code https:}, {@code mailto:}) are
     * not followed; links inside fenced code blocks and code spans are not links.
     */
    static List<String> brokenLinks(Path root, List<Path> files) {
        requireNonNull(root, "root is null");
        requireNonNull(files, "files is null");
        Map<Path, Set<String>> anchorsByFile = new HashMap<>();
        List<String> broken = new ArrayList<>();
        for (Path file : files) {
            // A link's label may wrap onto the next line, so the links are found in the whole text, with
            // code blanked out (its line breaks kept, so that an offset still gives the line).
            String text = withoutCode(read(file));
            Matcher link = LINK.matcher(text);
            while (link.find()) {
                String problem = problem(root, file, link.group(1), anchorsByFile);
                if (problem != null) {
                    int line = 1 + (int) text.substring(0, link.start()).chars().filter(c -> c == '\n').count();
                    broken.add(root.relativize(file) + ":" + line + ": [" + link.group(1) + "] " + problem);
                }
            }
        }
        return broken;
    }

    /** What is wrong with one link of {@code file}, or null when it resolves. */
    private static String problem(Path root, Path file, String target, Map<Path, Set<String>> anchorsByFile) {
        if (target.matches("(?i)^(https?|mailto|ftp):.*")) {
            return null;
        }
        int hash = target.indexOf('#');
        String pathPart = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : URLDecoder.decode(target.substring(hash + 1), StandardCharsets.UTF_8);
        Path linked = pathPart.isEmpty() ? file : file.getParent().resolve(URLDecoder.decode(pathPart, StandardCharsets.UTF_8)).normalize();
        if (!Files.exists(linked)) {
            return "names " + root.relativize(linked) + ", which does not exist: correct the path, or link to where the text now is";
        }
        if (anchor == null || anchor.isEmpty() || !linked.toString().endsWith(".md")) {
            return null;
        }
        Set<String> anchors = anchorsByFile.computeIfAbsent(linked, MarkdownLinks::anchors);
        if (!anchors.contains(anchor)) {
            return "names #" + anchor + ", which is neither a heading nor an <a name> of " + root.relativize(linked)
                    + ": link to the section's current heading (or to the file it moved to)";
        }
        return null;
    }

    /** A Markdown file's anchors: its headings' as GitHub derives them (repeats numbered), and its {@code <a name>}s. */
    static Set<String> anchors(Path file) {
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean inFence = false;
        for (String line : read(file)) {
            if (line.strip().startsWith("```")) {
                inFence = !inFence;
                continue;
            }
            if (inFence) {
                continue;
            }
            Matcher heading = HEADING.matcher(line);
            if (heading.matches()) {
                String slug = slug(heading.group(1));
                int repeat = seen.merge(slug, 1, Integer::sum) - 1;
                anchors.add(repeat == 0 ? slug : slug + "-" + repeat);
            }
            Matcher named = NAMED_ANCHOR.matcher(line);
            while (named.find()) {
                anchors.add(named.group(1));
            }
        }
        return anchors;
    }

    /** The line that opens a document's contents list, a list of links to its sections. */
    static final String CONTENTS = "**Contents**";
    private static final Pattern CONTENTS_ENTRY = Pattern.compile("^\\s*- \\[.*\\]\\(#([^)]+)\\)\\s*$");
    private static final Pattern SECTION_HEADING = Pattern.compile("^#{2,3}\\s+(.*?)\\s*#*\\s*$");

    /**
     * What is wrong with a document's contents list, if it has one (a {@value #CONTENTS} line followed by a list of links):
     * it must link every {@code ##} and {@code ###} heading after it, in the document's order, and nothing else, so
     * that a section added, renamed or moved later is listed as it is. Empty when it has none, or when it is right.
     */
    static List<String> contentsProblems(Path root, Path file) {
        List<String> lines = read(file);
        int start = lines.indexOf(CONTENTS);
        if (start < 0) {
            return List.of();
        }
        List<String> listed = new ArrayList<>();
        int line = start + 1;
        for (; line < lines.size(); line++) {
            if (lines.get(line).isBlank() && listed.isEmpty()) {
                continue;
            }
            Matcher entry = CONTENTS_ENTRY.matcher(lines.get(line));
            if (!entry.matches()) {
                break;
            }
            listed.add(entry.group(1));
        }
        List<String> sections = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean inFence = false;
        for (int i = 0; i < lines.size(); i++) {
            String text = lines.get(i);
            if (text.strip().startsWith("```")) {
                inFence = !inFence;
                continue;
            }
            Matcher any = HEADING.matcher(text);
            if (inFence || !any.matches()) {
                continue;
            }
            String slug = slug(any.group(1));
            int repeat = seen.merge(slug, 1, Integer::sum) - 1;
            if (i > line && SECTION_HEADING.matcher(text).matches()) {
                sections.add(repeat == 0 ? slug : slug + "-" + repeat);
            }
        }
        if (listed.equals(sections)) {
            return List.of();
        }
        List<String> missing = new ArrayList<>(sections);
        missing.removeAll(listed);
        List<String> extra = new ArrayList<>(listed);
        extra.removeAll(sections);
        List<String> wrong = new ArrayList<>();
        if (!missing.isEmpty()) {
            wrong.add("lacks " + missing);
        }
        if (!extra.isEmpty()) {
            wrong.add("lists " + extra + ", which are no ## or ### heading after it");
        }
        if (wrong.isEmpty()) {
            wrong.add("lists its sections out of the document's order");
        }
        return List.of(root.relativize(file) + ":" + (start + 1) + ": its contents list " + String.join(" and ", wrong)
                + ": list every ## and ### heading, in order (" + sections + ")");
    }

    /**
     * A heading's anchor as GitHub derives it: the text as rendered (a link's label, no markup), lower case,
     * every character but letters, digits, spaces, hyphens and underscores dropped, each space turned to a
     * hyphen; a repeated heading takes {@code -1}, {@code -2} (the GitHub mode of anchor-markdown-header,
     * whose tests give {@code create object (post /db/create)} as {@code create-object-post-dbcreate} and a
     * second {@code intro} as {@code intro-1}).
     */
    static String slug(String heading) {
        String text = requireNonNull(heading, "heading is null")
                .replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1")
                .replaceAll("<[^>]+>", "")
                .replace("`", "")
                .replace("*", "");
        return text.toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{N} _-]", "")
                .replace(' ', '-');
    }

    /** The lines as one text, fenced code blocks and code spans blanked with spaces, line breaks kept. */
    private static String withoutCode(List<String> lines) {
        StringBuilder text = new StringBuilder();
        boolean inFence = false;
        for (String line : lines) {
            boolean fence = line.strip().startsWith("```");
            if (fence) {
                inFence = !inFence;
            }
            text.append(fence || inFence ? "" : line).append('\n');
        }
        Matcher code = INLINE_CODE.matcher(text);
        StringBuilder blanked = new StringBuilder();
        while (code.find()) {
            code.appendReplacement(blanked, Matcher.quoteReplacement(code.group().replaceAll("[^\n]", " ")));
        }
        return code.appendTail(blanked).toString();
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        }
        catch (IOException e) {
            throw new UncheckedIOException("Could not read " + file + " to check its links", e);
        }
    }
}
