package dev.medallion.local.gold;

import dev.medallion.gold.model.GoldModel;
import io.trino.sql.tree.BetweenPredicate;
import io.trino.sql.tree.CoalesceExpression;
import io.trino.sql.tree.ComparisonExpression;
import io.trino.sql.tree.DefaultTraversalVisitor;
import io.trino.sql.tree.Expression;
import io.trino.sql.tree.FunctionCall;
import io.trino.sql.tree.IfExpression;
import io.trino.sql.tree.InListExpression;
import io.trino.sql.tree.InPredicate;
import io.trino.sql.tree.Node;
import io.trino.sql.tree.NullIfExpression;
import io.trino.sql.tree.SearchedCaseExpression;
import io.trino.sql.tree.NodeLocation;
import io.trino.sql.tree.SimpleCaseExpression;
import io.trino.sql.tree.Statement;
import io.trino.sql.tree.StringLiteral;
import io.trino.sql.tree.WhenClause;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * A quoted text a model compares with something ({@code "timestamp" >= '2026-03-01'}, {@code customer_id = '42'},
 * {@code x IN ('1', '2')}, {@code x BETWEEN '1' AND '9'}), and the SELECT that tells whether that something is text.
 * <p>
 * DuckDB reads such a text as a value of the other side's type, so the model builds locally; Athena (Trino)
 * converts no text for a comparison and fails the query ({@code Cannot apply operator: timestamp(3) >= varchar(10)};
 * github.com/trinodb/trino/issues/7334, and its maintainers on keeping it so: github.com/trinodb/trino/pull/12431).
 * DuckDB refuses an ordering comparison, or a BETWEEN, of a non-text value with a <em>typed</em> text, at binding
 * ({@code Cannot compare values of type DATE and type VARCHAR}), where its equality and IN still convert one. So the
 * probe is the model's SELECT with this one text typed, {@code CAST('…' AS VARCHAR)}, and its comparison made an
 * ordering one ({@code >=} for {@code =}, {@code <>}; {@code >= text} for {@code IN (…)}): prepared, not run,
 * it fails on that message exactly when the other side is not text.
 * <p>
 * A text DuckDB converts elsewhere is found the same way: an operand of a COALESCE ({@code coalesce(quantity, '0')}),
 * whose probe types the text, which DuckDB then refuses to mix with another type ({@code Cannot mix values of type
 * BIGINT and VARCHAR in COALESCE operator}) where Trino fails the query ({@code All COALESCE operands must be the same
 * type}: github.com/trinodb/trino/issues/24017); and a text a simple CASE matches ({@code CASE customer_id WHEN '42'}),
 * which DuckDB compares by equality, converting even a typed text, so its probe makes the CASE's operand
 * {@code coalesce((operand), CAST('42' AS VARCHAR))}, refused on the same message when the operand is not text, where
 * Trino fails the query ({@code CASE operand type does not match WHEN clause operand type}). And a text among a CASE's
 * results, or an IF's, beside results of another type ({@code CASE WHEN … THEN quantity ELSE '0' END}), which DuckDB
 * converts to the others' type (so {@code THEN 0 ELSE 'n/a'} fails locally only once a row reaches the text, on a
 * conversion error), where Trino converts none and fails the query ({@code All CASE results must be the same type or
 * coercible to a common type}, ExpressionAnalyzer's coerceToSingleType): its probe types the text, which DuckDB then
 * refuses to mix ({@code Cannot mix values of type VARCHAR and BIGINT in CASE expression}). An argument of greatest or least
 * beside arguments of another type ({@code greatest(quantity, '2')}), which DuckDB converts, where Trino's take arguments of one
 * orderable type (AbstractGreatestLeast: {@code greatest(E...) -> E}) and fail the query ({@code Unexpected parameters
 * (bigint, varchar(1)) for function greatest}): its probe types the text, which DuckDB then refuses to combine
 * ({@code Cannot combine types of BIGINT and VARCHAR}). And an operand of a NULLIF ({@code nullif(quantity, '0')}), which
 * DuckDB compares by equality, converting even a typed text, where Trino wants operands of a common super type and fails
 * the query ({@code Types are not comparable with NULLIF: bigint vs varchar(1)}, ExpressionAnalyzer): its probe types the
 * text and makes the NULLIF a coalesce, refused on DuckDB's COALESCE message when the other operand is not text.
 *
 * @param literal the text as written, quotes included ({@code '2026-03-01'})
 * @param value the text's value
 * @param line the text's line in the SELECT, from 1
 * @param column the text's column on that line, from 1
 * @param probe the model's SELECT, with {@link GoldModel#SILVER_DATABASE} still in it, made to fail if the other side is not text
 * @param use where the text is: compared, matched by a CASE, or coalesced
 */
record TextComparison(String literal, String value, int line, int column, String probe, Use use) {
    /**
     * DuckDB's refusal of a typed text compared with another type, in either order, mixed in a BETWEEN, a COALESCE or a CASE,
     * or combined with it among greatest's or least's arguments.
     */
    private static final Pattern NOT_TEXT = Pattern.compile(
            "Cannot (?:(?:compare|mix) values of type|combine types of) (.+?) and (?:type )?(.+?)(?: in (?:BETWEEN clause|COALESCE operator|CASE expression))? - an explicit cast is required");
    static final Pattern NUMBER = Pattern.compile("(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?|DOUBLE|FLOAT|REAL|DECIMAL.*)");
    static final Pattern DAY = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d{2}-\\d{2}([ T]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?)?");
    static final Pattern NUMERAL = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

    /** Where a text is, which says what Athena fails on and what else to write. */
    enum Use {
        COMPARED("compares", "a comparison", "Cannot apply operator, or IN value and list items must be the same type", "compare text with text"),
        CASE_MATCHED("compares", "a comparison", "CASE operand type does not match WHEN clause operand type", "compare text with text"),
        COALESCED("coalesces", "a COALESCE", "All COALESCE operands must be the same type", "make every operand text"),
        CASE_RESULT("puts", "a CASE's results", "All CASE results must be the same type", "make every result text"),
        NULLIF_COMPARED("compares", "a NULLIF", "Types are not comparable with NULLIF", "compare text with text"),
        GREATEST("compares", "greatest", "Unexpected parameters for function greatest", "compare text with text"),
        LEAST("compares", "least", "Unexpected parameters for function least", "compare text with text");

        private final String verb;
        private final String where;
        private final String athenaError;
        private final String asText;

        Use(String verb, String where, String athenaError, String asText) {
            this.verb = verb;
            this.where = where;
            this.athenaError = athenaError;
            this.asText = asText;
        }
    }

    TextComparison {
        requireNonNull(literal, "literal is null");
        requireNonNull(value, "value is null");
        requireNonNull(probe, "probe is null");
        requireNonNull(use, "use is null");
    }

    /** A text compared ({@code =}, {@code <}, …, {@code IN}, {@code BETWEEN}). */
    TextComparison(String literal, String value, int line, int column, String probe) {
        this(literal, value, line, column, probe, Use.COMPARED);
    }

    /**
     * Every text compared in the statement, in the order of the SELECT. {@code statement} is {@code select} as
     * parsed, with a schema name as long as the placeholder, so that places in it are places in {@code select}.
     */
    static List<TextComparison> in(String select, Statement statement) {
        requireNonNull(select, "select is null");
        List<TextComparison> comparisons = new ArrayList<>();
        Lines lines = new Lines(select);
        new DefaultTraversalVisitor<Void>() {
            @Override
            protected Void visitComparisonExpression(ComparisonExpression node, Void context) {
                if (node.getOperator() != ComparisonExpression.Operator.IS_DISTINCT_FROM) {
                    for (Expression operand : List.of(node.getLeft(), node.getRight())) {
                        if (operand instanceof StringLiteral text) {
                            // The node's place is its operator's: =, <>, !=, <, <=, > or >=.
                            lines.offset(node).ifPresent(operator -> {
                                int length = select.startsWith("<>", operator) || select.startsWith("!=", operator)
                                        || select.startsWith("<=", operator) || select.startsWith(">=", operator) ? 2 : 1;
                                probe(text, new Edit(operator, operator + length, ">=")).ifPresent(comparisons::add);
                            });
                        }
                    }
                }
                return super.visitComparisonExpression(node, context);
            }

            @Override
            protected Void visitBetweenPredicate(BetweenPredicate node, Void context) {
                for (Expression operand : List.of(node.getValue(), node.getMin(), node.getMax())) {
                    if (operand instanceof StringLiteral text) {
                        probe(text).ifPresent(comparisons::add);
                    }
                }
                return super.visitBetweenPredicate(node, context);
            }

            @Override
            protected Void visitInPredicate(InPredicate node, Void context) {
                if (node.getValueList() instanceof InListExpression list) {
                    // The node's place is its IN (or NOT IN); the list runs from the parenthesis after it to the one closing it.
                    Optional<Integer> in = lines.offset(node);
                    Optional<Integer> open = in.map(at -> select.indexOf('(', at)).filter(at -> at >= 0);
                    Optional<Integer> close = open.flatMap(at -> closing(select, at));
                    for (Expression item : list.getValues()) {
                        Optional<Integer> start = item instanceof StringLiteral && close.isPresent() ? lines.offset(item) : Optional.empty();
                        Optional<Integer> end = start.flatMap(at -> end(select, at));
                        if (end.isPresent()) {
                            String written = select.substring(start.get(), end.get());
                            comparisons.add(new TextComparison(written, ((StringLiteral) item).getValue(), lineOf(item), columnOf(item),
                                    apply(select, List.of(new Edit(in.get(), close.get() + 1, ">= CAST(" + written + " AS VARCHAR)")))));
                        }
                    }
                }
                return super.visitInPredicate(node, context);
            }

            @Override
            protected Void visitCoalesceExpression(CoalesceExpression node, Void context) {
                for (Expression operand : node.getOperands()) {
                    if (operand instanceof StringLiteral text) {
                        probe(text, Use.COALESCED).ifPresent(comparisons::add);
                    }
                }
                return super.visitCoalesceExpression(node, context);
            }

            @Override
            protected Void visitNullIfExpression(NullIfExpression node, Void context) {
                // DuckDB compares NULLIF's operands by equality, converting even a typed text: the probe makes the NULLIF a coalesce, which mixes none.
                Optional<Integer> keyword = lines.offset(node).filter(at -> select.regionMatches(true, at, "NULLIF", 0, 6));
                for (Expression operand : List.of(node.getFirst(), node.getSecond())) {
                    if (operand instanceof StringLiteral text && keyword.isPresent()) {
                        probe(text, Use.NULLIF_COMPARED, new Edit(keyword.get(), keyword.get() + 6, "coalesce")).ifPresent(comparisons::add);
                    }
                }
                return super.visitNullIfExpression(node, context);
            }

            @Override
            protected Void visitFunctionCall(FunctionCall node, Void context) {
                List<String> name = node.getName().getParts();
                Optional<Use> use = name.size() != 1 ? Optional.empty() : switch (name.get(0).toLowerCase(Locale.ROOT)) {
                    case "greatest" -> Optional.of(Use.GREATEST);
                    case "least" -> Optional.of(Use.LEAST);
                    default -> Optional.empty();
                };
                if (use.isPresent()) {
                    for (Expression argument : node.getArguments()) {
                        if (argument instanceof StringLiteral text) {
                            probe(text, use.get()).ifPresent(comparisons::add);
                        }
                    }
                }
                return super.visitFunctionCall(node, context);
            }

            @Override
            protected Void visitSearchedCaseExpression(SearchedCaseExpression node, Void context) {
                results(node.getWhenClauses(), node.getDefaultValue());
                return super.visitSearchedCaseExpression(node, context);
            }

            @Override
            protected Void visitIfExpression(IfExpression node, Void context) {
                for (Expression result : node.getFalseValue().map(value -> List.of(node.getTrueValue(), value)).orElse(List.of(node.getTrueValue()))) {
                    if (result instanceof StringLiteral text) {
                        probe(text, Use.CASE_RESULT).ifPresent(comparisons::add);
                    }
                }
                return super.visitIfExpression(node, context);
            }

            /** Each text among a CASE's results: the THEN values and the ELSE. */
            private void results(List<WhenClause> clauses, Optional<Expression> otherwise) {
                List<Expression> results = new ArrayList<>(clauses.stream().map(WhenClause::getResult).toList());
                otherwise.ifPresent(results::add);
                for (Expression result : results) {
                    if (result instanceof StringLiteral text) {
                        probe(text, Use.CASE_RESULT).ifPresent(comparisons::add);
                    }
                }
            }

            @Override
            protected Void visitSimpleCaseExpression(SimpleCaseExpression node, Void context) {
                results(node.getWhenClauses(), node.getDefaultValue());
                // The operand is written between the CASE, the node's place, and the first WHEN, its clause's place.
                Optional<Integer> operandStart = lines.offset(node).filter(at -> select.regionMatches(true, at, "CASE", 0, 4)).map(at -> at + 4);
                Optional<Integer> operandEnd = node.getWhenClauses().isEmpty() ? Optional.empty() : lines.offset(node.getWhenClauses().get(0));
                for (WhenClause clause : node.getWhenClauses()) {
                    if (clause.getOperand() instanceof StringLiteral text && operandStart.isPresent() && operandEnd.isPresent()) {
                        Optional<Integer> start = lines.offset(text);
                        Optional<Integer> end = start.flatMap(at -> end(select, at));
                        if (end.isPresent()) {
                            String written = select.substring(start.get(), end.get());
                            // A new line before the closing parenthesis, in case the operand ends in a -- comment.
                            String operand = " coalesce((" + select.substring(operandStart.get(), operandEnd.get()) + "\n), CAST(" + written + " AS VARCHAR)) ";
                            comparisons.add(new TextComparison(written, text.getValue(), lineOf(text), columnOf(text),
                                    apply(select, List.of(new Edit(operandStart.get(), operandEnd.get(), operand))), Use.CASE_MATCHED));
                        }
                    }
                }
                return super.visitSimpleCaseExpression(node, context);
            }

            private Optional<TextComparison> probe(StringLiteral text, Edit... others) {
                return probe(text, Use.COMPARED, others);
            }

            private Optional<TextComparison> probe(StringLiteral text, Use use, Edit... others) {
                return lines.offset(text).flatMap(start -> end(select, start).map(end -> {
                    List<Edit> edits = new ArrayList<>(List.of(others));
                    String written = select.substring(start, end);
                    edits.add(new Edit(start, end, "CAST(" + written + " AS VARCHAR)"));
                    return new TextComparison(written, text.getValue(), lineOf(text), columnOf(text), apply(select, edits), use);
                }));
            }
        }.process(statement, null);
        comparisons.sort(Comparator.comparingInt(TextComparison::line).thenComparingInt(TextComparison::column));
        return comparisons;
    }

    /** The probe, with the silver schema's name in place of the placeholder, as {@link GoldModel#select(String)} gives the SELECT. */
    String probe(String silverSchema) {
        return probe.replace(GoldModel.SILVER_DATABASE, silverSchema);
    }

    /** The type DuckDB says the text was compared with, from its refusal of the probe; empty for any other failure. */
    static Optional<String> comparedType(String duckDbMessage) {
        Matcher refused = NOT_TEXT.matcher(duckDbMessage);
        if (!refused.find()) {
            return Optional.empty();
        }
        // DuckDB names a literal's type by its kind (INTEGER_LITERAL, STRING_LITERAL) before it is bound to another.
        String first = refused.group(1).strip().replaceFirst("_LITERAL$", "").replace("STRING", "VARCHAR");
        String second = refused.group(2).strip().replaceFirst("_LITERAL$", "").replace("STRING", "VARCHAR");
        return first.equals("VARCHAR") == second.equals("VARCHAR") ? Optional.empty() : Optional.of(first.equals("VARCHAR") ? second : first);
    }

    /** Why Athena fails the comparison of this text with a value of {@code type} (DuckDB's name of it), and what to write instead. */
    String problem(String type, GoldModel model) {
        String kind;
        String instead;
        // Among a CASE's results a text that is no value of the type ('n/a' beside numbers) stands for none: NULL is in every type.
        boolean result = use == Use.CASE_RESULT;
        if (type.startsWith("TIMESTAMP")) {
            kind = "a timestamp";
            instead = result && !TIMESTAMP.matcher(value).matches() ? "NULL for no timestamp"
                    : "TIMESTAMP '" + value.replace("'", "''") + (DAY.matcher(value).matches() ? " 00:00:00" : "") + "' (a literal of the timestamp's type)";
        }
        else if (type.equals("DATE")) {
            kind = "a date";
            instead = result && !DAY.matcher(value).matches() ? "NULL for no date" : "DATE " + literal + " (a literal of the date's type)";
        }
        else if (NUMBER.matcher(type).matches()) {
            kind = "a number (" + type + ")";
            instead = result && !NUMERAL.matcher(value.strip()).matches() ? "NULL for no number" : value.strip() + " (a number, without quotes)";
        }
        else if (type.equals("BOOLEAN")) {
            kind = "a boolean";
            instead = result && !value.strip().matches("(?i)true|false") ? "NULL for no boolean" : value.strip().toLowerCase(Locale.ROOT) + " (true or false, without quotes)";
        }
        else {
            kind = "a " + type;
            instead = "CAST(" + literal + " AS " + type + ")";
        }
        String done = result ? use.verb + " the text " + literal + " beside " + kind + " among a CASE's results" : use.verb + " " + kind + " with the text " + literal;
        return done + " at " + model.position(line, column)
                + ", which DuckDB converts and Athena (Trino) does not: it converts no text for " + use.where + " and fails the query"
                + " (" + use.athenaError + "); write " + instead + ", or " + use.asText + " (CAST(x AS VARCHAR))";
    }

    static int lineOf(Node node) {
        return node.getLocation().map(NodeLocation::getLineNumber).orElse(1);
    }

    static int columnOf(Node node) {
        return node.getLocation().map(NodeLocation::getColumnNumber).orElse(1);
    }

    /** Where a quoted text starting at {@code start} ends (after its closing quote; a doubled quote is inside it); empty for another form. */
    private static Optional<Integer> end(String sql, int start) {
        if (start >= sql.length() || sql.charAt(start) != '\'') {
            // U&'…' and the like: not probed.
            return Optional.empty();
        }
        int i = start + 1;
        while (i < sql.length()) {
            if (sql.charAt(i) == '\'') {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == '\'') {
                    i += 2;
                    continue;
                }
                return Optional.of(i + 1);
            }
            i++;
        }
        return Optional.empty();
    }

    /** The parenthesis closing the one at {@code open}, past texts, quoted names and comments. */
    private static Optional<Integer> closing(String sql, int open) {
        int depth = 0;
        int i = open;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"') {
                int end = sql.indexOf(c, i + 1);
                while (end >= 0 && end + 1 < sql.length() && sql.charAt(end + 1) == c) {
                    end = sql.indexOf(c, end + 2);
                }
                if (end < 0) {
                    return Optional.empty();
                }
                i = end + 1;
                continue;
            }
            if (sql.startsWith("--", i)) {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? sql.length() : end;
                continue;
            }
            if (sql.startsWith("/*", i)) {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? sql.length() : end + 2;
                continue;
            }
            if (c == '(') {
                depth++;
            }
            else if (c == ')' && --depth == 0) {
                return Optional.of(i);
            }
            i++;
        }
        return Optional.empty();
    }

    /** The SQL with each edit made, its offsets those of the SQL as given. */
    static String apply(String sql, List<Edit> edits) {
        StringBuilder edited = new StringBuilder(sql);
        edits.stream().sorted(Comparator.comparingInt(Edit::start).reversed())
                .forEach(edit -> edited.replace(edit.start(), edit.end(), edit.text()));
        return edited.toString();
    }

    record Edit(int start, int end, String text) {}

    /** Offsets of the parser's places (line and column from 1) in the SELECT. */
    static final class Lines {
        private final List<Integer> starts = new ArrayList<>();
        private final int length;

        Lines(String sql) {
            starts.add(0);
            for (int i = 0; i < sql.length(); i++) {
                if (sql.charAt(i) == '\n') {
                    starts.add(i + 1);
                }
            }
            length = sql.length();
        }

        Optional<Integer> offset(Node node) {
            return node.getLocation()
                    .filter(location -> location.getLineNumber() >= 1 && location.getLineNumber() <= starts.size())
                    .map(location -> starts.get(location.getLineNumber() - 1) + location.getColumnNumber() - 1)
                    .filter(offset -> offset < length);
        }
    }
}
