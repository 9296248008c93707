package dev.medallion.local.gold;

import dev.medallion.gold.model.GoldModel;
import io.trino.grammar.sql.SqlBaseBaseListener;
import io.trino.grammar.sql.SqlBaseLexer;
import io.trino.grammar.sql.SqlBaseParser;
import io.trino.sql.tree.DefaultTraversalVisitor;
import io.trino.sql.tree.FunctionCall;
import io.trino.sql.tree.Statement;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.tree.ParseTree;
import org.antlr.v4.runtime.tree.ParseTreeWalker;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * An operator, or a function, DuckDB applies to operands Athena (Trino) refuses for it or answers otherwise, and the SELECT
 * that tells the operands' types:
 * <ul>
 * <li>{@code ||} joining text with a number, a date or a boolean ({@code region || customer_id}, {@code 'a' || 1}), which
 * DuckDB turns into text, where Trino's {@code ||}, its concat, takes only text, varbinary or arrays and fails the query
 * ({@code Unexpected parameters (varchar, integer) for function concat}: github.com/trinodb/trino/issues/9988 lists its
 * signatures). The probe is the SELECT with this one {@code ||} made {@code ^@}, DuckDB's starts_with, which binds
 * VARCHAR and VARCHAR only and is an operator of the same precedence and grouping as {@code ||} in DuckDB's grammar, so
 * its operands are the same; DuckDB's refusal names their types.</li>
 * <li>a date minus a date ({@code DATE '2026-06-01' - signup_date}), which DuckDB makes a BIGINT of days where Trino,
 * which has no date minus date, reads both as timestamps (TypeCoercion: date to timestamp(0)) and subtracts those
 * (TimestampOperators.TimestampMinusTimestamp), an interval day to second no Athena table holds and no number compares
 * with. Its probe is that of + and -, below; DuckDB's refusal names two DATEs.</li>
 * <li>a quoted number that is an operand of arithmetic or an argument of a function ({@code quantity / '2'},
 * {@code round(total_amount, '1')}), which DuckDB converts to the number wanted there, where Trino converts no text to a
 * number and fails the query (github.com/trinodb/trino/pull/12431). The probe is the SELECT with the text typed,
 * {@code CAST('2' AS VARCHAR)}, which DuckDB converts no more: it refuses that very operator or function, naming it, exactly
 * when it had converted the text.</li>
 * <li>a date plus or minus a number ({@code signup_date + 1}, {@code signup_date + days}), which DuckDB counts in days,
 * where Trino adds to a date, or subtracts from one, only an interval (DateTimeOperators in github.com/trinodb/trino:
 * date and interval day to second or year to month, no integer), and fails the query ({@code Cannot apply operator:
 * date + integer}); and a date plus or minus an interval literal of hours, minutes or seconds that is not whole days
 * ({@code signup_date + INTERVAL '1' HOUR}), which DuckDB makes a TIMESTAMP at that hour and Trino refuses when it runs
 * ({@code Cannot add hour, minutes or seconds to a date}, DateTimeOperators.datePlusIntervalDayToSecond), as it does an
 * interval counted from such a literal ({@code signup_date + n * INTERVAL '1' HOUR}) on the first row whose hours are not whole
 * days: the interval is read from Trino's parse tree ({@link IntervalReading}), so one in a comment is none, and a sum of hours
 * that is whole days ({@code INTERVAL '12' HOUR + INTERVAL '12' HOUR}) is days. The probe is
 * the SELECT with the operation {@code l + r} made {@code ((l) ^@ (r))}: its operands are found in Trino's own parse
 * tree (its grammar's contexts, which know where each operand starts and ends, where the syntax tree knows only where
 * the operator is), and DuckDB's refusal names both types.</li>
 * <li>a date plus or minus whole days, months or years ({@code signup_date + INTERVAL '1' DAY}) that is a column of the
 * table as it stands: DuckDB makes it a TIMESTAMP ({@code 2026-01-02 00:00:00}), Trino a DATE (datePlusIntervalDayToSecond
 * returns a date), so the local table's column has another type, and other values and partition folders, than Athena's.
 * So is one cast to text ({@code CAST(signup_date + INTERVAL '1' DAY AS VARCHAR)}), {@code 2026-01-02 00:00:00} locally
 * and {@code 2026-01-02} in Athena, whose cast of a date to varchar writes the date alone.
 * Elsewhere (compared with a date, inside {@code CAST(... AS DATE)}, {@code year(...)}) both give the same answer, and it
 * is left alone.</li>
 * <li>{@code date_trunc(unit, d)} of a date that is itself a column of the table, alone or with whole days, months or years added
 * after it ({@code date_trunc('month', d) + INTERVAL '1' DAY}, a DATE plus days being a DATE to Trino), for the same reason: DuckDB makes it a
 * TIMESTAMP, where Trino's date_trunc is of its argument's type ({@code date_trunc(unit, x) -> [same as input]},
 * trino.io/docs/current/functions/datetime.html), or cast to text. The probe is the SELECT with the argument made {@code ((d) ^@ (''))}.</li>
 * <li>a quoted text added to a timestamp ({@code "timestamp" + '1 day'}), which DuckDB reads as an interval, or added to or
 * subtracted from a date, which DuckDB cannot choose how to read, where Trino converts no text to an interval (TypeCoercion
 * in github.com/trinodb/trino: varchar coerces to no interval, no number, no date) and fails the query ({@code Cannot apply
 * operator: timestamp(3) + varchar(5)}). Its probe is that of + and -; DuckDB's refusal names a STRING_LITERAL beside the
 * DATE or TIMESTAMP. DuckDB refuses the model itself for a date: the probe replaces the operator, so it is tried then too.</li>
 * <li>an argument of {@code concat_ws} that is not text: Trino's takes varchar arguments, or one array(varchar), skipping a NULL
 * as DuckDB does (ConcatWsFunction in github.com/trinodb/trino), where DuckDB turns a number, a date or a boolean into text
 * and writes an array as one text ({@code [north, gift]}) in place of its elements joined. The probe is the SELECT with the
 * argument made {@code ((a) ^@ (''))}.</li>
 * <li>a DECIMAL divided by a number that is not a DOUBLE ({@code CAST(x AS DECIMAL(10,2)) / 3}), which DuckDB divides as a DOUBLE
 * (0.3333333333333333) and Trino as a DECIMAL of the larger scale, rounded (0.33): another column type and other values. Its
 * probe is that of + and -.</li>
 * <li>a timestamp cast to text ({@code CAST(ts AS VARCHAR)}, also a WITH query's column): Trino writes the digits of its precision
 * (TimestampToVarcharCast: {@code 2026-06-02 00:00:00.000} for the timestamp(3) of a silver column), DuckDB no fraction for whole
 * seconds, and what DuckDB types TIMESTAMP may be Trino's DATE (a date plus days), written as the date alone. The probe is the
 * SELECT with the operand made {@code ((x) ^@ (''))}, placed at the cast's AS so that a date sum's own refusal comes first; a
 * timestamp literal of whole seconds, Trino's timestamp(0), is written alike and left alone.</li>
 * <li>hours added to or subtracted from a date plus whole days, months or years after it ({@code d + INTERVAL '1' DAY + INTERVAL
 * '1' HOUR}): Trino's sum is a DATE, to which it adds no hours, DuckDB's a TIMESTAMP, so the probe of the later operator sees no
 * date; the date's own probe reads the later intervals from the parse tree ({@link LaterInterval}). So are hours after date_trunc of
 * a date ({@code date_trunc('month', d) + INTERVAL '1' HOUR}), Trino's DATE (DateTimeFunctions.truncateDate), DuckDB's TIMESTAMP:
 * the date_trunc probe, which types the argument, reads them; and after a date_trunc of either ({@code date_trunc('month', d +
 * INTERVAL '1' DAY) + INTERVAL '1' HOUR}), whose own probe sees DuckDB's TIMESTAMP, read by the inner one's ({@link LaterTruncation}).
 * So are hours added to a WITH query's or a subquery's column that is either ({@code next_day + INTERVAL '1' HOUR}): the later
 * operator's probe, made with the date in {@code CAST(... AS DATE)}, names a DATE ({@link HoursElsewhere}). And a date_trunc, or a +
 * or - of whole days, whose operand DuckDB types a TIMESTAMP that another date operation makes Trino's DATE ({@code date_trunc('month',
 * d + INTERVAL '1' DAY)} as a column, {@code next_day + INTERVAL '1' DAY + INTERVAL '1' HOUR}, {@code date_trunc('month', next_day) +
 * INTERVAL '1' HOUR}) is taken for one of a DATE: its probe, made with that operation in {@code CAST(... AS DATE)}, names a DATE
 * ({@link Retyping}).</li>
 * <li>months or years multiplied by a number that is not an integer ({@code INTERVAL '1' MONTH * 0.5}), which DuckDB makes days
 * (15 days) and Trino whole months, the rest dropped (IntervalYearMonthOperators.multiplyByDouble: {@code (long) (months * factor)},
 * 0 months). The interval is read from Trino's parse tree, the number's type from the probe, that of + and -.</li>
 * <li>such a date sum or date_trunc in a WITH query or a subquery, whose column reaches the table as it is: its second probe,
 * the SELECT with the operation in {@code CAST(... AS DATE)}, makes that column of the table a DATE where the model makes it a
 * TIMESTAMP ({@link DuckDbPlan#columnMadeDate}).</li>
 * </ul>
 * Prepared, not run, a probe fails on that refusal exactly when the types are those Athena refuses; a probe failing
 * otherwise says nothing of the model.
 * A quoted date or timestamp given to a function ({@code date_diff('day', signup_date, '2026-06-01')}) is probed as a quoted
 * number is: DuckDB converts it, where Trino converts no varchar to a date or a timestamp (TypeCoercion) and finds no
 * signature ({@code date_diff(varchar, date, varchar(10))}).
 * A quoted number is found as an argument in a call and in {@code SUBSTRING(x FROM s FOR n)}, a form of its own in Trino's
 * grammar; a function DuckDB defines as a macro ({@code split_part}) is refused under a function of its body's name
 * ({@code array_extract}), which the probe's refusal is taken for.
 *
 * @param operator {@code ||}, {@code +}, {@code -}, {@code /}, {@code *} (months or years times a number), {@code cast} (to text, its operand left, its type right), {@code date_trunc}, {@code concat_ws} (an argument), or {@code text} for a quoted number
 * @param left the left operand as written, for {@code +} and {@code -}, date_trunc's unit, concat_ws's argument, or the operator or
 * function a quoted number is given to; empty for {@code ||}
 * @param right the right operand as written, for {@code +} and {@code -}, the argument of date_trunc, or the quoted number; empty for {@code ||}
 * @param line the operator's line in the SELECT, from 1 (for date_trunc, the call's; for a quoted number, the text's)
 * @param column the operator's column on that line, from 1 (for a quoted number, the text's)
 * @param probe the model's SELECT, with {@link GoldModel#SILVER_DATABASE} still in it, made to fail on the operands' types
 * @param tableColumn whether the operation is the whole of a column of the final SELECT, so of the table (parentheses and an
 * alias aside): a date plus whole days there is a TIMESTAMP column locally and a DATE column in Athena
 * @param castToDate for {@code +}, {@code -} and date_trunc, the model's SELECT with the operation in {@code CAST(... AS DATE)}:
 * a column of the table it makes a DATE is one the operation reaches through a WITH query or a subquery; empty for the rest
 * @param textCast for {@code +}, {@code -} and date_trunc, the text type of a CAST or TRY_CAST the operation is the whole operand of
 * ({@code VARCHAR}, {@code varchar(10)}, as written): DuckDB's TIMESTAMP is other text than Athena's DATE; empty for none and the rest
 * @param intervals for {@code +} and {@code -}, the operands read as intervals; for {@code *}, the operands read so too
 * @param later for {@code +}, {@code -} and date_trunc, the intervals the sum or the call is in turn added to or subtracted from, and the
 * date_trunc calls it is the argument of on the way; empty for the rest
 * @param hoursElsewhere for {@code +}, {@code -} and date_trunc, the hours added to or subtracted from something elsewhere in the SELECT, apart
 * from the operation, each with its probe with the operation in {@code CAST(... AS DATE)}: a WITH query's column the operation makes is
 * a DATE to Trino there, to which it adds no hours; empty for the rest
 * @param retypings for {@code +}, {@code -} and date_trunc, this probe made with each other date operation of the SELECT, in or apart
 * from this one's operands, in {@code CAST(... AS DATE)}: an operand DuckDB types a TIMESTAMP that is a DATE there is Trino's DATE,
 * made by that operation ({@code date_trunc('month', d + INTERVAL '1' DAY)}, a WITH query's column {@code next_day}); empty for the rest
 */
record OperatorProbe(String operator, String left, String right, int line, int column, String probe, boolean tableColumn, String castToDate, String textCast,
        List<IntervalReading> intervals, List<Later> later, List<HoursElsewhere> hoursElsewhere, List<Retyping> retypings) {
    /** DuckDB's refusal of the probe's ^@, naming the operands' types. */
    private static final Pattern NO_FUNCTION = Pattern.compile("No function matches the given name and argument types '\\^@\\((.*)\\)'");
    /** DuckDB's refusal of a function or an operator given a typed text, naming it and its arguments' types. */
    private static final Pattern NO_FUNCTION_FOR_TEXT = Pattern.compile(
            "(?:No function matches the given name and argument types '|Could not choose a best candidate function for the function call \")([^(]+)\\((.*)\\)['\"]");
    private static final Pattern INTEGER = Pattern.compile("U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?");
    /** A quoted interval DuckDB reads: a count and a unit, singular or plural ('1 day', '2 months'). */
    private static final Pattern TEXT_INTERVAL = Pattern.compile("(?i)\\s*([+-]?\\d{1,9})\\s*(YEAR|MONTH|WEEK|DAY|HOUR|MINUTE|SECOND)S?\\s*");
    /** Why Athena's column differs, said of a date sum or truncation that reaches a column of the table from a WITH query or a subquery. */
    private static final String REACHES_THE_TABLE = ", which DuckDB makes a TIMESTAMP and Athena (Trino) keeps a DATE, so the column's type, its values"
            + " and its partition folders would differ from Athena's";

    /** A schema name as long as the placeholder, so that places in the parsed SELECT are places in the model's. */
    private static final String SAME_LENGTH_SCHEMA = "silver" + "_".repeat(GoldModel.SILVER_DATABASE.length() - "silver".length());

    OperatorProbe {
        requireNonNull(operator, "operator is null");
        requireNonNull(left, "left is null");
        requireNonNull(right, "right is null");
        requireNonNull(probe, "probe is null");
        requireNonNull(castToDate, "castToDate is null");
        requireNonNull(textCast, "textCast is null");
        intervals = List.copyOf(intervals);
        later = List.copyOf(later);
        hoursElsewhere = List.copyOf(hoursElsewhere);
        retypings = List.copyOf(retypings);
    }

    private OperatorProbe(String operator, String left, String right, int line, int column, String probe, boolean tableColumn) {
        this(operator, left, right, line, column, probe, tableColumn, "", "", List.of(), List.of(), List.of(), List.of());
    }

    /**
     * Hours, minutes or seconds that are not whole days ({@code next_day + INTERVAL '1' HOUR}) added to or subtracted from
     * something that DuckDB types a TIMESTAMP, which may be a WITH query's column that is Trino's DATE (a date plus whole days,
     * date_trunc of a date) made elsewhere in the SELECT.
     *
     * @param operator {@code +} or {@code -}
     * @param date what the interval is added to or subtracted from, as written
     * @param interval the interval as written
     * @param reading the interval as read from the parse tree
     * @param dateFirst whether {@code date} is the left operand
     * @param line the operator's line in the SELECT, from 1
     * @param column the operator's column on that line, from 1
     * @param typing the edit that makes the operation, from where it starts to where it ends in the SELECT, {@code ((l) ^@ (r))}, which
     * DuckDB refuses naming both types
     * @param ownProbe the model's SELECT with only that edit: a DATE there is the operator's own probe's to refuse
     * @param probe the same edit with a date operation elsewhere in {@code CAST(... AS DATE)}; empty until it is made
     */
    record HoursElsewhere(String operator, String date, String interval, IntervalReading reading, boolean dateFirst, int line, int column,
            TextComparison.Edit typing, String ownProbe, String probe) {
        HoursElsewhere {
            requireNonNull(operator, "operator is null");
            requireNonNull(date, "date is null");
            requireNonNull(interval, "interval is null");
            requireNonNull(reading, "reading is null");
            requireNonNull(typing, "typing is null");
            requireNonNull(ownProbe, "ownProbe is null");
            requireNonNull(probe, "probe is null");
        }

        /** This, probed with {@code cast} (the edit making a date operation elsewhere a DATE) applied to the SELECT too. */
        HoursElsewhere probedWith(String select, TextComparison.Edit cast) {
            return new HoursElsewhere(operator, date, interval, reading, dateFirst, line, column, typing, ownProbe,
                    TextComparison.apply(select, List.of(cast, typing)));
        }

        /** Whether the operation and {@code [from, to)} share a character: the hours are then in or around it, {@link Later}'s to read. */
        boolean overlaps(int from, int to) {
            return typing.start() < to && from < typing.end();
        }
    }

    /**
     * Every + and - of the SELECT whose interval operand holds hours, minutes or seconds that are not whole days on some row, as
     * read from Trino's parse tree: literals, or counted from them; an interval not read ({@code IntervalReading.Other}) may be no
     * interval at all and is left to DuckDB.
     */
    private static List<HoursElsewhere> hoursAdded(String select, ParseTree tree) {
        List<HoursElsewhere> added = new ArrayList<>();
        ParseTreeWalker.DEFAULT.walk(new SqlBaseBaseListener() {
            @Override
            public void enterArithmeticBinary(SqlBaseParser.ArithmeticBinaryContext context) {
                int type = context.operator.getType();
                if (type != SqlBaseLexer.PLUS && type != SqlBaseLexer.MINUS) {
                    return;
                }
                IntervalReading right = IntervalReading.of(select, context.right);
                IntervalReading left = IntervalReading.of(select, context.left);
                boolean dateFirst = mayHoldHours(right);
                if (!dateFirst && !(type == SqlBaseLexer.PLUS && mayHoldHours(left))) {
                    return;
                }
                int start = offset(select, context.left.start.getStartIndex());
                int end = offset(select, context.right.stop.getStopIndex() + 1);
                String leftText = text(select, context.left);
                String rightText = text(select, context.right);
                TextComparison.Edit typing = new TextComparison.Edit(start, end, "((" + leftText + "\n) ^@ (" + rightText + "\n))");
                added.add(new HoursElsewhere(type == SqlBaseLexer.PLUS ? "+" : "-", dateFirst ? leftText : rightText, dateFirst ? rightText : leftText,
                        dateFirst ? right : left, dateFirst, context.operator.getLine(), context.operator.getCharPositionInLine() + 1, typing,
                        TextComparison.apply(select, List.of(typing)), ""));
            }
        }, tree);
        return added;
    }

    /**
     * A date plus or minus whole days, months or years, or a date_trunc call (with whole days, months or years after it), which is
     * Trino's DATE where its date operand is a DATE (DateTimeOperators.datePlusIntervalDayToSecond, datePlusIntervalYearToMonth,
     * DateTimeFunctions.truncateDate) and DuckDB's TIMESTAMP: another operation DuckDB types with that TIMESTAMP, in the same
     * expression or through a WITH query's or a subquery's column, is one of a DATE to Trino.
     *
     * @param operator {@code +}, {@code -} or {@code date_trunc}
     * @param subject what the operation is, said in a message ({@code a date plus whole days, months or years})
     * @param line the operator's line in the SELECT, from 1 (for date_trunc, the call's)
     * @param column the operator's column on that line, from 1
     * @param castToDate the edit that makes the operation {@code CAST(... AS DATE)}, which DuckDB then types as Trino does
     * @param probe the model's SELECT with the operation's operands typed ({@code ((l) ^@ (r))}), refused by DuckDB naming their types
     * @param readings for a sum, its operands read as intervals; empty for date_trunc
     * @param operands where its operands are in the SELECT, to retype them ({@link DateMakings#makesADate})
     */
    record DateMaking(String operator, String subject, int line, int column, TextComparison.Edit castToDate, String probe, List<IntervalReading> readings,
            Operands operands) {
        DateMaking {
            requireNonNull(operator, "operator is null");
            requireNonNull(subject, "subject is null");
            requireNonNull(castToDate, "castToDate is null");
            requireNonNull(probe, "probe is null");
            readings = List.copyOf(readings);
            requireNonNull(operands, "operands is null");
        }

        /**
         * Whether DuckDB's refusal of {@code typed} (the probe, or it retyped) names {@code type} where the operation wants a date:
         * date_trunc's argument, or a sum's operand beside an interval of whole days, months or years.
         */
        private boolean names(String type, String typed, DuckDbPlan plan) {
            Optional<List<String>> types = plan.refusal(typed).map(NO_FUNCTION::matcher).filter(Matcher::find).map(refused -> arguments(refused.group(1)));
            if (types.isEmpty() || types.get().size() != 2) {
                return false;
            }
            if (operator.equals("date_trunc")) {
                return types.get().get(0).equals(type);
            }
            return types.get().get(0).equals(type) && types.get().get(1).equals("INTERVAL") && isWholeDays(readings.get(1))
                    || types.get().get(0).equals("INTERVAL") && types.get().get(1).equals(type) && isWholeDays(readings.get(0)) && operator.equals("+");
        }
    }

    /**
     * Where an operation's operands are in the SELECT, as offsets: {@code [leftStart, leftEnd)} and {@code [rightStart, rightEnd)},
     * a negative rightStart for none (date_trunc's argument alone).
     */
    record Operands(int leftStart, int leftEnd, int rightStart, int rightEnd) {}

    /**
     * The date operations of one SELECT, and which of them Trino types a DATE: one whose probe DuckDB refuses naming a DATE where it
     * wants one, or naming a TIMESTAMP there that is a DATE with another operation that Trino types a DATE in {@code CAST(... AS DATE)}
     * ({@code date_trunc('year', date_trunc('month', d + INTERVAL '1' DAY))}, a WITH query's column made of the last one's, in as
     * many steps as are written). DuckDB types every step after the first a TIMESTAMP, so each step is asked with the one before it
     * cast, and that one in turn, down to a date DuckDB types a DATE too. An operation of a timestamp is a TIMESTAMP in both.
     */
    static final class DateMakings {
        private final String select;
        private final List<DateMaking> makings;

        DateMakings(String select, List<DateMaking> makings) {
            this.select = requireNonNull(select, "select is null");
            this.makings = List.copyOf(makings);
        }

        List<DateMaking> all() {
            return makings;
        }

        /** Whether Trino types {@code making} a DATE, as far as DuckDB's probes, retyped step by step, tell. */
        boolean makesADate(DateMaking making, DuckDbPlan plan) {
            return makesADate(making, plan, new HashMap<>());
        }

        private boolean makesADate(DateMaking making, DuckDbPlan plan, Map<DateMaking, Boolean> known) {
            Boolean answer = known.get(making);
            if (answer != null) {
                return answer;
            }
            // Taken for no date while it is asked, so that operations that retype each other end.
            known.put(making, false);
            boolean date = making.names("DATE", making.probe(), plan)
                    || making.names("TIMESTAMP", making.probe(), plan) && retypings(select, this, making.operands()).stream()
                            .anyMatch(retyping -> making.names("DATE", retyping.probe(), plan) && makesADate(retyping.making(), plan, known));
            known.put(making, date);
            return date;
        }
    }

    /**
     * A probe of + or - or date_trunc made with another date operation of the SELECT in {@code CAST(... AS DATE)}.
     *
     * @param making that operation
     * @param probe the model's SELECT with that cast and this operation's operands typed
     * @param inside whether that operation is inside one of this one's operands ({@code date_trunc('month', d + INTERVAL '1' DAY)}),
     * whose own probe reads the intervals after this one ({@link Later}), or apart from them (a WITH query's column)
     * @param among the SELECT's date operations, which tell whether Trino types that operation a DATE
     */
    record Retyping(DateMaking making, String probe, boolean inside, DateMakings among) {
        Retyping {
            requireNonNull(making, "making is null");
            requireNonNull(probe, "probe is null");
            requireNonNull(among, "among is null");
        }

        /** Whether Trino types that operation a DATE ({@link DateMakings#makesADate}). */
        boolean makesADate(DuckDbPlan plan) {
            return among.makesADate(making, plan);
        }
    }

    /**
     * Every + and - of the SELECT with an interval of whole days, months or years as an operand, and every date_trunc call: the
     * operations that are Trino's DATE where DuckDB makes a TIMESTAMP, when their date operand is a DATE.
     */
    private static DateMakings dateMakings(String select, ParseTree tree) {
        List<DateMaking> makings = new ArrayList<>();
        ParseTreeWalker.DEFAULT.walk(new SqlBaseBaseListener() {
            @Override
            public void enterArithmeticBinary(SqlBaseParser.ArithmeticBinaryContext context) {
                int type = context.operator.getType();
                IntervalReading left = IntervalReading.of(select, context.left);
                IntervalReading right = IntervalReading.of(select, context.right);
                if (type != SqlBaseLexer.PLUS && type != SqlBaseLexer.MINUS || !isWholeDays(left) && !isWholeDays(right)) {
                    return;
                }
                int start = offset(select, context.left.start.getStartIndex());
                int end = offset(select, context.right.stop.getStopIndex() + 1);
                String typed = "((" + text(select, context.left) + "\n) ^@ (" + text(select, context.right) + "\n))";
                makings.add(new DateMaking(type == SqlBaseLexer.PLUS ? "+" : "-", type == SqlBaseLexer.PLUS ? "a date plus whole days, months or years" : "a date minus whole days, months or years",
                        context.operator.getLine(), context.operator.getCharPositionInLine() + 1,
                        new TextComparison.Edit(start, end, "CAST((" + select.substring(start, end) + "\n) AS DATE)"),
                        TextComparison.apply(select, List.of(new TextComparison.Edit(start, end, typed))), List.of(left, right),
                        new Operands(start, offset(select, context.left.stop.getStopIndex() + 1), offset(select, context.right.start.getStartIndex()), end)));
            }

            @Override
            public void enterFunctionCall(SqlBaseParser.FunctionCallContext context) {
                if (!isDateTrunc(context)) {
                    return;
                }
                SqlBaseParser.ExpressionContext argument = context.expression(1);
                int start = offset(select, argument.start.getStartIndex());
                int end = offset(select, argument.stop.getStopIndex() + 1);
                ParserRuleContext truncated = plusWholeDays(select, context);
                int callStart = offset(select, truncated.start.getStartIndex());
                int callEnd = offset(select, truncated.stop.getStopIndex() + 1);
                makings.add(new DateMaking("date_trunc", "date_trunc of a date", context.start.getLine(), context.start.getCharPositionInLine() + 1,
                        new TextComparison.Edit(callStart, callEnd, "CAST((" + select.substring(callStart, callEnd) + "\n) AS DATE)"),
                        TextComparison.apply(select, List.of(new TextComparison.Edit(start, end, "((" + text(select, argument) + "\n) ^@ (''))"))), List.of(),
                        new Operands(start, end, -1, -1)));
            }
        }, tree);
        return new DateMakings(select, makings);
    }

    /**
     * The probe of operands {@code [leftStart, leftEnd)} and {@code [rightStart, rightEnd)} (none, {@code ''}, for a negative
     * rightStart) made with each date operation in {@code CAST(... AS DATE)} that lies inside one operand or apart from both; one
     * around or across them (this operation's own) retypes nothing of them.
     */
    private static List<Retyping> retypings(String select, DateMakings makings, Operands operands) {
        int leftStart = operands.leftStart();
        int leftEnd = operands.leftEnd();
        int rightStart = operands.rightStart();
        int rightEnd = operands.rightEnd();
        List<Retyping> retypings = new ArrayList<>();
        for (DateMaking making : makings.all()) {
            TextComparison.Edit cast = making.castToDate();
            int spanEnd = rightStart < 0 ? leftEnd : rightEnd;
            boolean inLeft = leftStart <= cast.start() && cast.end() <= leftEnd;
            boolean inRight = rightStart >= 0 && rightStart <= cast.start() && cast.end() <= rightEnd;
            boolean apart = cast.end() <= leftStart || spanEnd <= cast.start();
            if (!inLeft && !inRight && !apart) {
                continue;
            }
            // Places after the cast move by as much as it lengthens the SELECT; those before it, or in it up to its start, stay.
            int shift = cast.text().length() - (cast.end() - cast.start());
            String casted = TextComparison.apply(select, List.of(cast));
            int ls = moved(leftStart, cast, shift);
            int le = moved(leftEnd, cast, shift);
            int end = moved(spanEnd, cast, shift);
            String right = rightStart < 0 ? "''" : casted.substring(moved(rightStart, cast, shift), moved(rightEnd, cast, shift)) + "\n";
            retypings.add(new Retyping(making, casted.substring(0, ls) + "((" + casted.substring(ls, le) + "\n) ^@ (" + right + "))" + casted.substring(end), !apart, makings));
        }
        return retypings;
    }

    private static int moved(int place, TextComparison.Edit cast, int shift) {
        return place >= cast.end() ? place + shift : place;
    }

    /** Whether the interval holds hours on some row, as far as the parse tree tells: Trino adds no such interval to a date. */
    private static boolean mayHoldHours(IntervalReading interval) {
        return interval instanceof IntervalReading.Constant constant && !constant.wholeDays() || interval instanceof IntervalReading.HoursOnSomeRows
                || interval instanceof IntervalReading.WholeDaysTimes;
    }

    /**
     * Every ||, every + and -, every date_trunc that is a column of the table and every quoted number given to an operator
     * or a function, in the order of the SELECT. {@code statement} is
     * {@code select} as parsed, with a schema name as long as the placeholder.
     */
    static List<OperatorProbe> in(String select, Statement statement) {
        requireNonNull(select, "select is null");
        List<OperatorProbe> probes = new ArrayList<>();
        TextComparison.Lines lines = new TextComparison.Lines(select);
        new DefaultTraversalVisitor<Void>() {
            @Override
            protected Void visitFunctionCall(FunctionCall node, Void context) {
                // The parser reads a || b as concat(a, b), placed at the ||; a concat(...) written as a call is probed below.
                lines.offset(node).filter(at -> select.startsWith("||", at)).ifPresent(at -> probes.add(new OperatorProbe("||", "", "",
                        TextComparison.lineOf(node), TextComparison.columnOf(node), TextComparison.apply(select, List.of(new TextComparison.Edit(at, at + 2, "^@"))), false)));
                return super.visitFunctionCall(node, context);
            }
        }.process(statement, null);
        probes.addAll(inParseTree(select));
        probes.sort(Comparator.comparingInt(OperatorProbe::line).thenComparingInt(OperatorProbe::column));
        return probes;
    }

    /** The + and - operations, date_trunc calls and quoted numbers, from Trino's parse tree of the SELECT; none if it does not parse. */
    private static List<OperatorProbe> inParseTree(String select) {
        SqlBaseLexer lexer = new SqlBaseLexer(CharStreams.fromString(select.replace(GoldModel.SILVER_DATABASE, SAME_LENGTH_SCHEMA)));
        lexer.removeErrorListeners();
        SqlBaseParser parser = new SqlBaseParser(new CommonTokenStream(lexer));
        parser.removeErrorListeners();
        ParseTree tree = parser.singleStatement();
        if (parser.getNumberOfSyntaxErrors() > 0) {
            // The model parsed with Trino's parser before it came here; a tree with errors would place nothing right.
            return List.of();
        }
        List<OperatorProbe> probes = new ArrayList<>();
        List<HoursElsewhere> hoursAdded = hoursAdded(select, tree);
        DateMakings makings = dateMakings(select, tree);
        ParseTreeWalker.DEFAULT.walk(new SqlBaseBaseListener() {
            @Override
            public void enterArithmeticBinary(SqlBaseParser.ArithmeticBinaryContext context) {
                int type = context.operator.getType();
                if (type == SqlBaseLexer.SLASH) {
                    // A division's operands typed as a sum's are: a DECIMAL divided is a DOUBLE in DuckDB and a DECIMAL in Trino.
                    int start = offset(select, context.left.start.getStartIndex());
                    int end = offset(select, context.right.stop.getStopIndex() + 1);
                    String left = text(select, context.left);
                    String right = text(select, context.right);
                    probes.add(new OperatorProbe("/", left, right, context.operator.getLine(), context.operator.getCharPositionInLine() + 1,
                            TextComparison.apply(select, List.of(new TextComparison.Edit(start, end, "((" + left + "\n) ^@ (" + right + "\n))"))), false));
                    return;
                }
                if (type == SqlBaseLexer.ASTERISK) {
                    // Months or years times a number: Trino keeps whole months (IntervalYearMonthOperators.multiplyByDouble truncates), DuckDB makes days of the rest.
                    IntervalReading leftReading = IntervalReading.of(select, context.left);
                    IntervalReading rightReading = IntervalReading.of(select, context.right);
                    if (leftReading instanceof IntervalReading.YearMonth || rightReading instanceof IntervalReading.YearMonth) {
                        int start = offset(select, context.left.start.getStartIndex());
                        int end = offset(select, context.right.stop.getStopIndex() + 1);
                        String left = text(select, context.left);
                        String right = text(select, context.right);
                        probes.add(new OperatorProbe("*", left, right, context.operator.getLine(), context.operator.getCharPositionInLine() + 1,
                                TextComparison.apply(select, List.of(new TextComparison.Edit(start, end, "((" + left + "\n) ^@ (" + right + "\n))"))), false, "", "",
                                List.of(leftReading, rightReading), List.of(), List.of(), List.of()));
                    }
                    return;
                }
                if (type != SqlBaseLexer.PLUS && type != SqlBaseLexer.MINUS) {
                    return;
                }
                int start = offset(select, context.left.start.getStartIndex());
                int end = offset(select, context.right.stop.getStopIndex() + 1);
                String left = text(select, context.left);
                String right = text(select, context.right);
                TextComparison.Edit castToDate = new TextComparison.Edit(start, end, "CAST((" + select.substring(start, end) + "\n) AS DATE)");
                probes.add(new OperatorProbe(type == SqlBaseLexer.PLUS ? "+" : "-", left, right, context.operator.getLine(),
                        context.operator.getCharPositionInLine() + 1,
                        TextComparison.apply(select, List.of(new TextComparison.Edit(start, end, "((" + left + "\n) ^@ (" + right + "\n))"))), isTableColumn(context),
                        TextComparison.apply(select, List.of(castToDate)),
                        textCast(select, context), List.of(IntervalReading.of(select, context.left), IntervalReading.of(select, context.right)),
                        laterIntervals(select, context), elsewhere(select, hoursAdded, castToDate),
                        retypings(select, makings, new Operands(start, offset(select, context.left.stop.getStopIndex() + 1), offset(select, context.right.start.getStartIndex()), end))));
            }

            @Override
            public void enterFunctionCall(SqlBaseParser.FunctionCallContext context) {
                List<SqlBaseParser.IdentifierContext> name = context.qualifiedName().identifier();
                String function = name.size() == 1 ? name.get(0).getText().replace("\"", "").toLowerCase(Locale.ROOT) : "";
                if (context.ASTERISK() != null || context.over() != null || context.filter() != null || context.ORDER() != null) {
                    return;
                }
                if (function.equals("date_trunc") && context.expression().size() == 2) {
                    SqlBaseParser.ExpressionContext argument = context.expression(1);
                    int start = offset(select, argument.start.getStartIndex());
                    int end = offset(select, argument.stop.getStopIndex() + 1);
                    String written = text(select, argument);
                    // With whole days, months or years after it, the sum is the DATE in Athena, the TIMESTAMP in DuckDB, that reaches a column.
                    ParserRuleContext truncated = plusWholeDays(select, context);
                    int callStart = offset(select, truncated.start.getStartIndex());
                    int callEnd = offset(select, truncated.stop.getStopIndex() + 1);
                    TextComparison.Edit castToDate = new TextComparison.Edit(callStart, callEnd, "CAST((" + select.substring(callStart, callEnd) + "\n) AS DATE)");
                    probes.add(new OperatorProbe("date_trunc", text(select, context.expression(0)), written, context.start.getLine(),
                            context.start.getCharPositionInLine() + 1,
                            TextComparison.apply(select, List.of(new TextComparison.Edit(start, end, "((" + written + "\n) ^@ (''))"))), isTableColumn(truncated),
                            TextComparison.apply(select, List.of(castToDate)),
                            textCast(select, context), List.of(), laterIntervals(select, context), elsewhere(select, hoursAdded, castToDate),
                            retypings(select, makings, new Operands(start, end, -1, -1))));
                }
                if (function.equals("concat_ws")) {
                    // Each argument typed by the probe's ^@, which takes only text: DuckDB's refusal names an argument that is not.
                    for (SqlBaseParser.ExpressionContext argument : context.expression()) {
                        int start = offset(select, argument.start.getStartIndex());
                        int end = offset(select, argument.stop.getStopIndex() + 1);
                        String written = text(select, argument);
                        probes.add(new OperatorProbe("concat_ws", written, "", argument.start.getLine(), argument.start.getCharPositionInLine() + 1,
                                TextComparison.apply(select, List.of(new TextComparison.Edit(start, end, "((" + written + "\n) ^@ (''))"))), false));
                    }
                }
            }

            @Override
            public void enterCast(SqlBaseParser.CastContext context) {
                String type = text(select, context.type());
                if (!type.toLowerCase(Locale.ROOT).matches("(var)?char\\b.*") || isWholeSecondsLiteral(context.expression())) {
                    return;
                }
                // Placed at AS, after the operand's own operators, so a date sum's or date_trunc's refusal, which says more, comes first.
                SqlBaseParser.ExpressionContext operand = context.expression();
                int start = offset(select, operand.start.getStartIndex());
                int end = offset(select, operand.stop.getStopIndex() + 1);
                String written = text(select, operand);
                probes.add(new OperatorProbe("cast", written, type, context.AS().getSymbol().getLine(), context.AS().getSymbol().getCharPositionInLine() + 1,
                        TextComparison.apply(select, List.of(new TextComparison.Edit(start, end, "((" + written + "\n) ^@ (''))"))), false));
            }

            @Override
            public void enterStringLiteral(SqlBaseParser.StringLiteralContext context) {
                if (!(context.string() instanceof SqlBaseParser.BasicStringLiteralContext)) {
                    return;
                }
                String written = text(select, context);
                String value = written.substring(1, written.length() - 1).replace("''", "'");
                boolean number = TextComparison.NUMERAL.matcher(value.strip()).matches();
                if (!number && !TextComparison.TIMESTAMP.matcher(value.strip()).matches()) {
                    return;
                }
                // A quoted date beside + or - is the arithmetic probe's; one given to a function (date_diff) is probed as a number is.
                Optional<String> wanting = wantingANumber(context).filter(place -> number || !place.matches("[-+*/%]"));
                if (wanting.isEmpty()) {
                    return;
                }
                int start = offset(select, context.start.getStartIndex());
                int end = offset(select, context.stop.getStopIndex() + 1);
                probes.add(new OperatorProbe("text", wanting.get(), written, context.start.getLine(), context.start.getCharPositionInLine() + 1,
                        TextComparison.apply(select, List.of(new TextComparison.Edit(start, end, "CAST(" + written + " AS VARCHAR)"))), false));
            }
        }, tree);
        return probes;
    }

    /** The hours added apart from the operation {@code castToDate} makes a DATE, each probed with that cast. */
    private static List<HoursElsewhere> elsewhere(String select, List<HoursElsewhere> hoursAdded, TextComparison.Edit castToDate) {
        return hoursAdded.stream().filter(hours -> !hours.overlaps(castToDate.start(), castToDate.end()))
                .map(hours -> hours.probedWith(select, castToDate)).toList();
    }

    /**
     * The arithmetic operator ({@code +}, {@code -}, {@code *}, {@code /}, {@code %}) the quoted text is an operand of, or the
     * function it is an argument of (in a call, or in {@code SUBSTRING(x FROM s FOR n)}), written around it with only
     * parentheses between; empty for any other place (a comparison, a ||, CASE, CAST), which DuckDB's refusal of the probe
     * would not name.
     */
    private static Optional<String> wantingANumber(SqlBaseParser.StringLiteralContext literal) {
        ParserRuleContext context = literal.getParent();
        while (context instanceof SqlBaseParser.ExpressionContext || context instanceof SqlBaseParser.ValueExpressionDefaultContext
                || context instanceof SqlBaseParser.ParenthesizedExpressionContext
                || context instanceof SqlBaseParser.PredicatedContext predicated && predicated.predicate() == null) {
            context = context.getParent();
        }
        if (context instanceof SqlBaseParser.ArithmeticBinaryContext arithmetic) {
            return Optional.of(arithmetic.operator.getText());
        }
        if (context instanceof SqlBaseParser.FunctionCallContext call && call.qualifiedName().identifier().size() == 1) {
            return Optional.of(call.qualifiedName().identifier().get(0).getText().replace("\"", "").toLowerCase(Locale.ROOT));
        }
        if (context instanceof SqlBaseParser.SubstringContext) {
            // SUBSTRING(x FROM s FOR n), a form of its own in Trino's grammar, is substring(x, s, n) to both engines.
            return Optional.of("substring");
        }
        return Optional.empty();
    }

    /** What is done to the result of a sum or a date_trunc call after it: an interval added or subtracted, or a date_trunc of it. */
    sealed interface Later permits LaterInterval, LaterTruncation {}

    /**
     * An interval added to or subtracted from the result of a sum, after it ({@code INTERVAL '1' HOUR} in
     * {@code d + INTERVAL '1' DAY + INTERVAL '1' HOUR}): where the sum is a date plus whole days, months or years, Trino's DATE, this
     * is added to a date there, where DuckDB adds it to its TIMESTAMP, so the probe of that later operator sees no date.
     *
     * @param operator {@code +} or {@code -}
     * @param written the interval as written
     * @param line the later operator's line in the SELECT, from 1
     * @param column the later operator's column on that line, from 1
     */
    record LaterInterval(String operator, String written, IntervalReading reading, int line, int column) implements Later {
        LaterInterval {
            requireNonNull(operator, "operator is null");
            requireNonNull(written, "written is null");
            requireNonNull(reading, "reading is null");
        }
    }

    /**
     * A date_trunc whose argument is the result of a sum or of a date_trunc call ({@code date_trunc('month', d + INTERVAL '1' DAY)}):
     * Trino's date_trunc of a DATE is a DATE (DateTimeFunctions.truncateDate), so hours added after it are added to a date there,
     * where DuckDB's date_trunc is a TIMESTAMP whatever its argument, so the probe of this call sees no date.
     *
     * @param unit the call's first argument as written ({@code 'month'})
     */
    record LaterTruncation(String unit) implements Later {
        LaterTruncation {
            requireNonNull(unit, "unit is null");
        }
    }

    /**
     * The intervals the sum or date_trunc call {@code context} is, in turn, added to or subtracted from (parentheses aside),
     * outermost last: it is the left operand of each + or -, or the right operand of a +; and the date_trunc calls it is the
     * argument of on the way ({@code date_trunc('month', d + INTERVAL '1' DAY) + INTERVAL '1' HOUR}), a DATE to Trino as it is.
     */
    private static List<Later> laterIntervals(String select, ParserRuleContext context) {
        List<Later> later = new ArrayList<>();
        ParserRuleContext result = context;
        while (true) {
            Optional<AddedTo> step = addedTo(result);
            if (step.isPresent()) {
                SqlBaseParser.ArithmeticBinaryContext sum = step.get().sum();
                later.add(new LaterInterval(sum.operator.getType() == SqlBaseLexer.PLUS ? "+" : "-", text(select, step.get().other()),
                        IntervalReading.of(select, step.get().other()), sum.operator.getLine(), sum.operator.getCharPositionInLine() + 1));
                result = sum;
                continue;
            }
            Optional<SqlBaseParser.FunctionCallContext> truncation = truncatedBy(result);
            if (truncation.isEmpty()) {
                return later;
            }
            later.add(new LaterTruncation(text(select, truncation.get().expression(0))));
            result = truncation.get();
        }
    }

    /** The date_trunc call {@code argument} (parentheses aside) is the truncated argument of; empty when it is none. */
    private static Optional<SqlBaseParser.FunctionCallContext> truncatedBy(ParserRuleContext argument) {
        ParserRuleContext parent = argument.getParent();
        while (parent instanceof SqlBaseParser.ValueExpressionDefaultContext || parent instanceof SqlBaseParser.ParenthesizedExpressionContext
                || parent instanceof SqlBaseParser.PredicatedContext predicated && predicated.predicate() == null
                || parent instanceof SqlBaseParser.ExpressionContext && !(parent.getParent() instanceof SqlBaseParser.FunctionCallContext)) {
            argument = parent;
            parent = parent.getParent();
        }
        if (parent instanceof SqlBaseParser.ExpressionContext expression && expression.getParent() instanceof SqlBaseParser.FunctionCallContext call
                && isDateTrunc(call) && call.expression(1) == expression) {
            return Optional.of(call);
        }
        return Optional.empty();
    }

    /** Whether the call is date_trunc(unit, x), written without a schema, neither a window nor an aggregate. */
    private static boolean isDateTrunc(SqlBaseParser.FunctionCallContext call) {
        List<SqlBaseParser.IdentifierContext> name = call.qualifiedName().identifier();
        return name.size() == 1 && name.get(0).getText().replace("\"", "").equalsIgnoreCase("date_trunc") && call.expression().size() == 2
                && call.ASTERISK() == null && call.over() == null && call.filter() == null && call.ORDER() == null;
    }

    /**
     * The sum that is {@code context} with the whole days, months or years added to or subtracted from it after it
     * ({@code date_trunc('month', d) + INTERVAL '1' DAY}), a DATE to Trino where {@code context} is one; {@code context} itself
     * when nothing such follows it.
     */
    private static ParserRuleContext plusWholeDays(String select, ParserRuleContext context) {
        ParserRuleContext sum = context;
        for (Optional<AddedTo> step = addedTo(context); step.isPresent() && isWholeDays(IntervalReading.of(select, step.get().other()));
                step = addedTo(step.get().sum())) {
            sum = step.get().sum();
        }
        return sum;
    }

    /** A + or - that an operand is added to or subtracted from, and what: its other operand. */
    private record AddedTo(SqlBaseParser.ArithmeticBinaryContext sum, SqlBaseParser.ValueExpressionContext other) {}

    /**
     * The + or - {@code operand} (parentheses aside) is the left operand of, or the right operand of a +, with its other
     * operand; empty when {@code operand} is none (what it is subtracted from is not added to it).
     */
    private static Optional<AddedTo> addedTo(ParserRuleContext operand) {
        ParserRuleContext parent = operand.getParent();
        while (parent instanceof SqlBaseParser.ExpressionContext || parent instanceof SqlBaseParser.ValueExpressionDefaultContext
                || parent instanceof SqlBaseParser.ParenthesizedExpressionContext
                || parent instanceof SqlBaseParser.PredicatedContext predicated && predicated.predicate() == null) {
            operand = parent;
            parent = parent.getParent();
        }
        if (!(parent instanceof SqlBaseParser.ArithmeticBinaryContext sum)
                || sum.operator.getType() != SqlBaseLexer.PLUS && !(sum.operator.getType() == SqlBaseLexer.MINUS && sum.left == operand)) {
            return Optional.empty();
        }
        return Optional.of(new AddedTo(sum, sum.left == operand ? sum.right : sum.left));
    }

    /** Whether the interval is literals of whole days, months or years, which Trino adds to a date, keeping a DATE. */
    private static boolean isWholeDays(IntervalReading interval) {
        return interval instanceof IntervalReading.YearMonth || interval instanceof IntervalReading.Constant constant && constant.wholeDays();
    }

    /**
     * A timestamp literal of whole seconds ({@code TIMESTAMP '2026-06-02 00:00:00'}), a timestamp(0) to Trino, written without a
     * fraction by both engines.
     */
    private static boolean isWholeSecondsLiteral(ParserRuleContext expression) {
        return IntervalReading.unwrap(expression) instanceof SqlBaseParser.TypeConstructorContext literal && literal.identifier() != null
                && literal.identifier().getText().equalsIgnoreCase("TIMESTAMP") && !literal.string().getText().contains(".");
    }

    /**
     * Whether the expression is the whole of a column of the final SELECT: between it and its select item only
     * parentheses, and that item in the query the statement is (no WITH query's or subquery's).
     */
    private static boolean isTableColumn(ParserRuleContext expression) {
        ParserRuleContext context = expression.getParent();
        while (context instanceof SqlBaseParser.ExpressionContext || context instanceof SqlBaseParser.ValueExpressionDefaultContext
                || context instanceof SqlBaseParser.ParenthesizedExpressionContext
                || context instanceof SqlBaseParser.PredicatedContext predicated && predicated.predicate() == null) {
            context = context.getParent();
        }
        if (!(context instanceof SqlBaseParser.SelectSingleContext)) {
            return false;
        }
        int queries = 0;
        for (ParserRuleContext outer = context; outer != null; outer = outer.getParent()) {
            if (outer instanceof SqlBaseParser.QueryContext) {
                queries++;
            }
        }
        return queries == 1;
    }

    /**
     * The text type, as written, of the CAST or TRY_CAST the expression is the whole operand of (parentheses aside); empty for
     * none. A date plus days, or date_trunc of a date, is DuckDB's TIMESTAMP there ({@code 2026-01-02 00:00:00} as text) and
     * Trino's DATE ({@code 2026-01-02}: a date cast to varchar is its ISO form).
     */
    private static String textCast(String select, ParserRuleContext expression) {
        ParserRuleContext context = expression.getParent();
        while (context instanceof SqlBaseParser.ExpressionContext || context instanceof SqlBaseParser.ValueExpressionDefaultContext
                || context instanceof SqlBaseParser.ParenthesizedExpressionContext
                || context instanceof SqlBaseParser.PredicatedContext predicated && predicated.predicate() == null) {
            context = context.getParent();
        }
        if (!(context instanceof SqlBaseParser.CastContext cast)) {
            return "";
        }
        String type = text(select, cast.type());
        return type.toLowerCase(Locale.ROOT).matches("(var)?char\\b.*") ? type : "";
    }

    static String text(String select, ParserRuleContext context) {
        return select.substring(offset(select, context.start.getStartIndex()), offset(select, context.stop.getStopIndex() + 1));
    }

    /** The offset in the SELECT's chars of ANTLR's index, which counts code points. */
    static int offset(String select, int codePoints) {
        return select.offsetByCodePoints(0, codePoints);
    }

    /** The probe, with the silver schema's name in place of the placeholder, as {@link GoldModel#select(String)} gives the SELECT. */
    String probe(String silverSchema) {
        return probe.replace(GoldModel.SILVER_DATABASE, silverSchema);
    }

    /** Whether this is a + or a -, whose probe DuckDB refuses naming both operands' types whether or not the model plans. */
    boolean arithmetic() {
        return operator.equals("+") || operator.equals("-");
    }

    /**
     * Why Athena fails this operator, or types it otherwise, from DuckDB's refusal of the probe, and what to write instead; empty
     * when Athena would not. {@code plan} answers what the refusal alone does not settle.
     */
    Optional<String> problem(String duckDbMessage, GoldModel model, DuckDbPlan plan) {
        requireNonNull(plan, "plan is null");
        if (operator.equals("text")) {
            return textProblem(duckDbMessage, model, plan);
        }
        Matcher refused = NO_FUNCTION.matcher(duckDbMessage);
        if (!refused.find()) {
            return Optional.empty();
        }
        List<String> types = arguments(refused.group(1));
        if (types.size() != 2) {
            return Optional.empty();
        }
        String at = " at " + model.position(line, column);
        if (operator.equals("||")) {
            if (types.stream().anyMatch(type -> type.endsWith("]"))) {
                // An array joined with an element or an array: Trino's concat takes those too.
                return Optional.empty();
            }
            return types.stream().map(OperatorProbe::notText).flatMap(Optional::stream).findFirst()
                    .map(kind -> "joins " + kind.description() + " to text with ||" + at
                            + ", which DuckDB turns into text and Athena (Trino) does not: its || joins only text (or arrays) and fails the query"
                            + " (Unexpected parameters for function concat); write CAST(x AS VARCHAR) for the " + kind.noun());
        }
        if (operator.equals("concat_ws")) {
            return concatWsProblem(types.get(0), at);
        }
        if (operator.equals("/")) {
            return decimalDivision(types, at);
        }
        if (operator.equals("*")) {
            return monthsTimesAFraction(types, at);
        }
        if (operator.equals("cast")) {
            return timestampAsText(types.get(0), at);
        }
        if (operator.equals("date_trunc")) {
            Optional<Retyping> madeBy = Optional.empty();
            if (!types.get(0).equals("DATE")) {
                madeBy = types.get(0).equals("TIMESTAMP") ? madeBy(0, plan) : Optional.empty();
                if (madeBy.isEmpty()) {
                    return Optional.empty();
                }
            }
            // The argument DuckDB types a TIMESTAMP that another date operation makes Trino's DATE is named, and written as it is.
            String date = madeBy.map(Retyping::making).map(making -> right + ", " + making.subject() + " at " + model.position(making.line(), making.column())).orElse("a date");
            String truncated = "date_trunc(" + left + ", " + (madeBy.isPresent() ? right : "x") + ")";
            // Hours after it are the inner operation's to refuse, which reads them through this call (LaterTruncation).
            Optional<String> laterHours = madeBy.filter(Retyping::inside).isPresent() ? Optional.empty()
                    : laterHours("date_trunc of " + date, truncated, "CAST(" + truncated + " AS TIMESTAMP)", model, plan);
            if (laterHours.isPresent()) {
                return laterHours;
            }
            Optional<String> hoursAfterColumn = hoursElsewhere("date_trunc of a date", truncated, at, model, plan);
            if (hoursAfterColumn.isPresent()) {
                return hoursAfterColumn;
            }
            String operation = truncated + wholeDaysAfter();
            String truncates = "truncates " + (madeBy.isPresent() ? date + " (a DATE in Athena (Trino), a TIMESTAMP in DuckDB)," : "a date") + " with date_trunc";
            String what = operation.equals(truncated) ? truncates
                    : truncates + ", then adds or subtracts whole days, months or years (" + operation + "),";
            String cast = "; write CAST(" + operation + " AS DATE), a DATE in both";
            if (!textCast.isEmpty()) {
                return Optional.of("casts date_trunc of " + date + " to " + textCast + at + ", which DuckDB makes a TIMESTAMP, written 2026-01-01 00:00:00, and Athena (Trino)"
                        + " a DATE, written 2026-01-01; write CAST(CAST(" + truncated + " AS DATE) AS " + textCast + "), the same text in both");
            }
            if (tableColumn) {
                return Optional.of(what + " for a column of the table" + at
                        + ", which DuckDB makes a TIMESTAMP (2026-01-01 00:00:00) and Athena (Trino) keeps a DATE (2026-01-01), so the column's type, its values"
                        + " and its partition folders would differ from Athena's" + cast);
            }
            return plan.columnMadeDate(castToDate).map(column -> what + reaching(column) + at + REACHES_THE_TABLE + cast);
        }
        String leftType = types.get(0);
        String rightType = types.get(1);
        // A timestamp plus whole days may be Trino's DATE plus days, the timestamp DuckDB's of another date operation, Trino's DATE.
        boolean timestampFirst = leftType.equals("TIMESTAMP") && rightType.equals("INTERVAL") && isWholeDays(intervals.get(1));
        boolean timestampSecond = leftType.equals("INTERVAL") && rightType.equals("TIMESTAMP") && operator.equals("+") && isWholeDays(intervals.get(0));
        Optional<Retyping> madeBy = timestampFirst || timestampSecond ? madeBy(timestampFirst ? 0 : 1, plan) : Optional.empty();
        if (madeBy.isPresent()) {
            leftType = timestampFirst ? "DATE" : leftType;
            rightType = timestampSecond ? "DATE" : rightType;
        }
        boolean textFirst = leftType.equals("STRING_LITERAL") && isDateOrTimestamp(rightType);
        boolean textSecond = isDateOrTimestamp(leftType) && rightType.equals("STRING_LITERAL");
        if (textFirst || textSecond) {
            return Optional.of(textAsIntervalProblem(textFirst ? left : right, textFirst ? rightType : leftType, at));
        }
        boolean dateFirst = leftType.equals("DATE") && isInteger(rightType);
        boolean dateSecond = isInteger(leftType) && rightType.equals("DATE") && operator.equals("+");
        if (dateFirst || dateSecond) {
            String type = dateFirst ? rightType : leftType;
            String number = dateFirst ? right : left;
            // DuckDB names a literal's type by its kind (INTEGER_LITERAL): a literal is written as the interval's count.
            boolean literal = type.endsWith("_LITERAL");
            String named = literal ? number : number + " (" + type + ")";
            String interval = literal ? "INTERVAL '" + number + "' DAY" : number + " * INTERVAL '1' DAY";
            String done = operator.equals("+") ? "adds the number " + named + " to a date" : "subtracts the number " + named + " from a date";
            return Optional.of(done + at + ", which DuckDB counts in days and Athena (Trino) refuses: it adds to a date, or subtracts from one, only an interval"
                    + " (Cannot apply operator: date " + operator + " integer); write CAST(x " + operator + " " + interval + " AS DATE)"
                    + " (an interval, in CAST(... AS DATE) since DuckDB makes a date plus an interval a TIMESTAMP, where Athena keeps a DATE)");
        }
        if (leftType.equals("DATE") && rightType.equals("DATE") && operator.equals("-")) {
            return Optional.of("subtracts a date from a date" + at + ", which DuckDB makes a number of days (BIGINT) and Athena (Trino) an interval"
                    + " (4 00:00:00.000, an interval day to second, the dates read as timestamps), which its tables cannot hold and no number compares with,"
                    + " so the query fails; write date_diff('day', " + right + ", " + left + "), a BIGINT of days in both");
        }
        boolean intervalSecond = leftType.equals("DATE") && rightType.equals("INTERVAL");
        boolean intervalFirst = leftType.equals("INTERVAL") && rightType.equals("DATE") && operator.equals("+");
        String interval = intervalSecond ? right : left;
        if (!intervalSecond && !intervalFirst) {
            return Optional.empty();
        }
        IntervalReading reading = intervals.get(intervalSecond ? 1 : 0);
        if (reading instanceof IntervalReading.Other other && !other.holdsHours()) {
            return unreadInterval(interval, operator.equals("+"), at);
        }
        Optional<String> hours = hours(reading, plan);
        if (hours.isPresent()) {
            boolean adds = operator.equals("+");
            return Optional.of((adds ? "adds " + interval + " to a date" : "subtracts " + interval + " from a date") + at
                    + ", which DuckDB makes a TIMESTAMP and Athena (Trino) refuses: it " + (adds ? "adds to" : "subtracts from")
                    + " a date only days, months or years and fails the query (Cannot " + (adds ? "add hour, minutes or seconds to" : "subtract hour, minutes or seconds from")
                    + " a date" + hours.get() + "); write CAST(x AS TIMESTAMP) " + operator + " " + interval
                    + ", a timestamp in both");
        }
        String x = madeBy.isPresent() ? (intervalSecond ? left : right) : "x";
        String date = madeBy.map(Retyping::making).map(making -> x + ", " + making.subject() + " at " + model.position(making.line(), making.column())).orElse("a date");
        String written = intervalSecond ? x + " " + operator + " " + interval : interval + " + " + x;
        // Hours after it are the inner operation's to refuse, which reads them through this sum (LaterInterval).
        Optional<String> laterHours = madeBy.filter(Retyping::inside).isPresent() ? Optional.empty() : laterHours(madeBy.isPresent() ? date + ", " + (operator.equals("+") ? "plus" : "minus") + " whole days, months or years"
                        : "a date plus whole days, months or years", written,
                intervalSecond ? "CAST(" + x + " AS TIMESTAMP) " + operator + " " + interval : interval + " + CAST(" + x + " AS TIMESTAMP)", model, plan);
        if (laterHours.isPresent()) {
            return laterHours;
        }
        Optional<String> hoursAfterColumn = hoursElsewhere("a date plus whole days, months or years", written, at, model, plan);
        if (hoursAfterColumn.isPresent()) {
            return hoursAfterColumn;
        }
        String named = madeBy.isPresent() ? date + " (a DATE in Athena (Trino), a TIMESTAMP in DuckDB)" : "a date";
        String done = operator.equals("+") ? "adds " + interval + " to " + named : "subtracts " + interval + " from " + named;
        String cast = "; write CAST(" + written + " AS DATE), a DATE in both";
        if (!textCast.isEmpty()) {
            return Optional.of("casts " + (madeBy.isPresent() ? named + "," : "a date") + " " + (operator.equals("+") ? "plus " : "minus ") + interval + " to " + textCast + at
                    + ", which DuckDB makes a TIMESTAMP, written 2026-01-02 00:00:00, and Athena (Trino) a DATE, written 2026-01-02;"
                    + " write CAST(CAST(" + written + " AS DATE) AS " + textCast + "), the same text in both");
        }
        if (tableColumn) {
            return Optional.of(done + " for a column of the table" + at
                    + ", which DuckDB makes a TIMESTAMP (2026-01-02 00:00:00) and Athena (Trino) keeps a DATE (2026-01-02), so the column's type, its values"
                    + " and its partition folders would differ from Athena's" + cast);
        }
        return plan.columnMadeDate(castToDate).map(column -> done + reaching(column) + at + REACHES_THE_TABLE + cast);
    }

    /**
     * The date operation elsewhere in the SELECT, or inside this one's operand, that makes the operand DuckDB types a TIMESTAMP
     * ({@code operand}, 0 or 1) Trino's DATE: with that operation in {@code CAST(... AS DATE)} DuckDB's refusal of this probe names
     * a DATE there, and Trino types that operation a DATE ({@link DateMakings#makesADate}). Empty for none: the
     * operand is a timestamp in both.
     */
    private Optional<Retyping> madeBy(int operand, DuckDbPlan plan) {
        for (Retyping retyping : retypings) {
            Optional<List<String>> types = plan.refusal(retyping.probe()).map(NO_FUNCTION::matcher).filter(Matcher::find).map(refused -> arguments(refused.group(1)));
            if (types.isPresent() && types.get().size() == 2 && types.get().get(operand).equals("DATE") && retyping.makesADate(plan)) {
                return Optional.of(retyping);
            }
        }
        return Optional.empty();
    }

    /**
     * A DECIMAL divided by a number that is not a DOUBLE or a REAL: DuckDB divides it as a DOUBLE (CAST(1 AS DECIMAL(10,2)) / 3 is
     * 0.3333333333333333), where Trino keeps a DECIMAL, of the larger scale, rounded (0.33), so the column's type and its values
     * differ. Beside a DOUBLE both divide as doubles.
     */
    private Optional<String> decimalDivision(List<String> types, String at) {
        List<String> named = types.stream().map(type -> type.replaceFirst("_LITERAL$", "")).toList();
        Optional<String> decimal = named.stream().filter(type -> type.startsWith("DECIMAL")).findFirst();
        boolean numbers = named.stream().allMatch(type -> TextComparison.NUMBER.matcher(type).matches());
        boolean floating = named.stream().anyMatch(type -> type.equals("DOUBLE") || type.equals("FLOAT") || type.equals("REAL"));
        if (decimal.isEmpty() || !numbers || floating) {
            return Optional.empty();
        }
        return Optional.of("divides " + left + " by " + right + at + ", a DECIMAL (" + decimal.get() + ") division, which DuckDB makes a DOUBLE"
                + " (1.00 / 3 is 0.3333333333333333) and Athena (Trino) a DECIMAL of the larger scale, rounded (0.33), so the column's type and its values"
                + " would differ from Athena's; write CAST(" + left + " AS DOUBLE) / " + right + ", a DOUBLE in both");
    }

    /**
     * Hours added to or subtracted from this date plus whole days, months or years, or this date_trunc of a date, after it
     * ({@code d + INTERVAL '1' DAY + INTERVAL '1' HOUR}, {@code date_trunc('month', d) + INTERVAL '1' HOUR}): Trino's sum is a
     * DATE (DateTimeOperators.datePlusIntervalDayToSecond, datePlusIntervalYearToMonth return a date), and so is its date_trunc of
     * a date (DateTimeFunctions.truncateDate), to which it adds no hours and fails the query (Cannot add hour, minutes or seconds
     * to a date), where DuckDB's is a TIMESTAMP, whose later + the probe of that operator finds no date in. An interval that is
     * not read ({@code IntervalReading.Other}) may be no interval at all and is left to DuckDB. A date_trunc of it on the way
     * ({@code date_trunc('month', d + INTERVAL '1' DAY) + INTERVAL '1' HOUR}) is a DATE to Trino too, a TIMESTAMP to DuckDB, so the
     * hours after it are said of that truncation, to be cast to a timestamp.
     *
     * @param subject what the date is, said in the message ({@code date_trunc of a date})
     * @param written it as written, the date {@code x} ({@code x + INTERVAL '1' DAY}, {@code date_trunc('month', x)})
     * @param asTimestamp the same made a timestamp, which it and the later intervals are in both engines
     */
    private Optional<String> laterHours(String subject, String written, String asTimestamp, GoldModel model, DuckDbPlan plan) {
        // What the later hours are added to: the date as written, or the date_trunc of it last met on the way.
        String what = subject;
        String dateWritten = written;
        StringBuilder timestamp = new StringBuilder(asTimestamp);
        StringBuilder date = new StringBuilder(written);
        for (Later step : later) {
            if (step instanceof LaterTruncation truncation) {
                date.insert(0, "date_trunc(" + truncation.unit() + ", ").append(')');
                what = "date_trunc of " + what;
                dateWritten = date.toString();
                timestamp.setLength(0);
                timestamp.append("CAST(").append(dateWritten).append(" AS TIMESTAMP)");
                continue;
            }
            LaterInterval next = (LaterInterval) step;
            timestamp.append(' ').append(next.operator()).append(' ').append(next.written());
            date.append(' ').append(next.operator()).append(' ').append(next.written());
            Optional<String> hours = next.reading() instanceof IntervalReading.Other ? Optional.empty() : hours(next.reading(), plan);
            if (hours.isPresent()) {
                boolean adds = next.operator().equals("+");
                return Optional.of((adds ? "adds " + next.written() + " to " : "subtracts " + next.written() + " from ") + what + " ("
                        + dateWritten + ", a DATE in Athena (Trino), a TIMESTAMP in DuckDB) at " + model.position(next.line(), next.column())
                        + ", which DuckDB makes a TIMESTAMP and Athena (Trino) refuses: it " + (adds ? "adds to" : "subtracts from")
                        + " a date only days, months or years and fails the query (Cannot " + (adds ? "add hour, minutes or seconds to" : "subtract hour, minutes or seconds from")
                        + " a date" + hours.get() + "); write " + timestamp + ", a timestamp in both");
            }
        }
        return Optional.empty();
    }

    /**
     * Hours added to or subtracted from a WITH query's or a subquery's column that is this date plus whole days, months or years, or
     * this date_trunc of a date ({@code WITH c AS (SELECT d + INTERVAL '1' DAY AS next_day ...) SELECT next_day + INTERVAL '1' HOUR
     * FROM c}): the column is Trino's DATE, to which it adds no hours and fails the query (Cannot add hour, minutes or seconds to a
     * date), and DuckDB's TIMESTAMP, so the probe of that later operator sees no date. With this operation in {@code CAST(... AS DATE)},
     * DuckDB's refusal of the later operator's probe names a DATE where, without it, it names none: the column is this operation's,
     * as it is. Cast on the way ({@code CAST(next_day AS TIMESTAMP)}), it is no DATE in the probe, and builds.
     *
     * @param subject what this operation is, said in the message ({@code date_trunc of a date})
     * @param written it as written, the date {@code x} ({@code x + INTERVAL '1' DAY})
     * @param at where this operation is, {@code " at file:line:column"}
     */
    private Optional<String> hoursElsewhere(String subject, String written, String at, GoldModel model, DuckDbPlan plan) {
        for (HoursElsewhere hours : hoursElsewhere) {
            if (namesADate(hours, plan.refusal(hours.ownProbe())) || !namesADate(hours, plan.refusal(hours.probe()))) {
                continue;
            }
            Optional<String> rows = hours(hours.reading(), plan);
            if (rows.isEmpty()) {
                continue;
            }
            boolean adds = hours.operator().equals("+");
            String timestamp = "CAST(" + hours.date() + " AS TIMESTAMP)";
            String instead = hours.dateFirst() ? timestamp + " " + hours.operator() + " " + hours.interval() : hours.interval() + " + " + timestamp;
            return Optional.of((adds ? "adds " + hours.interval() + " to " : "subtracts " + hours.interval() + " from ") + hours.date()
                    + " at " + model.position(hours.line(), hours.column()) + ", " + subject + at + " (" + written
                    + ", a DATE in Athena (Trino), a TIMESTAMP in DuckDB) through a WITH query or subquery, which DuckDB makes a TIMESTAMP and Athena (Trino) refuses: it "
                    + (adds ? "adds to" : "subtracts from") + " a date only days, months or years and fails the query (Cannot "
                    + (adds ? "add hour, minutes or seconds to" : "subtract hour, minutes or seconds from") + " a date" + rows.get() + "); write " + instead
                    + ", a timestamp in both");
        }
        return Optional.empty();
    }

    /** Whether DuckDB's refusal of the hours' probe names a DATE beside an INTERVAL, the date where the hours are added. */
    private static boolean namesADate(HoursElsewhere hours, Optional<String> refusal) {
        Optional<List<String>> types = refusal.map(NO_FUNCTION::matcher).filter(Matcher::find).map(refused -> arguments(refused.group(1)));
        if (types.isEmpty() || types.get().size() != 2) {
            return false;
        }
        int date = hours.dateFirst() ? 0 : 1;
        return types.get().get(date).equals("DATE") && types.get().get(1 - date).equals("INTERVAL");
    }

    /**
     * The whole days, months or years after this date_trunc, as {@link #plusWholeDays} takes them, written after it
     * ({@code  + INTERVAL '1' DAY}); empty for none.
     */
    private String wholeDaysAfter() {
        StringBuilder after = new StringBuilder();
        for (Later step : later) {
            if (!(step instanceof LaterInterval next) || !isWholeDays(next.reading())) {
                break;
            }
            after.append(' ').append(next.operator()).append(' ').append(next.written());
        }
        return after.toString();
    }

    /**
     * A timestamp cast to text: Trino writes the digits of its precision ({@code 2026-06-02 00:00:00.000} for a timestamp(3),
     * which a silver column, milliseconds in Parquet, is to Athena; TimestampToVarcharCast, DateTimes.formatTimestamp), where DuckDB
     * writes no fraction for whole seconds and no trailing zeros ({@code 2026-06-02 00:00:00}); and what DuckDB takes for a timestamp
     * may be Athena's DATE (a date plus an interval, date_trunc of a date, through a WITH query's column), written as the date alone.
     */
    private Optional<String> timestampAsText(String duckDbType, String at) {
        if (!duckDbType.startsWith("TIMESTAMP")) {
            return Optional.empty();
        }
        return Optional.of("casts " + left + ", a timestamp (" + duckDbType + ") to DuckDB, to " + right + at
                + ", which DuckDB writes without a fraction for whole seconds (2026-06-02 00:00:00) and Athena (Trino) with the digits of its precision,"
                + " milliseconds for a silver column (2026-06-02 00:00:00.000), or as the date alone (2026-06-02) where it is a date plus an interval"
                + " or date_trunc of a date, so the text differs; write CAST(CAST(" + left + " AS DATE) AS " + right + ") for the day, the same text in both,"
                + " or keep it a timestamp (date_format, which would write it alike, is Athena's alone: local cannot run it)");
    }

    /**
     * Months or years multiplied by a number that is not an integer ({@code INTERVAL '1' MONTH * 0.5}): Trino multiplies an interval
     * year to month by a bigint or a double and keeps the whole months, truncated ({@code (long) (months * factor)},
     * IntervalYearMonthOperators.multiplyByDouble, a decimal taken as a double), so 0 months, where DuckDB turns the fraction of a
     * month into days (15 days). A literal factor that is a whole number ({@code 2.0}) is whole months in both.
     */
    private Optional<String> monthsTimesAFraction(List<String> types, String at) {
        boolean intervalFirst = intervals.get(0) instanceof IntervalReading.YearMonth && types.get(0).equals("INTERVAL");
        boolean intervalSecond = intervals.get(1) instanceof IntervalReading.YearMonth && types.get(1).equals("INTERVAL");
        if (!intervalFirst && !intervalSecond) {
            return Optional.empty();
        }
        String factorType = types.get(intervalFirst ? 1 : 0).replaceFirst("_LITERAL$", "");
        IntervalReading factor = intervals.get(intervalFirst ? 1 : 0);
        boolean wholeLiteral = factor instanceof IntervalReading.Number number && number.value().stripTrailingZeros().scale() <= 0;
        if (isInteger(factorType) || wholeLiteral || !TextComparison.NUMBER.matcher(factorType).matches()) {
            return Optional.empty();
        }
        String interval = intervalFirst ? left : right;
        String number = intervalFirst ? right : left;
        return Optional.of("multiplies the months or years " + interval + " by " + number + " (" + factorType + ")" + at
                + ", which DuckDB makes months and days (INTERVAL '1' MONTH * 0.5 is 15 days) and Athena (Trino) whole months, the rest dropped"
                + " (INTERVAL '1' MONTH * 0.5 is 0 months), so dates and timestamps counted from it would differ from Athena's;"
                + " write the whole months meant (INTERVAL '1' MONTH * 2), or the days (INTERVAL '15' DAY), the same interval in both");
    }

    private static String reaching(String column) {
        return " that is the table's column " + column + " (through a WITH query or subquery)";
    }

    private static boolean isDateOrTimestamp(String duckDbType) {
        return duckDbType.equals("DATE") || duckDbType.startsWith("TIMESTAMP") && !duckDbType.contains("TIME ZONE");
    }

    /**
     * A quoted text added to a timestamp ({@code "timestamp" + '1 day'}), which DuckDB reads as an interval, or added to or
     * subtracted from a date, where DuckDB cannot choose between an interval and a number of days and names only its candidates;
     * Trino converts no text to an interval (its + and - of a date or a timestamp take an interval: DateTimeOperators) and fails
     * the query, naming the text's type, varchar(n) for a literal of n characters.
     */
    private String textAsIntervalProblem(String text, String otherType, String at) {
        String value = text.strip();
        value = value.substring(1, value.length() - 1).replace("''", "'");
        String kind = otherType.equals("DATE") ? "date" : "timestamp";
        String trinoType = otherType.equals("DATE") ? "date" : "timestamp(3)";
        String done = operator.equals("+") ? "adds the text " + text.strip() + " to a " + kind : "subtracts the text " + text.strip() + " from a " + kind;
        Matcher interval = TEXT_INTERVAL.matcher(value);
        String literal = "an interval literal, INTERVAL '1' DAY or INTERVAL '2' MONTH";
        if (interval.matches()) {
            String unit = interval.group(2).toUpperCase(Locale.ROOT);
            long count = Long.parseLong(interval.group(1));
            literal = unit.equals("WEEK") ? "INTERVAL '" + count * 7 + "' DAY" : "INTERVAL '" + count + "' " + unit;
        }
        return done + at + ", which DuckDB reads as an interval (or, beside a date, cannot choose how to read) and Athena (Trino) does not:"
                + " it converts no text to an interval and fails the query (Cannot apply operator: " + trinoType + " " + operator + " varchar("
                + value.codePointCount(0, value.length()) + ")); write " + literal + ", an interval in both";
    }

    /**
     * An argument of concat_ws that is not text. Trino's concat_ws takes text, or one array of text, and skips a NULL as DuckDB
     * does (ConcatWsFunction in github.com/trinodb/trino: varchar arguments, or concat_ws(varchar, array(varchar))); DuckDB turns
     * any other value into text, where Athena fails the query, and writes an array as one text ([north, gift]) where Trino joins
     * its elements.
     */
    private Optional<String> concatWsProblem(String duckDbType, String at) {
        if (duckDbType.endsWith("]")) {
            return Optional.of("passes an array (" + duckDbType + ") to concat_ws" + at
                    + ", which DuckDB writes as one text ([north, gift]) and Athena (Trino) joins element by element with the separator (north-gift):"
                    + " no function both engines have joins an array's elements into text, so list them (concat_ws('-', items[1], items[2])) or try the model in Athena");
        }
        return notText(duckDbType).map(kind -> "passes " + kind.description() + " to concat_ws" + at
                + ", which DuckDB turns into text and Athena (Trino) does not: its concat_ws takes only text (or one array of text) and fails the query"
                + " (Unexpected parameters for function concat_ws); write CAST(x AS VARCHAR) for the " + kind.noun());
    }

    /**
     * Why Athena fails a quoted number DuckDB converts for an operator or a function: DuckDB refused the probe, the text
     * typed, for that very operator or function, so it took the text only by converting it, and Trino converts no text to
     * a number (github.com/trinodb/trino/pull/12431: its maintainers will not add that coercion).
     */
    private Optional<String> textProblem(String duckDbMessage, GoldModel model, DuckDbPlan plan) {
        Matcher refused = NO_FUNCTION_FOR_TEXT.matcher(duckDbMessage);
        if (!refused.find()) {
            return Optional.empty();
        }
        String name = refused.group(1).strip();
        boolean arithmetic = left.matches("[-+*/%]");
        // A macro's refusal names a function of its body (split_part's, array_extract); the probe typed this one text, so its refusal is this text's.
        if (!(name.equalsIgnoreCase(left) || left.equals("/") && name.equals("//") || !arithmetic && plan.isMacro(left))) {
            return Optional.empty();
        }
        String number = right.substring(1, right.length() - 1).strip();
        String at = " at " + model.position(line, column);
        if (!TextComparison.NUMERAL.matcher(number).matches()) {
            // A date or a timestamp, found only as a function's argument: Trino converts no text to either (TypeCoercion).
            String literal = TextComparison.DAY.matcher(number).matches() ? "DATE " + right.strip() + " (a literal of the date's type)"
                    : "TIMESTAMP '" + number.replace('T', ' ') + "' (a literal of the timestamp's type)";
            return Optional.of("passes the text " + right + " to " + left + at + ", where DuckDB wants a date or a timestamp and converts it, and Athena (Trino)"
                    + " does not: it converts no text to a date or a timestamp and fails the query (Unexpected parameters for function " + left + "); write " + literal);
        }
        String instead = "; write " + number + " (a number, without quotes)";
        if (!arithmetic) {
            return Optional.of("passes the text " + right + " to " + left + at + ", where DuckDB wants a number and converts it, and Athena (Trino) does not:"
                    + " it converts no text to a number and fails the query (Unexpected parameters for function " + left + ")" + instead);
        }
        List<String> types = arguments(refused.group(2));
        if (types.size() != 2) {
            return Optional.empty();
        }
        boolean textFirst = types.get(0).equals("VARCHAR");
        String other = types.get(textFirst ? 1 : 0).replaceFirst("_LITERAL$", "");
        if (!TextComparison.NUMBER.matcher(other).matches()) {
            return Optional.empty();
        }
        String text = "the text " + right;
        String value = "a number (" + other + ")";
        String done = switch (left) {
            case "+" -> textFirst ? "adds " + value + " to " + text : "adds " + text + " to " + value;
            case "-" -> textFirst ? "subtracts " + value + " from " + text : "subtracts " + text + " from " + value;
            case "*" -> textFirst ? "multiplies " + text + " by " + value : "multiplies " + value + " by " + text;
            case "/" -> textFirst ? "divides " + text + " by " + value : "divides " + value + " by " + text;
            default -> textFirst ? "takes the remainder of " + text + " by " + value : "takes the remainder of " + value + " by " + text;
        };
        return Optional.of(done + at + ", which DuckDB converts to a number and Athena (Trino) does not: it converts no text to a number and fails the query"
                + " (Cannot apply operator)" + instead);
    }

    private static boolean isInteger(String duckDbType) {
        return INTEGER.matcher(duckDbType.replaceFirst("_LITERAL$", "")).matches();
    }

    /**
     * Where an interval added to or subtracted from a date is not whole days, which Trino refuses there
     * (DateTimeOperators.datePlusIntervalDayToSecond): empty when it is whole days on every row, nothing to say when it is not on
     * any row ({@code INTERVAL '1' HOUR}), and which rows when it is not on some ({@code n * INTERVAL '1' HOUR}, which is whole
     * days for a whole n only when its hours are: {@code n * INTERVAL '24' HOUR} is left alone, unless n is not an integer). Whole
     * days counted by a number that is not an integer ({@code share * INTERVAL '24' HOUR}, share a DECIMAL or a DOUBLE) are hours
     * on a row whose number is not whole: Trino multiplies an interval day to second by a bigint or a double, a decimal as a
     * double (IntervalDayTimeOperators.multiplyByDouble), and DuckDB by either; {@code plan} types the number with the probe
     * {@code ((n) ^@ (''))}, which DuckDB refuses naming its type.
     */
    private static Optional<String> hours(IntervalReading interval, DuckDbPlan plan) {
        if (interval instanceof IntervalReading.WholeDaysTimes times) {
            for (IntervalReading.Factor factor : times.factors()) {
                Optional<String> type = plan.refusal(factor.probe()).map(NO_FUNCTION::matcher).filter(Matcher::find)
                        .map(refused -> arguments(refused.group(1)).get(0).replaceFirst("_LITERAL$", ""));
                if (type.isPresent() && !isInteger(type.get()) && TextComparison.NUMBER.matcher(type.get()).matches()) {
                    return Optional.of(", on a row whose " + factor.written() + " (" + type.get() + ") is not a whole number");
                }
            }
            return Optional.empty();
        }
        String someRows = ", on a row whose hours are not whole days";
        if (interval instanceof IntervalReading.Constant constant) {
            return constant.wholeDays() ? Optional.empty() : Optional.of("");
        }
        if (interval instanceof IntervalReading.HoursOnSomeRows || interval instanceof IntervalReading.Other other && other.holdsHours()) {
            return Optional.of(someRows);
        }
        return Optional.empty();
    }

    /**
     * An interval added to or subtracted from a date that is neither interval literals nor counted from them (a WITH query's
     * column, the difference of two timestamps): whether it is whole days on every row local cannot read, and Trino fails the
     * query on the first row whose is not (DateTimeOperators.datePlusIntervalDayToSecond), where DuckDB makes a TIMESTAMP at that
     * hour. Added to a timestamp, it is a timestamp in both.
     */
    private Optional<String> unreadInterval(String interval, boolean adds, String at) {
        String timestamp = "CAST(x AS TIMESTAMP) " + operator + " " + interval;
        return Optional.of((adds ? "adds " + interval + " to a date" : "subtracts " + interval + " from a date") + at
                + ", an interval local cannot read as whole days (it is no interval literal, nor one counted from them), which Athena (Trino) "
                + (adds ? "adds to" : "subtracts from") + " a date only when it is whole days, failing the query on a row whose is not (Cannot "
                + (adds ? "add hour, minutes or seconds to" : "subtract hour, minutes or seconds from") + " a date), and DuckDB makes a TIMESTAMP; write "
                + timestamp + ", a timestamp in both (CAST(" + timestamp + " AS DATE) for a date), or the interval as literals (n * INTERVAL '1' DAY)");
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
}
