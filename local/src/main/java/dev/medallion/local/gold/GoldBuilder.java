package dev.medallion.local.gold;

import dev.medallion.common.logging.ErrorMessages;
import dev.medallion.gold.model.GoldModel;
import dev.medallion.silver.schema.SchemaContract;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * Builds gold tables on an embedded, in-memory DuckDB: each model's SELECT runs over views that play the
 * silver tables of the Glue catalog, and its result is written as Snappy Parquet to
 * {@code <gold>/<model>/}, Hive-partitioned like Athena's CTAS output when the model is partitioned.
 */
public final class GoldBuilder implements AutoCloseable {
    /** The schema of the silver views: what {@code ${silver_database}} becomes locally. */
    public static final String SILVER_SCHEMA = "silver";
    private static final int FIRST_ROWS = 10;
    /** How DuckDB quotes the line of the statement an error is on: {@code LINE 3: SELECT ...}, a caret on the next line. */
    private static final Pattern QUOTED_LINE = Pattern.compile("(?m)^LINE (\\d+):");
    /** DuckDB's failure of a call to a function it lacks, with the functions of its own it suggests instead. */
    private static final Pattern MISSING_FUNCTION = Pattern.compile(
            "(Catalog Error: (?:Scalar|Aggregate|Table) Function with name (\\S+) does not exist!)(\\s*Did you mean \"[^\"]*\"\\?)?");

    private final Connection connection;
    /** What holds the silver tables, for a model reading one it lacks: the lake's silver folder, or the contracts of {@code check-models}. */
    private final SilverSource silverSource;
    private final Path goldRoot;
    private final Set<String> silverTables;
    /** The functions DuckDB defines as macros, lowercase: its refusal of one's argument names a function of the macro's body. */
    private final Set<String> macros;
    private final AthenaCompatibility athena = new AthenaCompatibility();
    private long probesPrepared;

    /**
     * Where the silver views come from: a lake's silver folder, or, for {@link #overContracts}, the empty tables of the
     * contracts it was given.
     */
    private record SilverSource(Path silverRoot, Optional<ContractTables> contractTables) {
        SilverSource {
            requireNonNull(silverRoot, "silverRoot is null");
            requireNonNull(contractTables, "contractTables is null");
        }

        /** {@code which …/lake/silver does not hold (it holds customers, sales)}, {@code which the contracts in …/sample-data do not hold (they hold …)}. */
        String lacking(String held) {
            return contractTables.map(tables -> "which the contracts in " + tables.contracts() + " do not hold (they hold " + held + ")")
                    .orElseGet(() -> "which " + silverRoot + " does not hold (it holds " + held + ")");
        }
    }

    /**
     * The empty silver tables of {@link #overContracts}.
     *
     * @param contracts the folder of contracts the tables are typed by, for the messages
     * @param scratch the temporary folder of the empty Parquet files written for them, deleted on {@link #close}
     */
    private record ContractTables(Path contracts, Path scratch) {
        ContractTables {
            requireNonNull(contracts, "contracts is null");
            requireNonNull(scratch, "scratch is null");
        }
    }

    private GoldBuilder(Connection connection, SilverSource silverSource, Path goldRoot, Set<String> silverTables, Set<String> macros) {
        this.connection = connection;
        this.silverSource = silverSource;
        this.goldRoot = goldRoot;
        this.silverTables = Set.copyOf(silverTables);
        this.macros = Set.copyOf(macros);
    }

    /** Starts DuckDB and defines one view per silver dataset found under {@code silverRoot}. */
    public static GoldBuilder open(Path silverRoot, Path goldRoot) throws SQLException, IOException {
        Path silver = silverRoot.toAbsolutePath().normalize();
        return open(new SilverSource(silver, Optional.empty()), goldRoot.toAbsolutePath().normalize());
    }

