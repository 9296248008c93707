package dev.medallion.local.gold;

import io.trino.grammar.sql.SqlBaseParser;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.tree.ParseTree;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What an operand of a date's + or - comes to as an interval, read from Trino's parse tree of it, not from its text: a comment
 * or a quoted text holds no interval, and a sum of intervals ({@code INTERVAL '12' HOUR + INTERVAL '12' HOUR}) or one counted by
 * a number ({@code 2 * INTERVAL '12' HOUR}) is what it comes to. Trino adds to a date an interval day to second only when it is
 * whole days, and fails the query on the first row whose is not (DateTimeOperators.datePlusIntervalDayToSecond, {@code Cannot
 * add hour, minutes or seconds to a date}), where DuckDB makes the sum a TIMESTAMP at that hour.
 */
sealed interface IntervalReading {
    /** Seconds in a day, which an interval day to second Trino adds to a date is a multiple of. */
    BigDecimal DAY = BigDecimal.valueOf(24 * 60 * 60);

    /** An interval day to second of the same seconds on every row: literals, their sums and their multiples by a literal number. */
    record Constant(BigDecimal seconds) implements IntervalReading {
        public Constant {
            requireNonNull(seconds, "seconds is null");
        }

        boolean wholeDays() {
            return seconds.remainder(DAY).signum() == 0;
        }
    }

    /** Whole months or years, Trino's interval year to month, which it adds to a date whatever the count. */
    record YearMonth() implements IntervalReading {}

    /** Whole days multiplied by numbers that are not literals ({@code days * INTERVAL '1' DAY}): whole days on every row where each is whole. */
    record WholeDaysTimes(List<Factor> factors) implements IntervalReading {
        public WholeDaysTimes {
            factors = List.copyOf(factors);
        }
    }

    /** Hours, minutes or seconds that are not whole days on some rows ({@code hours * INTERVAL '1' HOUR}). */
    record HoursOnSomeRows() implements IntervalReading {}

    /** A literal number, a factor of an interval. */
    record Number(BigDecimal value) implements IntervalReading {
        public Number {
            requireNonNull(value, "value is null");
        }
    }

    /** Anything else: a column, a function's result, a CASE; a factor when multiplied by an interval. */
    record Other(Factor factor, boolean holdsHours) implements IntervalReading {
        public Other {
            requireNonNull(factor, "factor is null");
        }
    }

    /**
     * A number an interval is multiplied by, as written, and the model's SELECT with it made {@code ((n) ^@ (''))}, which DuckDB
     * refuses naming its type.
     */
    record Factor(String written, String probe) {
        public Factor {
            requireNonNull(written, "written is null");
            requireNonNull(probe, "probe is null");
        }
    }

    /** The operand {@code expression} of {@code select} (as the parse tree was made of it) read as an interval. */
    static IntervalReading of(String select, ParserRuleContext expression) {
        requireNonNull(select, "select is null");
        ParserRuleContext context = unwrap(expression);
        if (context instanceof SqlBaseParser.IntervalLiteralContext literal) {
            return literal(literal.interval()).orElseGet(() -> other(select, context));
        }
        if (context instanceof SqlBaseParser.NumericLiteralContext number) {
            try {
                return new Number(new BigDecimal(number.getText()));
            }
            catch (NumberFormatException e) {
                return other(select, context);
            }
        }
        if (context instanceof SqlBaseParser.ArithmeticUnaryContext unary) {
            IntervalReading operand = of(select, unary.valueExpression());
            if (unary.operator.getType() != SqlBaseParser.MINUS) {
                return operand;
            }
            if (operand instanceof Constant constant) {
                return new Constant(constant.seconds().negate());
            }
            if (operand instanceof Number number) {
                return new Number(number.value().negate());
            }
            return operand instanceof Other ? other(select, context) : operand;
        }
        if (context instanceof SqlBaseParser.SearchedCaseContext || context instanceof SqlBaseParser.SimpleCaseContext) {
            return choice(select, context).orElseGet(() -> other(select, context));
        }
        if (context instanceof SqlBaseParser.ArithmeticBinaryContext binary) {
            IntervalReading left = of(select, binary.left);
            IntervalReading right = of(select, binary.right);
            Optional<IntervalReading> result = switch (binary.operator.getType()) {
                case SqlBaseParser.PLUS -> sum(left, right, false);
                case SqlBaseParser.MINUS -> sum(left, right, true);
                case SqlBaseParser.ASTERISK -> product(left, right).or(() -> product(right, left));
                // Trino divides an interval day to second by a double only; DuckDB, dividing as integers, divides no interval.
                default -> Optional.empty();
            };
            return result.orElseGet(() -> other(select, context));
        }
        return other(select, context);
    }

