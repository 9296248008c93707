package dev.medallion.local;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The example output a document shows after a command, held to what the command prints: each line of the
 * block after the command's own block must be a line of the real output, where "…" stands for any text (a
 * path, a run's nonce, rows left out) and a duration ("0.04 s") for any duration, since both differ from
 * run to run and machine to machine. Everything else (counts, names, versions, rows) must be as printed.
 */
final class DocumentedOutput {
    private static final Pattern FENCE = Pattern.compile("(?m)^```[a-z]*\\n(.*?)^```", Pattern.DOTALL);
    private static final Pattern WILDCARD_OR_DURATION = Pattern.compile("…|\\b\\d+(?:\\.\\d+)? s\\b");

    private DocumentedOutput() {
    }

    /** The lines of the code block that follows the first code block holding {@code command}. */
    static List<String> after(String markdown, String command) {
        requireNonNull(markdown, "markdown is null");
        requireNonNull(command, "command is null");
        Matcher blocks = FENCE.matcher(markdown);
        while (blocks.find()) {
            if (blocks.group(1).contains(command)) {
                if (!blocks.find()) {
                    throw new IllegalArgumentException("no code block after the one holding '" + command + "': give the command's example output there");
                }
                return blocks.group(1).lines().toList();
            }
        }
        throw new IllegalArgumentException("no code block holds '" + command + "': the document no longer shows the command, so this check has nothing to hold it to");
    }

    /** The documented lines that are no line of {@code output}; blank lines and lines of "…" alone say nothing and are skipped. */
    static List<String> missingFrom(List<String> documented, String output) {
        requireNonNull(documented, "documented is null");
        List<String> printed = requireNonNull(output, "output is null").lines().toList();
        List<String> missing = new ArrayList<>();
        for (String line : documented) {
            if (line.isBlank() || line.strip().equals("…")) {
                continue;
            }
            Pattern pattern = pattern(line);
            if (printed.stream().noneMatch(candidate -> pattern.matcher(candidate).matches())) {
                missing.add(line);
            }
        }
        return missing;
    }

    private static Pattern pattern(String line) {
        StringBuilder regex = new StringBuilder();
        Matcher special = WILDCARD_OR_DURATION.matcher(line);
        int literalFrom = 0;
        while (special.find()) {
            regex.append(Pattern.quote(line.substring(literalFrom, special.start())));
            regex.append(special.group().equals("…") ? ".*" : "\\d+(?:\\.\\d+)? s");
            literalFrom = special.end();
        }
        regex.append(Pattern.quote(line.substring(literalFrom)));
        return Pattern.compile(regex.toString());
    }
}
