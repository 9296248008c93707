package dev.medallion.silver;

import dev.medallion.common.config.ConversionLimits;
import dev.medallion.common.config.CsvOverrides;
import dev.medallion.common.config.SilverSettings;
import dev.medallion.common.layout.RunId;
import dev.medallion.common.layout.SilverLayout;
import dev.medallion.common.logging.ErrorMessages;
import dev.medallion.common.logging.JsonLog;
import dev.medallion.common.storage.ObjectStore;
import dev.medallion.common.storage.ObjectUpload;
import dev.medallion.silver.catalog.SilverCatalog;
import dev.medallion.silver.csv.CsvReader;
import dev.medallion.silver.csv.CsvReader.Row;
import dev.medallion.silver.csv.RejectedInputException;
import dev.medallion.silver.parquet.PartInfo;
import dev.medallion.silver.schema.Column;
import dev.medallion.silver.schema.ColumnNames;
import dev.medallion.silver.schema.NullMarkers;
import dev.medallion.silver.schema.SchemaContract;
import dev.medallion.silver.schema.SchemaContractStore;
import dev.medallion.silver.schema.ShownValue;
import dev.medallion.silver.schema.TrailingDelimiter;
import dev.medallion.silver.schema.StringColumnHint;
import dev.medallion.silver.schema.TypeInference;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static java.util.Objects.requireNonNull;

/**
 * The state of one conversion of {@link SilverConverter}: what it has read and written so far, so that
 * it can be committed or discarded. Reads the source as one stream ({@link #execute}), or is filled by the
 * byte ranges of a {@link RangeConversion} read at once, out of the steps of a conversion both share; either
 * way it ends with the run's manifest and its staged uploads.
 */
final class ConversionRun {
    /** Names the converter in manifests: {@code silver-converter/<version>}. */
    static final String NAME = "silver-converter/" + Optional.ofNullable(ConversionRun.class.getPackage().getImplementationVersion()).orElse("dev");

    /**
     * What every run of one converter shares.
     *
     * @param threadStopWait how long a run waits for its threads to end once stopped ({@link WorkerThreads#WAIT} but in tests)
     * @param readingRules the version of the reading rules this converter's manifests record ({@link ReadingRules#VERSION} but in
     *        tests, which stand for an older or newer function version deployed beside it)
     */
    record Context(ObjectStore silver, SilverLayout layout, ConversionLimits limits, CsvOverrides csvOverrides, SchemaContractStore contracts,
            SilverCatalog catalog, SilverCommit commit, JsonLog log, Clock clock, Duration threadStopWait, int readingRules) {
        Context {
            requireNonNull(silver, "silver is null");
            requireNonNull(catalog, "catalog is null");
            requireNonNull(layout, "layout is null");
            requireNonNull(limits, "limits is null");
            requireNonNull(csvOverrides, "csvOverrides is null");
            requireNonNull(contracts, "contracts is null");
            requireNonNull(commit, "commit is null");
            requireNonNull(log, "log is null");
            requireNonNull(clock, "clock is null");
            requireNonNull(threadStopWait, "threadStopWait is null");
            if (readingRules < ReadingRules.UNRECORDED) {
                throw new IllegalArgumentException("reading rules " + readingRules + " are below the first, " + ReadingRules.UNRECORDED);
            }
        }
    }

    private final Context context;
    private final SourceObject source;
    private final String dataset;
    private final LocalDate ingestDate;
    private final RunId id;
    private final List<String> supersedes;
    private final Deadline deadline;
    private final List<PartInfo> parts = new ArrayList<>();
    /** Closed uploads, invisible until the commit publishes them: parts, then the quarantine file. */
    private final List<ObjectUpload> staged = new ArrayList<>();
    /** Pipelines whose uploads are not in {@link #staged} yet: discarded with the run. */
    private final List<ChunkPipeline> pipelines = new CopyOnWriteArrayList<>();
    /**
     * How the reason of a file rejected as another dataset's ({@link #fieldOfColumn}) starts: what mends it is
     * the contract, which its manifest does not record, so such a file is read again on every delivery
     * (reading it costs its header and the contract).
     */
    private static final String ANOTHER_DATASETS_FILE = "Most of the file's columns are not in dataset ";
    /** How that reason started when only a file with no column of the contract was rejected so: its manifests are in lakes still. */
    private static final String NO_COLUMN_OF_THE_CONTRACT = "None of the header's ";

