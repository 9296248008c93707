package dev.medallion.silver.local;

import dev.medallion.common.config.SilverSettings;
import dev.medallion.silver.Manifest;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What converts again a file answered {@code unchanged}, in the words both local commands print: the silver
 * command's {@code convert} and {@code lakehouse-local.jar local}, which read the same manifests and are asked
 * the same question by a person who edited a setting and sees nothing happen. One wording, one rule: what
 * {@code SilverConverter} compares before it answers a converted (or empty) file unchanged.
 */
public final class WhatConvertsAgain {
    /** How a command takes the datasets' delimiters, encodings, null markers and quoted empty strings: what the line tells a person to set. */
    public enum Settings {
        /** {@code convert}: its options, or the function's variables in its environment. */
        OPTIONS_OR_ENVIRONMENT,
        /** {@code local}: the function's variables in its environment alone; it has no such options. */
        ENVIRONMENT
    }

    private WhatConvertsAgain() {}

    /**
     * For a converted (or empty) file: the file changed; a declared delimiter or encoding other than it was read with,
     * and declared null markers other than it was converted with (a declaration removed does not count, so the line
     * says "declaring"); its dataset listed in {@code CSV_QUOTED_EMPTY_STRINGS} when it was converted without (leaving it
     * out does not count either, which the line says of a file converted with it: a person who dropped it sees nothing
     * happen); a converter whose reading rules ({@code ReadingRules}) are newer than those it was read under; for a file that wrote parts, its dataset's contract changed; or its manifest deleted. Each with what the
     * manifest recorded, so a person sees which value would be "other".
     *
     * @param contractFile where the dataset's contract is changed, as {@link ContractFiles#describe} gives it
     * @param settings how the command takes the settings named
     * @return the clause after the line's {@code already converted (<manifest>); }
     */
    public static String forConvertedFile(Manifest manifest, String contractFile, Settings settings) {
        requireNonNull(manifest, "manifest is null");
        requireNonNull(contractFile, "contractFile is null");
        requireNonNull(settings, "settings is null");
        boolean options = settings == Settings.OPTIONS_OR_ENVIRONMENT;
        String entries = "a " + SilverSettings.CSV_DELIMITERS + " or " + SilverSettings.CSV_ENCODINGS + " entry";
        String nullEntry = "a " + SilverSettings.CSV_NULL_VALUES + " entry";
        String nullMarkers = manifest.nullValues().isEmpty() ? "none" : String.join(",", manifest.nullValues());
        String contract = Manifest.CONVERTED.equals(manifest.status()) ? ", or once its dataset's schema contract (" + contractFile + ") changes" : "";
        String listed = "its dataset listed in " + SilverSettings.CSV_QUOTED_EMPTY_STRINGS;
        String quotedEmpty = options ? "--quoted-empty-strings (or " + listed + ")" : listed;
        // Listing the dataset counts, leaving it out does not (as for null markers): a file converted keeping "" says so apart.
        boolean keptQuotedEmpty = Boolean.TRUE.equals(manifest.quotedEmptyStrings());
        return "it is converted again once the file changes, or run with " + (options ? "a --delimiter or --encoding (or " + entries + ")" : entries)
                + " other than the " + delimiterName(manifest.delimiter()) + " and "
                // A manifest written before encodings were recorded was read as UTF-8, the default then and now.
                + Optional.ofNullable(manifest.encoding()).orElse(StandardCharsets.UTF_8.name())
                + " it was read with, or with " + (options ? "--null-values (or " + nullEntry + ")" : nullEntry) + " declaring other null markers than it was"
                + " converted with (" + nullMarkers + ")"
                + (keptQuotedEmpty ? "" : ", or with " + quotedEmpty + ", which it was converted without")
                + ", or by a converter whose reading rules are newer than the version " + manifest.readingRules() + " it was read under"
                + contract
                + (keptQuotedEmpty ? "; it was converted with " + quotedEmpty + ", and leaving that out does not convert it again" : "")
                + "; or delete that manifest to convert it again";
    }

    /** As --delimiter names it: a tab shown as itself would print as blank space. */
    static String delimiterName(String delimiter) {
        return switch (String.valueOf(delimiter)) {
            case "," -> "comma";
            case ";" -> "semicolon";
            case "\t" -> "tab";
            case "|" -> "pipe";
            default -> "'" + delimiter + "'";
        };
    }
}
