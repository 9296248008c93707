package dev.medallion.silver;

/**
 * The version of the converter's reading rules: what a file's bytes become as rows, apart from the settings a manifest records
 * on its own (delimiter, encoding, null markers, quoted empty strings, limits) and the dataset's schema contract. Every manifest
 * records the version it was read under ({@link Manifest#readingRules()}), and a file delivered again whose manifest has an older
 * one is converted again, its new version replacing the old as under a changed contract: without it, a redelivery answered
 * {@code unchanged} against the same ETag, and a file converted before a release that reads it otherwise kept the old reading for
 * good, {@code silver_reconvert_command} converting none of it.
 *
 * <p>Raise {@link #VERSION} in the release that changes what the same bytes, under the same settings and contract, become: a value
 * read otherwise (a column's type, text that becomes null or stays text), a row quarantined or not, a column kept or not, a file
 * rejected or not. Do not raise it for a new setting that a manifest records (it converts again the files it concerns by itself),
 * for wording alone (a reason, a hint), or for speed: each raise converts every file of a dataset delivered again. Add the version's
 * row to the table of docs/silver-converter.md ("Converting files again after a converter upgrade"), which says what changed and which files it affects:
 * infrastructure-contract's ReadingRulesDocsContractTest fails a build whose version has no row there.
 */
public final class ReadingRules {
    /** The version of a manifest that does not record one: written before versions were recorded. */
    public static final int UNRECORDED = 1;
    /**
     * 2: a dataset listed in {@code CSV_QUOTED_EMPTY_STRINGS} that declares a null marker keeps a quoted marker ({@code "NULL"}) as
     * that text in a string column, where version 1 made it null.
     */
    public static final int VERSION = 2;

    private ReadingRules() {}
}
