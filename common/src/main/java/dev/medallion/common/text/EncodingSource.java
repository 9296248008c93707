package dev.medallion.common.text;

import java.nio.charset.Charset;

import static java.util.Objects.requireNonNull;

/**
 * What declared the charset a file is read in, which a rejection for its encoding names: a person looks where it
 * says. The function, bronze-ingest and lakehouse-local.jar read the environment's {@code CSV_ENCODINGS}; the silver
 * converter's {@code convert} command takes {@code --encoding} for the one file it converts, over that entry.
 */
public enum EncodingSource {
    /** The environment variable that declares datasets' encodings, named here, where the rejections name it ({@code SilverSettings.CSV_ENCODINGS}). */
    CSV_ENCODINGS("CSV_ENCODINGS"),
    ENCODING_OPTION("--encoding");

    private final String setting;

    EncodingSource(String setting) {
        this.setting = setting;
    }

    /** The environment variable or option, as a person writes it. */
    public String setting() {
        return setting;
    }

    /**
     * The declared charset, as every rejection for a file's encoding names it: {@code windows-1252, the encoding --encoding
     * declares for dataset people}.
     */
    public String declared(Charset charset, String dataset) {
        requireNonNull(charset, "charset is null");
        requireNonNull(dataset, "dataset is null");
        return charset.name() + ", the encoding " + setting + " declares for dataset " + dataset;
    }

    /**
     * What undoes the declaration for a UTF-8 file (its byte order mark, {@link Utf8Lookalike}), in lower case: the remedy of a
     * rejection that goes on {@code , or save this file as <charset>}.
     */
    public String undeclareForUtf8() {
        return switch (this) {
            case CSV_ENCODINGS -> "remove " + UndecodableBytes.ENTRY_TO_REMOVE + " if its files are UTF-8 (the default)";
            // --encoding overrides the dataset's entry for this file: an entry set, the same option would still declare the wrong charset.
            case ENCODING_OPTION -> "convert it again without --encoding (or with --encoding UTF-8 over a " + CSV_ENCODINGS.setting
                    + " entry) if the file is UTF-8";
        };
    }

    /**
     * What declares the charset the file is actually in, where the file is not in the declared one (a byte it does not define, a UTF-16
     * file's missing NUL bytes), as a sentence starts: the remedy of a rejection that goes on {@code , or convert the file ...}.
     */
    public String declareActual() {
        return switch (this) {
            case CSV_ENCODINGS -> "Set the file's actual encoding in " + CSV_ENCODINGS.setting + " (without an entry the dataset is read as UTF-8)";
            case ENCODING_OPTION -> "Give the file's actual encoding with --encoding";
        };
    }
}
