package dev.medallion.silver.schema;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

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
 *     included, and before a typed value is parsed: a declared {@code -999} is null, not the number.</li>
 * </ul>
 * In typed columns a marker may have ASCII spaces and tabs around it, as a typed value may; a string column
 * keeps its text exactly as read, so there a declared marker is the whole field.
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

    private static final NullMarkers NONE_DECLARED = new NullMarkers(List.of());

    private final Set<String> declared;

    private NullMarkers(Collection<String> declared) {
        this.declared = Set.copyOf(declared);
    }

    /** The defaults alone: a dataset that declares no markers. */
    public static NullMarkers defaults() {
        return NONE_DECLARED;
    }

    /** The defaults and the markers a dataset declares, null in every column of it. */
    public static NullMarkers declaring(Collection<String> markers) {
        requireNonNull(markers, "markers is null");
        return markers.isEmpty() ? NONE_DECLARED : new NullMarkers(markers);
    }

    /** Whether the dataset declares markers, null in its string columns too. */
    public boolean anyDeclared() {
        return !declared.isEmpty();
    }

    /**
     * Whether a field is a declared marker in a column of {@code type}: checked before the value is
     * parsed, since a declared marker may be a value ({@code -999}). The whole field in a string column,
     * the field without the spaces and tabs around it in a typed one.
     */
    public boolean isDeclared(String text, ColumnType type) {
        if (declared.isEmpty()) {
            return false;
        }
        return declared.contains(type == ColumnType.STRING ? text : Values.trimmed(text));
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
     * blanks alone).
     */
    public boolean isMarker(String text) {
        String value = Values.trimmed(text);
        return DEFAULTS.contains(value) || !declared.isEmpty() && (declared.contains(text) || declared.contains(value));
    }

    /** The markers the dataset declares, sorted: recorded in its manifests, so a file read under others is read again. */
    public List<String> declared() {
        return declared.stream().sorted().toList();
    }
}
