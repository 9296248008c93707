package dev.medallion.local.gold;

import dev.medallion.gold.model.GoldModel;
import io.trino.sql.tree.ArithmeticBinaryExpression;
import io.trino.sql.tree.DefaultTraversalVisitor;
import io.trino.sql.tree.Expression;
import io.trino.sql.tree.FunctionCall;
import io.trino.sql.tree.LongLiteral;
import io.trino.sql.tree.Statement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * An operator DuckDB applies to operands Athena (Trino) refuses for it, and the SELECT that tells the operands' types:
 * <ul>
 * <li>{@code ||} joining text with a number, a date or a boolean ({@code region || customer_id}, {@code 'a' || 1}), which
 * DuckDB turns into text, where Trino's {@code ||}, its concat, takes only text, varbinary or arrays and fails the query
 * ({@code Unexpected parameters (varchar, integer) for function concat}: github.com/trinodb/trino/issues/9988 lists its
 * signatures). The probe is the SELECT with this one {@code ||} made {@code ^@}, DuckDB's starts_with, which binds
 * VARCHAR and VARCHAR only and is an operator of the same precedence and grouping as {@code ||} in DuckDB's grammar, so
 * its operands are the same; DuckDB's refusal names their types.</li>
 * <li>a date plus or minus an integer ({@code signup_date + 1}), which DuckDB counts in days, where Trino adds to a date,
 * or subtracts from one, only an interval (DateTimeOperators in github.com/trinodb/trino: date and interval day to
 * second or year to month, no integer), and fails the query ({@code Cannot apply operator: date + integer}). Only a
 * literal integer is probed: the probe is the SELECT with it made {@code CAST(1 AS VARCHAR)}, which DuckDB adds to
 * nothing, and its refusal names the other operand's type.</li>
 * </ul>
 * Prepared, not run, a probe fails on that refusal exactly when the types are those Athena refuses; a probe failing
 * otherwise says nothing of the model.
 *
 * @param operator {@code ||}, {@code +} or {@code -}
 * @param number the literal integer added or subtracted, as written; empty for {@code ||}
 * @param line the operator's line in the SELECT, from 1
 * @param column the operator's column on that line, from 1
 * @param probe the model's SELECT, with {@link GoldModel#SILVER_DATABASE} still in it, made to fail on the operands' types
 */
record OperatorProbe(String operator, String number, int line, int column, String probe) {
    /** DuckDB's refusal of the probe's ^@, + or -, naming the operands' types. */
    private static final Pattern NO_FUNCTION = Pattern.compile("No function matches the given name and argument types '(\\^@|\\+|-)\\((.*)\\)'");

    OperatorProbe {
        requireNonNull(operator, "operator is null");
        requireNonNull(number, "number is null");
        requireNonNull(probe, "probe is null");
    }

    /**
     * Every || and every integer literal added to or subtracted from something, in the order of the SELECT.
     * {@code statement} is {@code select} as parsed, with a schema name as long as the placeholder.
     */
    static List<OperatorProbe> in(String select, Statement statement) {
        requireNonNull(select, "select is null");
        List<OperatorProbe> probes = new ArrayList<>();
        TextComparison.Lines lines = new TextComparison.Lines(select);
        new DefaultTraversalVisitor<Void>() {
            @Override
            protected Void visitFunctionCall(FunctionCall node, Void context) {
                // The parser reads a || b as concat(a, b), placed at the ||; a concat(...) written as a call is left alone.
                lines.offset(node).filter(at -> select.startsWith("||", at)).ifPresent(at -> probes.add(new OperatorProbe("||", "",
                        TextComparison.lineOf(node), TextComparison.columnOf(node), TextComparison.apply(select, List.of(new TextComparison.Edit(at, at + 2, "^@"))))));
                return super.visitFunctionCall(node, context);
            }

            @Override
            protected Void visitArithmeticBinary(ArithmeticBinaryExpression node, Void context) {
                String operator = switch (node.getOperator()) {
                    case ADD -> "+";
                    case SUBTRACT -> "-";
                    default -> "";
                };
                if (!operator.isEmpty()) {
                    for (Expression operand : List.of(node.getLeft(), node.getRight())) {
                        if (operand instanceof LongLiteral) {
                            Optional<Integer> start = lines.offset(operand);
                            Optional<Integer> end = start.map(at -> endOfNumber(select, at)).filter(at -> at > start.get());
                            if (end.isPresent()) {
                                String written = select.substring(start.get(), end.get());
                                probes.add(new OperatorProbe(operator, written, TextComparison.lineOf(node), TextComparison.columnOf(node),
                                        TextComparison.apply(select, List.of(new TextComparison.Edit(start.get(), end.get(), "CAST(" + written + " AS VARCHAR)")))));
                            }
                        }
                    }
                }
                return super.visitArithmeticBinary(node, context);
            }
        }.process(statement, null);
        probes.sort(Comparator.comparingInt(OperatorProbe::line).thenComparingInt(OperatorProbe::column));
        return probes;
    }