    /** Part numbers are never reused within a run, not even after ranges were given up. */
    private final AtomicInteger partNumbers = new AtomicInteger();
    private QuarantineWriter quarantine;
    private SchemaContract contract;
    private long rowsRead;
    private long rowsWritten;
    /** The dataset's declared delimiter, or ',', until the reader chose one: a file rejected before then records what it was read with. */
    private char delimiter;
    /** The texts the dataset's fields hold for a missing value: passed over at inference, written as null. */
    private final NullMarkers nullMarkers;
    /** Whether the dataset's quoted empty fields are empty strings ({@code CSV_QUOTED_EMPTY_STRINGS}): read so, quarantined quoted, recorded. */
    private final boolean keepsQuotedEmptyStrings;
    /** What the text was decoded as: the dataset's declared charset, else UTF-8. */
    private String encoding;
    /** The header as the file has it, for the manifest: a trailing delimiter's empty field included. */
    private List<String> headerAsRead = List.of();
    /**
     * The header texts of the file's columns, which rows are read against: the header as read, but for the empty
     * field of a delimiter ending every line and Excel's unnamed trailing columns ({@link #trailingFields}).
     */
    private List<String> header = List.of();
    /**
     * The header's empty fields at its end that are no columns ({@link TrailingDelimiter}): one of a delimiter ending every line,
     * several of Excel's unnamed trailing columns. Rows are then read without their empty fields there, and one holding a value
     * there is refused. Only those after the last the dataset's contract already holds as a column, made before they were no
     * columns: such a dataset keeps converting as it did, its table unchanged. 0 for a header without.
     */
    private int trailingFields;
    /** Why no row fits the header, when its rows say a title line was taken for it; empty otherwise ({@link #noContract}). */
    private String titleAboveHeader = "";
    /** Whether this run's inferred contract is the dataset's: it wrote it first. */
    private boolean contractDefined;
    /** The string columns of the contract this run inferred whose values look typed ({@link TypeInference#stringColumnHints}). */
    private List<StringColumnHint> stringColumnHints = List.of();
    /**
     * Whether the run's contract was inferred from no row: none of the rows it is inferred from has as many
     * fields as the header (a stray delimiter after it). It is not stored, so that the dataset's next file
     * infers it, and no row is written in it (each is quarantined): guessed all {@code string}, it would
     * type every later file of the dataset so. Set before any row is converted.
     */
    private boolean contractFromNoRow;

    ConversionRun(Context context, SourceObject source, String dataset, RunId id, List<String> supersedes, Deadline deadline) {
        this.context = requireNonNull(context, "context is null");
        this.source = source;
        this.dataset = dataset;
        this.ingestDate = source.ingestDate();
        this.id = id;
        this.supersedes = supersedes;
        this.deadline = deadline;
        this.delimiter = context.csvOverrides().delimiterOf(dataset).orElse(',');
        this.encoding = context.csvOverrides().encodingOf(dataset).orElse(StandardCharsets.UTF_8).name();
        this.keepsQuotedEmptyStrings = context.csvOverrides().keepsQuotedEmptyStrings(dataset);
        NullMarkers declared = NullMarkers.declaring(context.csvOverrides().nullValuesOf(dataset));
        this.nullMarkers = keepsQuotedEmptyStrings ? declared.keepingQuotedEmptyStrings() : declared;
    }

    List<ObjectUpload> staged() {
        return List.copyOf(staged);
    }

    /** The rows quarantined for a value that does not fit its column's type, as opposed to their number of fields. */
    long rowsQuarantinedForTypes() {
        return quarantine == null ? 0 : quarantine.rowsRefusedForTypes();
    }

    /** The contract the run wrote in; set once the run has read a header and the contract is known. */
    SchemaContract contract() {
        if (contract == null) {
            throw new IllegalStateException("The run of " + source.location() + " has no schema contract yet");
        }
        return contract;
    }