    /**
     * Starts DuckDB over a silver table per contract, holding no row, typed as a lake's would be: each is a view over an
     * empty Parquet file that silver's own writer writes with the contract's schema ({@link ContractSilver}), through the
     * view {@link #open} defines over a lake, {@code ingest_date} and all. For {@link #check}, which needs no data: the
     * Parquet files go to a temporary folder, deleted on {@link #close}.
     *
     * @param directory the folder the contracts were read from, for the messages
     */
    public static GoldBuilder overContracts(Path directory, List<SchemaContract> contracts) throws SQLException, IOException {
        requireNonNull(directory, "directory is null");
        requireNonNull(contracts, "contracts is null");
        Path scratch = Files.createTempDirectory("check-models-");
        try {
            Path silver = scratch.resolve("silver");
            ContractSilver.write(contracts, silver);
            return open(new SilverSource(silver, Optional.of(new ContractTables(directory, scratch))), scratch.resolve("gold"));
        }
        catch (IOException | SQLException | RuntimeException e) {
            deleteRecursively(scratch);
            throw e;
        }
    }

    private static GoldBuilder open(SilverSource source, Path gold) throws SQLException, IOException {
        Path silver = source.silverRoot();
        Map<String, List<SilverTables.Partition>> tables = SilverTables.under(silver);
        Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Set<String> macros = new HashSet<>();
        try (Statement statement = connection.createStatement()) {
            // Everything the models need (Parquet) is built into the driver; never reach the network for more.
            statement.execute("SET autoinstall_known_extensions = false");
            // Trino divides an integer by an integer as integers, truncating toward zero (7 / 2 = 3); DuckDB's '/'
            // gives a DOUBLE (3.5) unless told, which would build a table with other values and column types.
            statement.execute("SET integer_division = true");
            statement.execute("CREATE SCHEMA " + Sql.identifier(SILVER_SCHEMA));
            for (Map.Entry<String, List<SilverTables.Partition>> table : tables.entrySet()) {
                statement.execute(SilverTables.viewSql(SILVER_SCHEMA, table.getKey(), table.getValue()));
            }
            try (ResultSet result = statement.executeQuery("SELECT DISTINCT lower(function_name) FROM duckdb_functions() WHERE function_type = 'macro'")) {
                while (result.next()) {
                    macros.add(result.getString(1));
                }
            }
        }
        catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
        return new GoldBuilder(connection, source, gold, tables.keySet(), macros);
    }

    public Set<String> silverTables() {
        return new TreeSet<>(silverTables);
    }

