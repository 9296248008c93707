package dev.medallion.silver.schema;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * The texts a dataset's fields hold for a missing value besides an empty field: exports rarely leave the
 * field empty (SQL Server's SSMS and bcp write {@code NULL}, MySQL's {@code SELECT ... INTO OUTFILE} and
 * PostgreSQL's {@code COPY ... TEXT} write {@code \N}, Oracle spools {@code NULL} or {@code null}).
 * <ul>
 * <li>By default, {@link #DEFAULTS} are null in typed columns only, at inference and when converting: none of
 *     them is a value of any type, while a string column may hold the word as text, so there it stays as read.
 *     pandas reads more ({@code NA}, {@code N/A}, {@code NaN}, {@code None}...) as missing, but {@code NA} is
 *     Namibia's country code and {@code None} a word, and a double's {@code NaN} is more likely a computation
 *     gone wrong than an export's missing value: those stay what they were (refused in a typed column) unless declared.</li>
 * <li>Markers a dataset declares ({@code CSV_NULL_VALUES}) are null in every column of it, string columns
 *     included, and before a typed value is parsed: a declared {@code -999} is null, not the number; only a dataset
 *     that keeps quoted empty strings keeps a marker read quoted as text in a string column (below).</li>
 * </ul>
 * In typed columns a marker may have ASCII spaces and tabs around it, as a typed value may; a string column
 * keeps its text exactly as read, so there a declared marker is the whole field.
 *
 * <p>An empty field is null in every column, quoted ({@code ""}) or not, unless the dataset keeps quoted empty strings
 * ({@code CSV_QUOTED_EMPTY_STRINGS}): its reader then gives a quoted empty field as {@link #QUOTED_EMPTY}, which a string
 * column keeps as an empty string, while a typed column writes it null as any empty field (an empty number is a missing one).
 *
 * <p>Such a dataset tells a declared marker from the same text by quoting too, as PostgreSQL's {@code COPY ... (FORMAT csv, NULL 'NULL')}
 * writes them: a NULL unquoted, a value matching the NULL string quoted. Its reader gives a quoted declared marker as the marker's
 * {@linkplain #quotedFormOf quoted form}, which a string column keeps as text and inference takes as a value, while a typed column
 * writes it null as before (COPY quotes no number's NULL; a quoted marker there is as missing as an unquoted one).
 */
public final class NullMarkers {
    /** The markers null in every typed column without a declaration: no value of any type is one of them. */
    public static final Set<String> DEFAULTS = Set.of("NULL", "null", "\\N");

    /**
     * Texts, compared ignoring case, that exports and spreadsheets write for a missing value though none is a default:
     * pandas' read_csv default na_values (pandas.pydata.org/docs/reference/api/pandas.read_csv.html) but for the C
     * runtime's float texts ({@code 1.#IND}, {@code 1.#QNAN}), a dash or two, and a question mark, as survey and hand-kept
     * sheets write. A typed column refusing one most likely met a missing value its dataset could declare, which is what a
     * refusal's reason then says. {@code null} in other cases than the defaults' ({@code Null}) is one. The one list: a string
     * column's hint takes the same texts as placeholders ({@code StringForms.isPlaceholder}), so the two never disagree.
     */
    private static final Set<String> LOOKALIKES = Set.of("n/a", "na", "#n/a", "#n/a n/a", "#na", "<na>", "none", "nan", "-nan", "null", "nil", "-", "--",
            "?");
    /** Of {@link #LOOKALIKES}, those a double column refuses as a computation gone wrong rather than an export's missing value. */
    private static final Set<String> NOT_A_NUMBER = Set.of("nan", "-nan");

    /**
     * The value of a quoted empty field ({@code ""}) in a dataset that keeps quoted empty strings, told from an unquoted
     * empty field ({@code ""} too) by identity alone: equal to {@code ""}, every rule for an empty field holds for it (inference
     * passes over it, a typed column writes it null, the row's size counts nothing for it), and only a string column
     * ({@code ColumnVector}) and the quarantine ({@code QuarantineWriter}) compare it by reference, to keep it an empty
     * string and to write it quoted. A new String, so that no literal or text read otherwise is this one.
     */
    @SuppressWarnings("StringOperationCanBeSimplified")
    public static final String QUOTED_EMPTY = new String();

    private static final NullMarkers NONE_DECLARED = new NullMarkers(List.of(), false);

    private final Set<String> declared;
    private final boolean keepsQuotedEmptyStrings;
    /**
     * Of a dataset that keeps quoted empty strings, each declared marker's quoted form: a String of its own, equal to the marker and
     * told from it by identity alone, as {@link #QUOTED_EMPTY} is from an unquoted empty field. Empty for any other dataset.
     */
    private final Map<String, String> quotedForms;

    @SuppressWarnings("StringOperationCanBeSimplified")
    private NullMarkers(Collection<String> declared, boolean keepsQuotedEmptyStrings) {
        this.declared = Set.copyOf(declared);
        this.keepsQuotedEmptyStrings = keepsQuotedEmptyStrings;
        this.quotedForms = keepsQuotedEmptyStrings
                ? this.declared.stream().collect(Collectors.toUnmodifiableMap(Function.identity(), marker -> new String(marker)))
                : Map.of();
    }

    /** The defaults alone: a dataset that declares no markers. */
    public static NullMarkers defaults() {
        return NONE_DECLARED;
    }

    /** The defaults and the markers a dataset declares, null in every column of it. */
    public static NullMarkers declaring(Collection<String> markers) {
        requireNonNull(markers, "markers is null");
        return markers.isEmpty() ? NONE_DECLARED : new NullMarkers(markers, false);
    }

    /** These markers, and a quoted empty field ({@link #QUOTED_EMPTY}) an empty string in string columns ({@code CSV_QUOTED_EMPTY_STRINGS}). */
    public NullMarkers keepingQuotedEmptyStrings() {
        return new NullMarkers(declared, true);
    }

    /** Whether a string column keeps a quoted empty field ({@link #QUOTED_EMPTY}) as an empty string rather than null. */
    public boolean keepsQuotedEmptyStrings() {
        return keepsQuotedEmptyStrings;
    }

    /**
     * Whether the dataset's reader gives a quoted declared marker as its {@linkplain #quotedFormOf quoted form}: the dataset keeps
     * quoted empty strings and declares markers.
     */
    public boolean tellsQuotedMarkers() {
        return !quotedForms.isEmpty();
    }

    /**
     * The quoted form of a field read quoted: for a declared marker of a dataset that {@linkplain #tellsQuotedMarkers tells quoted
     * markers}, the marker's own String, kept as text in a string column; {@code text} itself otherwise.
     */
    public String quotedFormOf(String text) {
        return quotedForms.getOrDefault(text, text);
    }

    /** Whether {@code text} is a declared marker that was read quoted ({@link #quotedFormOf}): compared by reference. */
    public boolean isQuotedMarker(String text) {
        return !quotedForms.isEmpty() && quotedForms.get(text) == text;
    }

    /** Whether the dataset declares markers, null in its string columns too. */
    public boolean anyDeclared() {
        return !declared.isEmpty();
    }

    /**
     * Whether a field is a declared marker in a column of {@code type}: checked before the value is
     * parsed, since a declared marker may be a value ({@code -999}). The whole field in a string column,
     * but for a marker {@linkplain #isQuotedMarker read quoted}, which is text there; the field without the spaces and tabs around
     * it in a typed one, quoted or not.
     */
    public boolean isDeclared(String text, ColumnType type) {
        if (declared.isEmpty()) {
            return false;
        }
        return type == ColumnType.STRING ? declared.contains(text) && !isQuotedMarker(text) : declared.contains(Values.trimmed(text));
    }

    /**
     * Whether a field that a typed column refused is one of {@link #DEFAULTS}, spaces and tabs around it
     * aside: asked only of refused values, so the values taken pay nothing for it.
     */
    public static boolean isDefault(String text) {
        return DEFAULTS.contains(Values.trimmed(text));
    }

    /**
     * The marker to declare when a field that a column of {@code type} refused looks like a missing value's marker that
     * is not a default one ({@code N/A}, {@code NA}, {@code #N/A}, {@code None}, {@code -}, {@code ?}; {@code NaN} but in a double
     * column): the field without the spaces and tabs around it, as a typed column compares a declared marker. Its
     * dataset may mean it as null, and can declare it so. Asked only of refused values.
     */
    public static Optional<String> lookalike(String text, ColumnType type) {
        requireNonNull(text, "text is null");
        requireNonNull(type, "type is null");
        String marker = Values.trimmed(text);
        String folded = marker.toLowerCase(Locale.ROOT);
        boolean looksLikeOne = LOOKALIKES.contains(folded) && !(type == ColumnType.DOUBLE && NOT_A_NUMBER.contains(folded));
        return looksLikeOne ? Optional.of(marker) : Optional.empty();
    }

    /**
     * Whether inference passes over a field, as it does an empty one: a default marker, or a declared one, in
     * any column (a column is typed by its other values; a string column of markers alone is string, as one of
     * blanks alone). A declared marker {@linkplain #isQuotedMarker read quoted} is a value, the text its source quoted.
     */
    public boolean isMarker(String text) {
        if (isQuotedMarker(text)) {
            return false;
        }
        String value = Values.trimmed(text);
        return DEFAULTS.contains(value) || !declared.isEmpty() && (declared.contains(text) || declared.contains(value));
    }

    /** The markers the dataset declares, sorted: recorded in its manifests, so a file read under others is read again. */
    public List<String> declared() {
        return declared.stream().sorted().toList();
    }
}