    ChunkPipeline pipeline(String threadName) {
        ChunkPipeline pipeline = new ChunkPipeline(context.silver(), context.limits(), contract, context.layout().schemaKey(dataset), nullMarkers,
                () -> context.layout().partKey(dataset, ingestDate, source.key(), source.etag(), id, partNumbers.incrementAndGet()), threadName,
                context.threadStopWait());
        pipelines.add(pipeline);
        return pipeline;
    }

    /** Converts the source read as one stream. */
    Manifest execute(InputStream in) throws IOException, RejectedInputException {
        try (CsvReader csv = CsvReader.open(in, context.csvOverrides().delimiterOf(dataset), context.csvOverrides().encodingOf(dataset),
                context.csvOverrides().encodingSourceOf(dataset), source.location(), dataset,
                context.limits().maxRowChars(), nullMarkers)) {
            readDialect(csv);
            Optional<Row> headerRow = csv.next();
            if (headerRow.isEmpty()) {
                return manifest(Manifest.EMPTY, "the file holds no header and no rows", List.of(), List.of(), List.of(), source.size());
            }
            readHeader(headerRow.get());
            List<Row> sample = new ArrayList<>();
            Optional<SchemaContract> existing = existingContract();
            readColumns(existing);
            if (existing.isEmpty()) {
                readSample(csv, sample);
                if (sample.isEmpty()) {
                    return manifest(Manifest.EMPTY, "the file holds a header and no rows", List.of(), List.of(), List.of(), source.size());
                }
            }
            if (existing.isPresent()) {
                contract = existing.get();
                // A range attempt given up before may have inferred from no row; this stream has the stored contract.
                contractFromNoRow = false;
            }
            else {
                Inferred inferred = inferContract(sample);
                contract = inferred.contract();
                contractDefined = inferred.defined();
                contractFromNoRow = inferred.fromNoRow();
            }
            int[] fieldOfColumn = fieldOfColumn();
            ChunkPipeline pipeline = pipeline("silver-parquet-writer");
            rowsRead = convertRows(csv, sample, pipeline, fieldOfColumn, (line, reason, fields, forAType) -> quarantine.add(line, reason, fields, forAType), 0);
            take(pipeline);
            return converted();
        }
    }

    /** The delimiter and charset the reader chose, for the manifest. */
    void readDialect(CsvReader csv) {
        delimiter = csv.delimiter();
        encoding = csv.encoding().name();
    }

    /** Checks the header's width; {@link #readColumns} tells its columns once the dataset's contract is known. */
    void readHeader(Row headerRow) throws RejectedInputException {
        int fields = headerRow.fields().size();
        if (fields > context.limits().maxColumns()) {
            // The manifest of the rejection does not carry such a header.
            throw new RejectedInputException("The header holds " + fields + " fields, more than " + ConversionLimits.MAX_COLUMNS
                    + " allows (" + context.limits().maxColumns() + "): the file is rejected so that memory stays bounded (raise "
                    + ConversionLimits.MAX_COLUMNS + ", with the function's memory, to convert it; a run of delimiters in the"
                    + " header is a damaged export).");
        }
        headerAsRead = headerRow.fields();
        header = headerAsRead;
    }

    /**
     * The header's columns, and the quarantine file started under them: the header's fields, but for the empty
     * field of a delimiter ending every line, unless the dataset's existing contract holds it as a column.
     */
    void readColumns(Optional<SchemaContract> existing) {
        int trailing = TrailingDelimiter.trailingFields(headerAsRead);
        trailingFields = existing.isPresent() && trailing > 0 ? trailingFieldsNotHeldBy(existing.get(), trailing) : trailing;
        header = trailingFields > 0 ? TrailingDelimiter.columnsOf(headerAsRead, trailingFields) : headerAsRead;
        quarantine = new QuarantineWriter(context.silver(), context.layout().quarantineKey(dataset, ingestDate, source.key(), source.etag(), id), header,
                nullMarkers);
    }

    /**
     * Of the header's {@code trailing} empty fields, those after the last a contract holds as a column: the contract of a dataset
     * converted before they were no columns, where their values went to columns named by position ({@code column_4}, header
     * text empty). Its files go on being read so, matched to the contract as then.
     */
    private int trailingFieldsNotHeldBy(SchemaContract existing, int trailing) {
        List<String> names = ColumnNames.matched(headerAsRead, existing.columns(), existing.indexOf(ColumnNames.PARTITION_KEY) < 0);
        for (int field = names.size() - 1; field >= names.size() - trailing; field--) {
            if (existing.indexOf(names.get(field)) >= 0) {
                return names.size() - 1 - field;
            }
        }
        return trailing;
    }

