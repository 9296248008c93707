package dev.medallion.infrastructure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * terraform/terraform.tfvars.example, which a first deployment copies: besides what it sets, it shows
 * settings a deployer may need as commented-out assignments ({@code # name = value}), to uncomment when
 * they apply. Nothing reads a comment, so a value there that plan refuses, or a variable since renamed,
 * would be found by the first person to uncomment it; the tests uncomment them all.
 */
final class TfvarsExample {
    /** "#", blanks, a variable's name, blanks and "=" (not "=="), then the value: the line as it reads uncommented. */
    private static final Pattern COMMENTED_OUT = Pattern.compile("(?m)^#[ \\t]*(([A-Za-z_][A-Za-z0-9_-]*)[ \\t]*=(?!=).*)$");

    private TfvarsExample() {}

    static Path file() {
        return Repository.terraform().resolve("terraform.tfvars.example");
    }

    /** The example with every commented-out assignment uncommented, every other line as it is. */
    static String uncommented() {
        return COMMENTED_OUT.matcher(text()).replaceAll(match -> Matcher.quoteReplacement(match.group(1)));
    }

    /** The names of the commented-out assignments, in the order the example gives them. */
    static List<String> commentedOutNames() {
        List<String> names = new ArrayList<>();
        Matcher assignment = COMMENTED_OUT.matcher(text());
        while (assignment.find()) {
            names.add(assignment.group(2));
        }
        return List.copyOf(names);
    }

    private static String text() {
        try {
            return Files.readString(file());
        }
        catch (IOException e) {
            throw new UncheckedIOException("Could not read " + file(), e);
        }
    }
}
