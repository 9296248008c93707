package dev.medallion.silver.schema;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * A column a new dataset's contract makes {@code string} whose values, in the rows it was inferred from, all look like numbers,
 * dates or booleans written in a form no contract type reads ({@code 1.234,56}, {@code $12.50}, {@code 31/01/2026}, {@code Y}):
 * the values are kept as written, and the hint says so when the contract is reported, with a cast a gold model can make, since a
 * person otherwise learns only in Athena that {@code amount} is text ({@link TypeInference#stringColumnHints}).
 *
 * @param column the contract's name of the column
 * @param looksLike what the values look like: {@code numbers with a decimal comma}
 * @param example one of the values, as written
 * @param whyNotRead which type does not read such values, and why: {@code a double does not read (its decimal mark is '.')}
 * @param placeholders the placeholders for a missing value seen among the values, as written ({@code N/A}, {@code -}), which the
 *        cast makes NULL; empty when there was none
 * @param typed what the cast gives: {@code numbers}
 * @param cast an expression Athena and DuckDB both run over the column: {@code CAST(replace(replace(amount, '.', ''), ',', '.') AS double)}
 * @param text for a column of text that is no typed value's form but holds what its export wrote besides its text (a default null
 *        marker such as SQL Server's {@code NULL}, spaces padding a {@code char(n)} column), the whole hint, said as it is; empty for
 *        a hint of a form, said from the other parts
 */
public record StringColumnHint(String column, String looksLike, String example, String whyNotRead, List<String> placeholders, String typed, String cast,
        String text) {
    public StringColumnHint {
        requireNonNull(column, "column is null");
        requireNonNull(looksLike, "looksLike is null");
        requireNonNull(example, "example is null");
        requireNonNull(whyNotRead, "whyNotRead is null");
        placeholders = List.copyOf(requireNonNull(placeholders, "placeholders is null"));
        requireNonNull(typed, "typed is null");
        requireNonNull(cast, "cast is null");
        requireNonNull(text, "text is null");
    }

    /** The hint of a column whose values look like a type's in a form it does not read. */
    public StringColumnHint(String column, String looksLike, String example, String whyNotRead, List<String> placeholders, String typed, String cast) {
        this(column, looksLike, example, whyNotRead, placeholders, typed, cast, "");
    }

    /** The hint for people, without the column's name: a summary line puts it after the column, a log line under it. */
    public String describe() {
        if (!text.isEmpty()) {
            return text;
        }
        String amongThem = placeholders.isEmpty() ? ""
                : ", and placeholders for a missing value (" + placeholders.stream().map(placeholder -> "\"" + placeholder + "\"").collect(Collectors.joining(", "))
                        + "), which the cast makes NULL";
        return "its values look like " + looksLike + " (\"" + example + "\"), which " + whyNotRead + amongThem + ": the column stays string, each value kept"
                + " as written; to have " + typed + ", cast it in a gold model: " + cast;
    }

    /** The contract's columns as {@link SchemaContract#describeColumns} gives them, each hinted column followed by its hint. */
    public static String describeColumns(SchemaContract contract, List<StringColumnHint> hints) {
        requireNonNull(contract, "contract is null");
        requireNonNull(hints, "hints is null");
        if (hints.isEmpty()) {
            return contract.describeColumns();
        }
        Map<String, StringColumnHint> byColumn = hints.stream().collect(Collectors.toMap(StringColumnHint::column, Function.identity()));
        return contract.columns().stream()
                .map(column -> column.name() + " " + column.type().sqlName() + (byColumn.containsKey(column.name()) ? " (" + byColumn.get(column.name()).describe() + ")" : ""))
                .collect(Collectors.joining(", "));
    }
}