    /** The probe, with the silver schema's name in place of the placeholder, as {@link GoldModel#select(String)} gives the SELECT. */
    String probe(String silverSchema) {
        return probe.replace(GoldModel.SILVER_DATABASE, silverSchema);
    }

    /** Why Athena fails this operator, from DuckDB's refusal of the probe, and what to write instead; empty when Athena would not fail it. */
    Optional<String> problem(String duckDbMessage, GoldModel model) {
        Matcher refused = NO_FUNCTION.matcher(duckDbMessage);
        if (!refused.find()) {
            return Optional.empty();
        }
        List<String> types = arguments(refused.group(2));
        if (types.size() != 2) {
            return Optional.empty();
        }
        String at = " at " + model.position(line, column);
        if (operator.equals("||") && refused.group(1).equals("^@")) {
            if (types.stream().anyMatch(type -> type.endsWith("]"))) {
                // An array joined with an element or an array: Trino's concat takes those too.
                return Optional.empty();
            }
            return types.stream().map(OperatorProbe::notText).flatMap(Optional::stream).findFirst()
                    .map(kind -> "joins " + kind.description() + " to text with ||" + at
                            + ", which DuckDB turns into text and Athena (Trino) does not: its || joins only text (or arrays) and fails the query"
                            + " (Unexpected parameters for function concat); write CAST(x AS VARCHAR) for the " + kind.noun());
        }
        boolean dateFirst = types.get(0).equals("DATE") && types.get(1).equals("VARCHAR");
        boolean dateSecond = types.get(0).equals("VARCHAR") && types.get(1).equals("DATE");
        if (operator.equals(refused.group(1)) && (dateFirst || dateSecond && operator.equals("+"))) {
            String done = operator.equals("+") ? "adds the number " + number + " to a date" : "subtracts the number " + number + " from a date";
            return Optional.of(done + at + ", which DuckDB counts in days and Athena (Trino) refuses: it adds to a date, or subtracts from one, only an interval"
                    + " (Cannot apply operator: date " + operator + " integer); write CAST(x " + operator + " INTERVAL '" + number + "' DAY AS DATE)"
                    + " (an interval, in CAST(... AS DATE) since DuckDB makes a date plus an interval a TIMESTAMP, where Athena keeps a DATE)");
        }
        return Optional.empty();
    }

    private record Kind(String description, String noun) {}

    /** What a value of DuckDB's type is, if it is one Athena's || refuses beside text; empty for text, NULL and the rest. */
    private static Optional<Kind> notText(String duckDbType) {
        // DuckDB names a literal's type by its kind: INTEGER_LITERAL, STRING_LITERAL.
        String type = duckDbType.replaceFirst("_LITERAL$", "");
        if (TextComparison.NUMBER.matcher(type).matches()) {
            return Optional.of(new Kind("a number (" + type + ")", "number"));
        }
        if (type.equals("DATE")) {
            return Optional.of(new Kind("a date", "date"));
        }
        if (type.startsWith("TIMESTAMP")) {
            return Optional.of(new Kind("a timestamp (" + type + ")", "timestamp"));
        }
        if (type.equals("BOOLEAN")) {
            return Optional.of(new Kind("a boolean", "boolean"));
        }
        return Optional.empty();
    }

    /** The types listed in DuckDB's message, split at the commas outside parentheses (DECIMAL(10,2)). */
    private static List<String> arguments(String list) {
        List<String> types = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < list.length(); i++) {
            char c = list.charAt(i);
            if (c == '(' || c == '[') {
                depth++;
            }
            else if (c == ')' || c == ']') {
                depth--;
            }
            else if (c == ',' && depth == 0) {
                types.add(list.substring(start, i).strip());
                start = i + 1;
            }
        }
        types.add(list.substring(start).strip());
        return types;
    }

    /** Where an integer literal starting at {@code start} ends: its digits, letters (0x1F) and underscores (1_000). */
    private static int endOfNumber(String sql, int start) {
        int i = start;
        while (i < sql.length() && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_')) {
            i++;
        }
        return i;
    }
}
