package dev.medallion.silver.schema;

/**
 * Why a value is not of its column's type, for the reasons of the rows it refuses, where one can be told
 * ({@link Values#refusal}). Most refused values are simply something else ({@code N/A} in a bigint
 * column), and need no more than that.
 */
public enum Refusal {
    LEADING_ZERO("a leading zero", true),
    BEYOND_BIGINT("out of a bigint's range, -9223372036854775808 to 9223372036854775807", true),
    BEYOND_DOUBLE("beyond what a double holds: it would be written as Infinity or 0", true),
    COMMA_IN_NUMBER("a comma: numbers are read with '.' as the decimal point and without thousands separators", false),
    NO_SUCH_DAY("no such calendar day", false),
    OFFSET_BEYOND_18_HOURS("an offset beyond ±18:00", false);

    private final String description;
    private final boolean keptAsText;

    Refusal(String description, boolean keptAsText) {
        this.description = description;
        this.keptAsText = keptAsText;
    }

    /** What is wrong, for people: {@code a leading zero}. */
    public String description() {
        return description;
    }

    /**
     * Whether the value is most likely meant as it is (a code, a long id), so that declaring
     * its column {@code string} is the way to keep such values; a day that does not exist is not.
     */
    public boolean keptAsText() {
        return keptAsText;
    }
}