    /** A row's fields as its columns are read: without the empty fields under the header's trailing ones. */
    private List<String> fieldsOf(Row row) {
        return trailingFields > 0 ? TrailingDelimiter.withoutTerminator(row.fields(), header.size(), trailingFields) : row.fields();
    }

    /** Moves a finished pipeline's parts into the run's. */
    private void take(ChunkPipeline pipeline) {
        parts.addAll(pipeline.parts());
        staged.addAll(pipeline.staged());
        rowsWritten += pipeline.rowsWritten();
        pipelines.remove(pipeline);
    }

    /**
     * Takes a finished byte range into the run, once the ranges before it are taken: its rows read, the rows it held
     * refused into the quarantine file at the file's lines ({@code lineOffset}, the line breaks of the ranges before, plus
     * the line from the range's start), its parts.
     */
    void takeRange(long rangeRowsRead, List<RangeConversion.Refused> refused, long lineOffset, ChunkPipeline pipeline) throws IOException {
        rowsRead += rangeRowsRead;
        for (RangeConversion.Refused row : refused) {
            quarantine.add(lineOffset + row.line(), row.reason(), row.fields(), row.forAType());
        }
        take(pipeline);
    }

    /** The dataset's markers, whose quoted forms ({@link NullMarkers#quotedFormOf}) the readers of its byte ranges give too. */
    NullMarkers nullMarkers() {
        return nullMarkers;
    }

    /** The quarantine file {@link #readColumns} started; the first byte range refuses its rows into it at once. */
    QuarantineWriter quarantine() {
        return quarantine;
    }

    /**
     * Takes the contract the first byte range loaded ({@code existing}) or inferred, and returns where each of its columns is
     * in the file's rows ({@link #fieldOfColumn}).
     */
    int[] useRangeContract(Optional<SchemaContract> existing, Inferred inferred) throws RejectedInputException {
        contract = existing.isPresent() ? existing.get() : inferred.contract();
        contractDefined = inferred != null && inferred.defined();
        contractFromNoRow = inferred != null && inferred.fromNoRow();
        return fieldOfColumn();
    }

    /**
     * The manifest of a run that read every row: its parts are written, its quarantine file finished. One whose
     * contract was inferred from no row records no columns and says why: it wrote none, and the guess is stored nowhere.
     */
    Manifest converted() throws IOException {
        Manifest.Quarantine quarantined = quarantine.finish().orElse(null);
        quarantine.upload().ifPresent(staged::add);
        List<Column> columns = contractFromNoRow ? List.of() : contract.columns();
        List<Manifest.DroppedColumn> dropped = List.of();
        List<String> missing = new ArrayList<>();
        if (!contractFromNoRow) {
            List<String> names = headerNames();
            dropped = droppedColumns(names);
            for (Column column : columns) {
                if (!names.contains(column.name())) {
                    missing.add(column.name());
                }
            }
        }
        String reason = rowsRead == 0 ? "the file holds a header and no rows" : contractFromNoRow ? noContract() : null;
        // bytesRead is the size here: the caller fails the run unless the bytes counted turn out to be the size.
        return new Manifest(Manifest.FORMAT_VERSION, id.generation(), id.token(), rowsRead == 0 ? Manifest.EMPTY : Manifest.CONVERTED, reason,
                dataset, Manifest.Source.of(source), ingestDate.toString(), String.valueOf(delimiter), encoding, headerAsRead,
                columns, dropped, missing, parts, quarantined,
                rowsRead, rowsWritten, quarantine.rows(), source.size(), supersedes, context.clock().instant().toString(), NAME,
                Manifest.Limits.of(context.limits()), nullMarkers.declared(), keepsQuotedEmptyStrings, context.readingRules(), null);
    }