    /**
     * A CASE whose results are all whole days for whole factors (the factors of all), or one of which holds hours; empty when
     * a result is not one this reads, or the CASE has no ELSE (a NULL added to a date is NULL in both engines, so whole days).
     */
    private static Optional<IntervalReading> choice(String select, ParserRuleContext context) {
        List<SqlBaseParser.WhenClauseContext> whens = context instanceof SqlBaseParser.SearchedCaseContext searched ? searched.whenClause()
                : ((SqlBaseParser.SimpleCaseContext) context).whenClause();
        SqlBaseParser.ExpressionContext otherwise = context instanceof SqlBaseParser.SearchedCaseContext searched ? searched.elseExpression
                : ((SqlBaseParser.SimpleCaseContext) context).elseExpression;
        List<ParserRuleContext> results = new ArrayList<>();
        whens.forEach(when -> results.add(when.result));
        if (otherwise != null) {
            results.add(otherwise);
        }
        List<Factor> factors = new ArrayList<>();
        boolean yearMonth = false;
        for (ParserRuleContext result : results) {
            IntervalReading reading = of(select, result);
            if (reading instanceof HoursOnSomeRows || reading instanceof Constant constant && !constant.wholeDays()) {
                return Optional.of(new HoursOnSomeRows());
            }
            if (reading instanceof YearMonth) {
                yearMonth = true;
                continue;
            }
            Optional<List<Factor>> whole = wholeDays(reading);
            if (whole.isEmpty()) {
                return Optional.empty();
            }
            factors.addAll(whole.get());
        }
        // Trino has no common type of an interval year to month and one day to second: such a CASE fails there whatever this says.
        return Optional.of(yearMonth && factors.isEmpty() && results.stream().allMatch(result -> of(select, result) instanceof YearMonth)
                ? new YearMonth() : new WholeDaysTimes(factors));
    }

    /** The sum or difference of two intervals; empty when either is not one this reads. */
    private static Optional<IntervalReading> sum(IntervalReading left, IntervalReading right, boolean difference) {
        if (left instanceof Constant l && right instanceof Constant r) {
            return Optional.of(new Constant(difference ? l.seconds().subtract(r.seconds()) : l.seconds().add(r.seconds())));
        }
        if (left instanceof YearMonth && right instanceof YearMonth) {
            return Optional.of(left);
        }
        if (left instanceof HoursOnSomeRows || right instanceof HoursOnSomeRows) {
            return Optional.of(new HoursOnSomeRows());
        }
        if (wholeDays(left).isPresent() && wholeDays(right).isPresent()) {
            List<Factor> factors = new ArrayList<>(wholeDays(left).get());
            factors.addAll(wholeDays(right).get());
            return Optional.of(new WholeDaysTimes(factors));
        }
        if (left instanceof Constant || right instanceof Constant) {
            // Hours beside whole days counted by a number: not whole days on a row.
            boolean otherSideRead = left instanceof WholeDaysTimes || right instanceof WholeDaysTimes;
            return otherSideRead ? Optional.of(new HoursOnSomeRows()) : Optional.empty();
        }
        return Optional.empty();
    }

    /** The factors under which the interval is whole days, if it is whole days for whole factors. */
    private static Optional<List<Factor>> wholeDays(IntervalReading reading) {
        if (reading instanceof Constant constant && constant.wholeDays()) {
            return Optional.of(List.of());
        }
        if (reading instanceof WholeDaysTimes times) {
            return Optional.of(times.factors());
        }
        return Optional.empty();
    }