    public String duckDbVersion() throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery("SELECT version()")) {
            result.next();
            return result.getString(1);
        }
    }

    /**
     * Builds the model's table, replacing what an earlier run wrote. A model that fails, whatever the
     * reason, leaves no table behind, so stale output is never mistaken for the model's.
     */
    public GoldTable build(GoldModel model) throws GoldModelException, IOException {
        requireNonNull(model, "model is null");
        Path directory = goldRoot.resolve(model.name());
        try {
            return build(model, directory);
        }
        catch (GoldModelException e) {
            deleteRecursively(directory);
            throw e;
        }
    }

    /**
     * Makes every check {@link #build} makes of the model before it writes the table, and writes nothing: the silver tables
     * read, Trino's parser, DuckDB's plan of the SELECT (a column or table it lacks), the columns' names and types, and the
     * refusals of what DuckDB runs and Athena fails or types otherwise. Over the tables of {@link #overContracts}, the checks
     * of a model that need the silver tables' types but no data.
     */
    public void check(GoldModel model) throws GoldModelException {
        requireNonNull(model, "model is null");
        try {
            checkBeforeWriting(model, model.select(SILVER_SCHEMA));
        }
        catch (SQLException e) {
            throw duckDbFailure(model, e);
        }
    }

    /** The checks of {@link #check}; the model's columns as DuckDB plans them. */
    private List<Column> checkBeforeWriting(GoldModel model, String select) throws GoldModelException, SQLException {
        List<String> missing = model.sources().stream().filter(source -> !silverTables.contains(source)).toList();
        if (!missing.isEmpty()) {
            throw new GoldModelException(model, "reads silver " + (missing.size() == 1 ? "table " : "tables ") + String.join(", ", missing)
                    + ", " + silverSource.lacking(silverTables.isEmpty() ? "none" : String.join(", ", silverTables())));
        }
        io.trino.sql.tree.Statement parsed = athena.checkParses(model);
        List<Column> columns = describeOrExplain(model, parsed, select);
        athena.checkColumns(model, parsed, columns);
        checkTextComparisons(model, parsed);
        checkOperators(model, parsed, operator -> true, columns);
        return columns;
    }

    private GoldTable build(GoldModel model, Path directory) throws GoldModelException, IOException {
        long started = System.nanoTime();
        String select = model.select(SILVER_SCHEMA);
        try {
            List<Column> columns = checkBeforeWriting(model, select);
            deleteRecursively(directory);
            write(select, model.partitionedBy(), directory);
            List<Path> files = parquetFiles(directory);
            long rows = files.isEmpty() ? 0 : count(files, columns, model.partitionedBy());
            List<List<String>> firstRows = files.isEmpty() ? List.of() : firstRows(files, columns, model.partitionedBy());
            int partitions = model.partitionedBy().isEmpty() ? 0 : (int) files.stream().map(Path::getParent).distinct().count();
            return new GoldTable(model, directory, columns, rows, partitions, firstRows, (System.nanoTime() - started) / 1e9);
        }
        catch (SQLException e) {
            throw duckDbFailure(model, e);
        }
    }

    /**
     * DuckDB's own message, where it quotes a line ({@code LINE 3: ...}, a caret under the place) the line of
     * the model's file, not of the SELECT, which is what DuckDB counts from (the COPY around it starts on
     * the SELECT's first line); and the file and line first. The JDBC driver puts a line of its own before
     * some messages.
     */
    private static GoldModelException duckDbFailure(GoldModel model, SQLException e) {
        String message = explainAthenaOnlyFunction(ErrorMessages.describe(e)
                .replaceFirst("(?s)^Invalid Input Error: Attempting to execute an unsuccessful or closed pending query result\\s*Error: ", "")
                .strip());
        Matcher quoted = QUOTED_LINE.matcher(message);
        StringBuilder inFile = new StringBuilder();
        String at = "";
        int copied = 0;
        while (quoted.find()) {
            int line = Integer.parseInt(quoted.group(1));
            int fileLine = model.selectLine() + line - 1;
            at = at.isEmpty() ? " at " + model.position(line) : at;
            inFile.append(message, copied, quoted.start()).append("LINE ").append(fileLine).append(':');
            copied = quoted.end();
            // The caret under the place is indented by the "LINE n: " before the quoted text: indent it as much more as n grew.
            int widened = String.valueOf(fileLine).length() - quoted.group(1).length();
            int caretLine = message.indexOf('\n', copied);
            if (widened > 0 && caretLine >= 0) {
                inFile.append(message, copied, caretLine + 1).append(" ".repeat(widened));
                copied = caretLine + 1;
            }
        }
        inFile.append(message.substring(copied));
        if (at.isEmpty() && !model.file().isEmpty()) {
            // An error of the data, not of a place in the SQL (a value that does not convert): the file still says which model.
            at = " (" + model.file() + ")";
        }
        return new GoldModelException(model.name(), "failed on DuckDB" + at + ": " + inFile, e);
    }

    /**
     * A call to a function Athena has and DuckDB lacks ({@code date_format}, which the refusal of {@code strftime}
     * names, marked as Athena's alone, after what both engines run) passes the checks and fails on DuckDB in DuckDB's words, as if the model were wrong, followed by
     * DuckDB's own functions as suggestions, which the checks refuse. The model is right for Athena: say whose
     * function it is and what a person can do, in place of the suggestions.
     */
    private static String explainAthenaOnlyFunction(String message) {
        Matcher missing = MISSING_FUNCTION.matcher(message);
        if (!missing.find() || !AthenaCompatibility.isAthenaFunction(missing.group(2))) {
            return message;
        }
        String function = missing.group(2);
        return message.substring(0, missing.start()) + missing.group(1) + " " + function
                + " is a function of Athena's (Trino's) that DuckDB lacks, so local cannot run this model, which Athena can: try it in Athena,"
                + " or write it with functions both engines have (a month: CAST(date_trunc('month', x) AS DATE); see gold-ctas/README.md, One SELECT for Athena and DuckDB)"
                + message.substring(missing.end());
    }

    /**
     * Refuses, at its place, a quoted text compared with a value that is not text, which DuckDB converts and Athena
     * fails the query on: each such text's probe ({@link TextComparison}) is prepared, not run, and DuckDB refuses it
     * only then. A probe that fails otherwise says nothing of the model, which DuckDB has just planned as written.
     */
    private void checkTextComparisons(GoldModel model, io.trino.sql.tree.Statement parsed) throws GoldModelException {
        for (TextComparison comparison : TextComparison.in(model.select(), parsed)) {
            try (PreparedStatement statement = connection.prepareStatement(comparison.probe(SILVER_SCHEMA))) {
                statement.getMetaData();
            }
            catch (SQLException e) {
                Optional<String> type = TextComparison.comparedType(ErrorMessages.describe(e));
                if (type.isPresent()) {
                    throw new GoldModelException(model.name(), comparison.problem(type.get(), model));
                }
            }
        }
    }

    /**
     * Refuses, at its place, a || of text with a number, a date or a boolean, a date plus or minus a number, hours or a quoted text, a date minus a date,
     * a quoted number given to an operator or a function, a concat_ws argument that is not text, and a date plus whole days or a date_trunc of a date
     * that is, or reaches, a column of the table, which
     * DuckDB runs and Athena fails the query on, or types otherwise: each such operator's probe ({@link OperatorProbe}) is prepared, not run,
     * and DuckDB refuses it naming the operands' types. A probe that fails otherwise says nothing of the model. {@code which} are
     * the probes to try; {@code columns} the model's, as DuckDB plans them (none when it does not).
     */
    private void checkOperators(GoldModel model, io.trino.sql.tree.Statement parsed, Predicate<OperatorProbe> which, List<Column> columns) throws GoldModelException {
        ProbeRefusals refusals = new ProbeRefusals(connection, SILVER_SCHEMA);
        DuckDbPlan plan = new DuckDbPlan() {
            @Override
            public boolean isMacro(String function) {
                return macros.contains(function.toLowerCase(Locale.ROOT));
            }

            @Override
            public Optional<String> columnMadeDate(String select) {
                return GoldBuilder.this.columnMadeDate(select, columns);
            }

            @Override
            public Optional<String> refusal(String probe) {
                return refusals.refusal(probe);
            }
        };
        try {
            for (OperatorProbe operator : OperatorProbe.in(model.select(), parsed).stream().filter(which).toList()) {
                Optional<String> refused = refusals.refusal(operator.probe());
                if (refused.isPresent()) {
                    Optional<String> problem = operator.problem(refused.get(), model, plan);
                    if (problem.isPresent()) {
                        throw new GoldModelException(model.name(), problem.get());
                    }
                }
            }
        }
        finally {
            probesPrepared += refusals.prepared();
        }
    }

    /** How many probes of + and -, date_trunc, || and the rest ({@link OperatorProbe}) DuckDB was given to prepare so far, over every model checked. */
    long probesPrepared() {
        return probesPrepared;
    }

    /**
     * The SELECT's columns, from DuckDB's plan of it; when DuckDB does not plan it, the + and - it refuses (a date minus a
     * quoted text, which DuckDB cannot choose how to read and Athena refuses too) are refused with what to write, before
     * DuckDB's own message, which names only its candidates. Their probes replace the operator, so DuckDB's refusal of the
     * model does not reach them.
     */
    private List<Column> describeOrExplain(GoldModel model, io.trino.sql.tree.Statement parsed, String select) throws SQLException, GoldModelException {
        try {
            return describe(select);
        }
        catch (SQLException e) {
            checkOperators(model, parsed, OperatorProbe::arithmetic, List.of());
            throw e;
        }
    }

    /**
     * The first of {@code columns}, the model's, that {@code select} makes a DATE where the model makes it a TIMESTAMP; empty when
     * none is, or DuckDB does not plan it (it says nothing of the model then).
     */
    private Optional<String> columnMadeDate(String select, List<Column> columns) {
        List<Column> cast;
        try {
            cast = describe(select.replace(GoldModel.SILVER_DATABASE, SILVER_SCHEMA));
        }
        catch (SQLException e) {
            return Optional.empty();
        }
        for (int i = 0; i < Math.min(cast.size(), columns.size()); i++) {
            if (columns.get(i).type().startsWith("TIMESTAMP") && cast.get(i).type().equals("DATE")) {
                return Optional.of(columns.get(i).name());
            }
        }
        return Optional.empty();
    }

    /** The temporary folder of {@link #overContracts}'s empty tables, deleted on {@link #close}; empty over a lake. */
    Optional<Path> scratch() {
        return silverSource.contractTables().map(ContractTables::scratch);
    }

    /** The columns of a silver table's view, as DuckDB types them: what a model reading it sees. */
    List<Column> silverColumns(String table) throws SQLException {
        return describe("SELECT * FROM " + Sql.identifier(SILVER_SCHEMA) + "." + Sql.identifier(requireNonNull(table, "table is null")));
    }

    /** The SELECT's columns, from DuckDB's plan of it: prepared, not run. */
    private List<Column> describe(String select) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(select)) {
            ResultSetMetaData metadata = statement.getMetaData();
            List<Column> columns = new ArrayList<>();
            for (int i = 1; i <= metadata.getColumnCount(); i++) {
                columns.add(new Column(metadata.getColumnName(i), metadata.getColumnTypeName(i)));
            }
            return columns;
        }
    }

    private void write(String select, List<String> partitionedBy, Path directory) throws SQLException, IOException {
        Files.createDirectories(directory.getParent());
        String options = "FORMAT PARQUET, COMPRESSION SNAPPY";
        Path target = directory;
        if (partitionedBy.isEmpty()) {
            // DuckDB's own name for a file it writes in a directory, as in each partition of a partitioned table.
            Files.createDirectories(directory);
            target = directory.resolve("data_0.parquet");
        }
        else {
            options += ", PARTITION_BY (" + partitionedBy.stream().map(Sql::identifier).collect(Collectors.joining(", ")) + ")";
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("COPY (" + select + "\n) TO " + Sql.literal(target.toString()) + " (" + options + ")");
        }
    }

    private long count(List<Path> files, List<Column> columns, List<String> partitionedBy) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT COUNT(*) FROM (" + readBack(files, columns, partitionedBy) + ")")) {
            result.next();
            return result.getLong(1);
        }
    }

    private List<List<String>> firstRows(List<Path> files, List<Column> columns, List<String> partitionedBy) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(readBack(files, columns, partitionedBy) + " ORDER BY ALL LIMIT " + FIRST_ROWS)) {
            while (result.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= columns.size(); i++) {
                    row.add(display(result.getObject(i)));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /**
     * Reads a written table back as Athena would: partition values from the folder names, in the types
     * the SELECT gave them. Listed files and named columns keep folders above the lake that look like
     * {@code key=value} out of the result (DuckDB makes every such folder a column).
     */
    private static String readBack(List<Path> files, List<Column> columns, List<String> partitionedBy) {
        String selected = columns.stream()
                .map(column -> partitionedBy.contains(column.name())
                        ? "CAST(" + Sql.identifier(column.name()) + " AS " + column.type() + ") AS " + Sql.identifier(column.name())
                        : Sql.identifier(column.name()))
                .collect(Collectors.joining(", "));
        String list = files.stream().map(file -> Sql.literal(file.toString())).collect(Collectors.joining(", "));
        String options = partitionedBy.isEmpty() ? ", hive_partitioning = false" : ", hive_partitioning = true, hive_types_autocast = false";
        return "SELECT " + selected + " FROM read_parquet([" + list + "]" + options + ")";
    }

    /** A value as the table printout shows it; doubles to four decimals, the stored value keeps them all. */
    static String display(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Double || value instanceof Float) {
            double number = ((Number) value).doubleValue();
            return Double.isFinite(number) ? BigDecimal.valueOf(number).setScale(4, RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString() : String.valueOf(number);
        }
        if (value instanceof BigDecimal decimal) {
            return decimal.toPlainString();
        }
        if (value instanceof Timestamp timestamp) {
            return timestamp.toLocalDateTime().toString().replace('T', ' ');
        }
        return value.toString();
    }

    private static List<Path> parquetFiles(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(file -> Files.isRegularFile(file) && file.getFileName().toString().endsWith(".parquet")).sorted().toList();
        }
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                }
                catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        catch (UncheckedIOException e) {
            throw new IOException("Could not delete the earlier output " + directory + ": " + ErrorMessages.describe(e.getCause()), e.getCause());
        }
    }

    @Override
    public void close() throws SQLException, IOException {
        try {
            connection.close();
        }
        finally {
            if (silverSource.contractTables().isPresent()) {
                deleteRecursively(silverSource.contractTables().get().scratch());
            }
        }
    }
}