    /**
     * The sample's rows, then the rest of the reader's, into {@code pipeline}, to the last part's end, those that do not fit to
     * {@code refused}; returns the rows read. Lines count from {@code startByte}: 0, the file's start, or a later byte range's first byte.
     */
    long convertRows(CsvReader csv, List<Row> sample, ChunkPipeline pipeline, int[] fieldOfColumn, RefusedRows refused, long startByte)
            throws IOException, RejectedInputException {
        Rows rows = new Rows(pipeline, fieldOfColumn, refused, startByte);
        for (Row row : sample) {
            rows.accept(row);
        }
        sample.clear();
        for (Optional<Row> row = csv.next(); row.isPresent(); row = csv.next()) {
            rows.accept(row.get());
        }
        rows.pipeline.finish();
        return rows.read;
    }

    /** Counts rows, types them into a pipeline, refuses those that do not fit. */
    private final class Rows {
        private final ChunkPipeline pipeline;
        private final int[] fieldOfColumn;
        private final RefusedRows refused;
        /** Where the rows' line numbers count from: 0, the file's start, or a later byte range's first byte. */
        private final long startByte;
        private long read;

        Rows(ChunkPipeline pipeline, int[] fieldOfColumn, RefusedRows refused, long startByte) {
            this.pipeline = pipeline;
            this.fieldOfColumn = fieldOfColumn;
            this.refused = refused;
            this.startByte = startByte;
        }

        /** For the deadline's message: a later range's lines count from its start, its lines before unknown until the earlier ranges end. */
        private String where(Row row) {
            return "converting " + source.location() + " at line " + row.line() + (startByte == 0 ? "" : " of the byte range from byte " + startByte
                    + " (lines counted from the range's start)");
        }

        void accept(Row row) throws IOException, RangeConversion.RangesAbandoned {
            read++;
            List<String> fields = fieldsOf(row);
            String reason;
            // Only the pipeline refuses a row for its values' types; the other refusals are of its number of fields.
            boolean forAType = false;
            if (fields.size() != header.size()) {
                // Kept as the other field counts are worded ("expected 3 fields"), which quarantine files are filtered on.
                reason = "expected " + header.size() + " fields, found " + fields.size();
                if (trailingFields > 0) {
                    String under = trailingFields == 1 ? ": a value after the header's trailing delimiter: '"
                            : ": a value under the header's empty trailing fields, which name no column: '";
                    reason += TrailingDelimiter.valueAfter(fields, header.size(), trailingFields)
                            .map(value -> under + ShownValue.of(value) + "'").orElse("");
                }
            }
            else if (contractFromNoRow) {
                reason = noContract();
            }
            else {
                reason = pipeline.append(fields::get, fieldOfColumn);
                forAType = reason != null;
            }
            if (reason != null) {
                refused.add(row.line(), reason, fields, forAType);
                // Refused rows fill no chunk: a file of them meets the deadline as often as a chunk's rows would.
                if (read % context.limits().chunkRows() == 0) {
                    deadline.check(where(row));
                }
                return;
            }
            if (pipeline.full()) {
                deadline.check(where(row));
                pipeline.flush();
            }
        }
    }

    /**
     * Reads the first chunk's rows, from which a new dataset's contract is inferred.
     *
     * @return whether the reader ended before the chunk was full
     */
    boolean readSample(CsvReader csv, List<Row> sample) throws IOException, RejectedInputException {
        long bytes = 0;
        while (sample.size() < context.limits().chunkRows() && bytes < context.limits().chunkMaxBytes()) {
            Optional<Row> row = csv.next();
            if (row.isEmpty()) {
                return true;
            }
            sample.add(row.get());
            bytes += row.get().retainedBytes();
        }
        return false;
    }

    /**
     * A contract inferred from a sample, as stored: this run's, or another's that was stored first ({@code defined}
     * false); or, {@code fromNoRow}, inferred from no row and not stored ({@link #contractFromNoRow}).
     */
    record Inferred(SchemaContract contract, boolean defined, boolean fromNoRow) {}