    /** The interval {@code interval} multiplied by {@code factor}; empty when {@code interval} is not one this reads. */
    private static Optional<IntervalReading> product(IntervalReading interval, IntervalReading factor) {
        if (!(factor instanceof Number || factor instanceof Other)) {
            return Optional.empty();
        }
        if (interval instanceof YearMonth || interval instanceof HoursOnSomeRows) {
            return Optional.of(interval);
        }
        if (factor instanceof Number number) {
            if (interval instanceof Constant constant) {
                return Optional.of(new Constant(constant.seconds().multiply(number.value())));
            }
            if (interval instanceof WholeDaysTimes) {
                return Optional.of(number.value().stripTrailingZeros().scale() <= 0 ? interval : new HoursOnSomeRows());
            }
            return Optional.empty();
        }
        Factor counted = ((Other) factor).factor();
        if (interval instanceof Constant constant) {
            return Optional.of(constant.wholeDays() ? new WholeDaysTimes(List.of(counted)) : new HoursOnSomeRows());
        }
        if (interval instanceof WholeDaysTimes times) {
            List<Factor> factors = new ArrayList<>(times.factors());
            factors.add(counted);
            return Optional.of(new WholeDaysTimes(factors));
        }
        return Optional.empty();
    }

    /** An interval literal of one field ({@code INTERVAL '36' HOUR}, {@code INTERVAL -'1' DAY}); empty for one this does not read. */
    private static Optional<IntervalReading> literal(SqlBaseParser.IntervalContext interval) {
        if (interval.to != null || !(interval.string() instanceof SqlBaseParser.BasicStringLiteralContext)) {
            return Optional.empty();
        }
        String quoted = interval.string().getText();
        BigDecimal count;
        try {
            count = new BigDecimal(quoted.substring(1, quoted.length() - 1).strip());
        }
        catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (interval.sign != null && interval.sign.getType() == SqlBaseParser.MINUS) {
            count = count.negate();
        }
        long perUnit = switch (interval.from.getText().toUpperCase(Locale.ROOT)) {
            case "YEAR", "MONTH" -> 0;
            case "DAY" -> 24 * 60 * 60;
            case "HOUR" -> 60 * 60;
            case "MINUTE" -> 60;
            default -> 1;
        };
        return Optional.of(perUnit == 0 ? new YearMonth() : new Constant(count.multiply(BigDecimal.valueOf(perUnit))));
    }

    /** An expression this does not read as an interval, holding hours if any interval literal in it is not whole days. */
    private static IntervalReading other(String select, ParserRuleContext context) {
        String written = OperatorProbe.text(select, context);
        int start = OperatorProbe.offset(select, context.start.getStartIndex());
        int end = OperatorProbe.offset(select, context.stop.getStopIndex() + 1);
        String probe = TextComparison.apply(select, List.of(new TextComparison.Edit(start, end, "((" + written + "\n) ^@ (''))")));
        return new Other(new Factor(written, probe), holdsHours(context));
    }

    /** Whether an interval literal in the tree, not in a comment or a text, counts hours, minutes or seconds that are not whole days. */
    private static boolean holdsHours(ParseTree tree) {
        if (tree instanceof SqlBaseParser.IntervalContext interval) {
            return literal(interval).filter(reading -> reading instanceof Constant constant && !constant.wholeDays()).isPresent();
        }
        for (int i = 0; i < tree.getChildCount(); i++) {
            if (holdsHours(tree.getChild(i))) {
                return true;
            }
        }
        return false;
    }

    /** The expression inside parentheses and the grammar's one-child contexts. */
    static ParserRuleContext unwrap(ParserRuleContext expression) {
        ParserRuleContext context = expression;
        while (true) {
            if (context instanceof SqlBaseParser.ParenthesizedExpressionContext parenthesized) {
                context = parenthesized.expression();
            }
            else if (context instanceof SqlBaseParser.ExpressionContext || context instanceof SqlBaseParser.ValueExpressionDefaultContext
                    || context instanceof SqlBaseParser.PredicatedContext predicated && predicated.predicate() == null) {
                context = (ParserRuleContext) context.getChild(0);
            }
            else {
                return context;
            }
        }
    }
}