    Inferred inferContract(List<Row> sample) throws IOException {
        List<String> names = ColumnNames.normalize(header);
        List<String[]> values = new ArrayList<>(sample.size());
        for (Row row : sample) {
            List<String> fields = fieldsOf(row);
            if (fields.size() == names.size()) {
                values.add(fields.toArray(String[]::new));
            }
        }
        var types = TypeInference.infer(values, names.size(), nullMarkers);
        List<Column> columns = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            columns.add(new Column(names.get(i), types.get(i), header.get(i)));
        }
        SchemaContract inferred = new SchemaContract(dataset, columns, source.location(), context.clock().instant().toString());
        if (values.isEmpty()) {
            // Nothing to infer a type from, as in a file of a header alone: the dataset's contract is left to its next file.
            titleAboveHeader = titleAboveHeader(sample);
            return new Inferred(inferred, false, true);
        }
        SchemaContract winner = context.contracts().createIfAbsent(inferred);
        if (winner == inferred) {
            // Said with the contract, once: the sample is in memory now, and no later row pays for it.
            stringColumnHints = TypeInference.stringColumnHints(dataset, values, names, types, nullMarkers);
        }
        return new Inferred(winner, winner == inferred, false);
    }

    /** Why a file whose contract was inferred from no row wrote none of its rows ({@link #contractFromNoRow}). */
    private String noContract() {
        return "no schema contract: none of the file's first rows (up to " + context.limits().chunkRows() + "), from which a new"
                + " dataset's contract is inferred, has the header's " + fieldsCounted(header.size()) + ", so no contract was inferred from this"
                + " file and none of its rows is written; fix the header or the rows and upload the file again; " + titleAboveHeader + delimiterHint();
    }

    /**
     * Rows that all have one number of fields, more than the header's, are most often an export that put a title line
     * above the header (Excel's report exports, "Sales report March 2026"), taken for the header: the header is line 2.
     * Said beside the delimiter's hint, since a one-column file of decimal commas ({@code 1,5}) looks the same.
     */
    private String titleAboveHeader(List<Row> sample) {
        int fields = fieldsOf(sample.get(0)).size();
        if (fields <= header.size()) {
            return "";
        }
        for (Row row : sample) {
            if (fieldsOf(row).size() != fields) {
                return "";
            }
        }
        return "line " + sample.get(0).line() + " and every row after it among those read have " + fieldsCounted(fields) + ", more than the header's "
                + header.size() + ": if the header is line " + sample.get(0).line() + ", under a title (as an Excel report export writes one),"
                + " delete the lines above it, so that the header is the file's first line, and upload the file again; ";
    }

    private static String fieldsCounted(int fields) {
        return fields + (fields == 1 ? " field" : " fields");
    }

    /** The delimiters CSV_DELIMITERS names, in the order a hint offers them. */
    private static final List<Map.Entry<Character, String>> DELIMITER_NAMES = List.of(
            Map.entry(',', "comma"), Map.entry(';', "semicolon"), Map.entry('\t', "tab"), Map.entry('|', "pipe"));

    /**
     * Rows that never have the header's fields are most often split by the wrong delimiter: a one-column
     * export of decimal commas ({@code 1,5}) is detected as comma-delimited. Declaring the delimiter converts
     * such a file unchanged, which "fix the header or the rows" does not say.
     */
    private String delimiterHint() {
        String used = DELIMITER_NAMES.stream().filter(entry -> entry.getKey() == delimiter).map(Map.Entry::getValue).findFirst().orElse("U+%04X".formatted((int) delimiter));
        List<String> others = DELIMITER_NAMES.stream().map(Map.Entry::getValue).filter(name -> !name.equals(used)).toList();
        // A tab is named, not shown: it would print as blank space.
        String readWith = delimiter == '\t' ? "tabs as its delimiter" : "'" + delimiter + "' as its delimiter (" + used + ")";
        return "the file was read with " + readWith + ": if it has another, declare it (" + SilverSettings.CSV_DELIMITERS + "="
                + dataset + ":" + others.get(0) + ", or " + String.join(" or ", others.subList(1, others.size())) + ") and convert it again";
    }

    /** The dataset's contract, when this run inferred it and wrote it first. */
    Optional<SchemaContract> contractDefined() {
        return contractDefined ? Optional.of(contract) : Optional.empty();
    }

    /** The string columns of {@link #contractDefined} whose values look typed; none when this run defined no contract. */
    List<StringColumnHint> stringColumnHints() {
        return contractDefined ? stringColumnHints : List.of();
    }

    /** Whether a manifest's reason is that of a file rejected as another dataset's, by this converter or one before it. */
    static boolean rejectedAsAnotherDatasetsFile(String reason) {
        return reason != null && (reason.startsWith(ANOTHER_DATASETS_FILE) || reason.startsWith(NO_COLUMN_OF_THE_CONTRACT));
    }

    /**
     * Where each contract column is in the file's rows. A file most of whose columns are not the contract's
     * (more of them dropped than shared) is rejected as another dataset's file, one in this one's folder, or a
     * file whose first line is not a header: converted, each of its rows would be written with the contract
     * columns it lacks null and its own columns discarded, the file's data in no table. Drift converts: a file
     * lacking most of the contract's columns but bringing none of its own, or as many new columns as shared
     * ones (the tie goes to converting: a one-column contract's export from Athena carries ingest_date too).
     * The counts are the file's fields as the manifest's droppedColumns would list them: fields are matched
     * after {@link ColumnNames#matched}, so a header differing from the contract's only in case, accents or
     * spacing is shared, and a header repeated more often than the contract holds it is dropped for each extra. A field named
     * like the partition key that the contract lacks counts as dropped like any other: its values would be
     * discarded all the same, and the tie keeps such an export converting.
     */
    private int[] fieldOfColumn() throws RejectedInputException {
        List<String> names = headerNames();
        int[] positions = new int[contract.columns().size()];
        List<String> shared = new ArrayList<>();
        for (int c = 0; c < positions.length; c++) {
            positions[c] = names.indexOf(contract.columns().get(c).name());
            if (positions[c] >= 0) {
                shared.add(header.get(positions[c]));
            }
        }
        List<Manifest.DroppedColumn> dropped = droppedColumns(names);
        if (dropped.size() > shared.size()) {
            throw new RejectedInputException(ANOTHER_DATASETS_FILE + dataset + "'s schema contract: " + dropped.size() + " of the " + header.size()
                    + " columns of " + source.location() + " (" + capped(dropped.stream().map(ConversionRun::shortDescription).toList())
                    + ") are not in it, and it shares " + (shared.isEmpty()
                            ? "none of the contract's " + positions.length + " columns (" + shortList(contract.columns().stream().map(Column::name).toList()) + ")"
                            : shared.size() + " (" + shortList(shared) + ") of the contract's " + positions.length + " columns")
                    + ", in " + context.silver().describe(context.layout().schemaKey(dataset)) + ": converted, each of its rows would be written with"
                    + " the contract columns it lacks null and its own columns discarded, so the file is rejected as another dataset's and"
                    + " nothing of it is written (it stays in bronze). Move it to the folder of the dataset it belongs to; if this dataset's"
                    + " columns really changed, declare or replace its contract (docs/silver-converter.md#declared-contracts), or edit or"
                    + " delete the contract, and upload the file again; if its first line is not a header, give it one naming the contract's columns.");
        }
        return positions;
    }

    /** The file's fields no contract column is matched to, as the manifest lists them. */
    private List<Manifest.DroppedColumn> droppedColumns(List<String> names) {
        List<Manifest.DroppedColumn> dropped = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            if (contract.indexOf(names.get(i)) < 0) {
                dropped.add(new Manifest.DroppedColumn(header.get(i), i + 1));
            }
        }
        return dropped;
    }

    /** {@link Manifest.DroppedColumn#describe} of its header text cut as {@link #shortList} cuts a name, the position kept. */
    private static String shortDescription(Manifest.DroppedColumn column) {
        return new Manifest.DroppedColumn(cut(column.header()), column.position()).describe();
    }

    /** At most the first eight names, each cut at 64 characters, for a message. */
    private static String shortList(List<String> names) {
        return capped(names.stream().map(ConversionRun::cut).toList());
    }

    /** At most the first eight entries, for a message. */
    private static String capped(List<String> entries) {
        return String.join(", ", entries.subList(0, Math.min(8, entries.size()))) + (entries.size() > 8 ? ", … (" + entries.size() + " in all)" : "");
    }

    private static String cut(String name) {
        return name.length() <= 64 ? name : name.substring(0, 64) + "…";
    }

    /**
     * The dataset's contract, if it has one; one the catalog could not hold (written by hand) fails the run
     * here, before anything is converted. A contract this run infers always fits.
     */
    Optional<SchemaContract> existingContract() throws IOException {
        Optional<SchemaContract> existing = context.contracts().load(dataset);
        existing.ifPresent(context.catalog()::check);
        return existing;
    }

    /**
     * The header's names as matched against the contract ({@link ColumnNames#matched}: fields that collide
     * once normalised go to the column of their own header text, whatever their order): a header named
     * like the partition key goes to a contract column of that name where one is (a contract from before
     * the name was reserved, kept without a catalog), not to a new one.
     */
    private List<String> headerNames() {
        return ColumnNames.matched(header, contract.columns(), contract.indexOf(ColumnNames.PARTITION_KEY) < 0);
    }

    private Manifest manifest(String status, String reason, List<Column> columns, List<Manifest.DroppedColumn> dropped, List<String> missing, long bytesRead) {
        return new Manifest(Manifest.FORMAT_VERSION, id.generation(), id.token(), status, reason, dataset, Manifest.Source.of(source),
                ingestDate.toString(), String.valueOf(delimiter), encoding, headerAsRead, columns, dropped, missing, List.of(), null, 0, 0, 0,
                bytesRead, supersedes, context.clock().instant().toString(), NAME, Manifest.Limits.of(context.limits()), nullMarkers.declared(),
                keepsQuotedEmptyStrings, context.readingRules(), null);
    }

    Manifest rejected(String reason, long bytesRead) {
        return manifest(Manifest.REJECTED, reason, List.of(), List.of(), List.of(), bytesRead);
    }

    void stopWriters() {
        pipelines.forEach(ChunkPipeline::stop);
    }

    /**
     * Aborts every upload of a run that failed: none is published yet, so nothing of it was ever visible.
     * An abort that fails is added to {@code cause}, which carries it to the log.
     */
    void discard(Throwable cause) {
        discard(requireNonNull(cause, "cause is null"), null);
    }

    /**
     * Aborts every upload of a run that goes on without them (byte ranges given up, read again as one
     * stream; a file rejected part way, committed as rejected). No failure carries an abort that fails
     * to the log, so it is logged here, as {@code uploads of <what> could not be aborted}.
     */
    void discardGivenUp(String what) {
        discard(null, requireNonNull(what, "what is null"));
    }

    private void discard(Throwable cause, String givenUp) {
        List<ObjectUpload> uploads = new ArrayList<>(staged);
        for (ChunkPipeline pipeline : pipelines) {
            // Stops its writer thread too.
            ChunkPipeline.Abandoned abandoned = pipeline.abandon();
            uploads.addAll(abandoned.uploads());
            if (abandoned.writerStillRunning()) {
                context.log().warn("a Parquet writer thread was still in a storage call when its run was discarded; it aborts its parts when the call returns",
                        Map.of("source", source.location(), "waitedSeconds", context.threadStopWait().toSeconds()));
            }
        }
        pipelines.clear();
        if (quarantine != null) {
            quarantine.upload().ifPresent(uploads::add);
            quarantine = null;
        }
        Throwable attachTo = cause != null ? cause : new IOException("discarding " + source.location());
        context.commit().discard(uploads, List.of(), attachTo);
        if (cause == null && attachTo.getSuppressed().length > 0) {
            // No failure carries these to the log: the run goes on, and may succeed.
            context.log().warn("uploads of " + givenUp + " could not be aborted; the bucket's lifecycle rule for incomplete multipart"
                    + " uploads removes their parts", Map.of("source", source.location(), "dataset", dataset, "failures", Arrays.stream(attachTo.getSuppressed())
                            // The store's message names the upload's key and id and why; its unchecked wrapper's names a Java class first.
                            .map(failure -> ErrorMessages.describe(failure instanceof UncheckedIOException unchecked ? unchecked.getCause() : failure))
                            .toList()));
        }
        staged.clear();
        parts.clear();
        rowsRead = 0;
        rowsWritten = 0;
    }

    /** Where a run's refused rows go: the quarantine file, or a later range's rows held until their lines are known. */
    @FunctionalInterface
    interface RefusedRows {
        void add(long line, String reason, List<String> fields, boolean forAType) throws IOException, RangeConversion.RangesAbandoned;
    }
}
