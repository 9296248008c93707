package dev.medallion.silver;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.medallion.common.layout.SilverLayout;
import dev.medallion.common.storage.LocalObjectStore;
import dev.medallion.silver.parquet.PartInfo;
import dev.medallion.silver.schema.Column;
import dev.medallion.silver.schema.ColumnType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A manifest is read strictly, field by field: a damaged or hand-edited value is refused, naming the field, never read as another
 * value (a {@code "readingRules": 2.5} read as 2, a {@code "rowsRead": "7"} as 7, the second of two {@code etag}s taken). Fields it
 * does not know are ignored, so that a newer converter of the same format, during a deploy or a rollback, does not stop an older one.
 */
class ManifestStoreTest {
    private static final String KEY = "_manifests/sales/a-0123456789.json";

    @TempDir
    Path temporary;

    private LocalObjectStore silver;
    private ManifestStore manifests;
    private ObjectNode written;

    @BeforeEach
    void setUp() throws IOException {
        silver = new LocalObjectStore(Files.createDirectories(temporary.resolve("silver")));
        manifests = new ManifestStore(silver);
        Manifest manifest = new Manifest(Manifest.FORMAT_VERSION, 2, "g2-0a1b2c3d", Manifest.CONVERTED, null, "sales",
                new Manifest.Source("bronze", "sales/a.csv", "\"etag\"", 120, "2026-03-14T23:30:00Z"), "2026-03-14", ",", "UTF-8",
                List.of("id", "amount"), List.of(new Column("id", ColumnType.BIGINT, "id"), new Column("amount", ColumnType.DOUBLE, "amount")),
                List.of(new Manifest.DroppedColumn("note", 3)), List.of(), List.of(new PartInfo("sales/ingest_date=2026-03-14/a-part-0.parquet", 5, 900)),
                new Manifest.Quarantine("_quarantine/sales/ingest_date=2026-03-14/a.csv", 2), 7, 5, 2, 120, List.of("sales/old.parquet"),
                "2026-11-22T10:00:00Z", "silver-converter", new Manifest.Limits(1 << 20, 2_000), List.of("NULL"), true, ReadingRules.VERSION, null);
        assertTrue(manifests.writeIf(KEY, manifest, Optional.empty()).isPresent());
        written = (ObjectNode) new ObjectMapper().readTree(silver.read(KEY).orElseThrow());
        assertEquals(manifest, manifests.read(KEY).orElseThrow(), "as written, read back");
    }

    @Test
    void aDecimalColumnIsWrittenAsTheContractNamesItAndReadBack() throws IOException {
        // The amount column declared decimal(12,2), or wider than a long: the manifest's columns say so, as the stored contract does,
        // and read back equal.
        for (ColumnType type : List.of(ColumnType.decimal(12, 2), ColumnType.decimal(38, 10), ColumnType.decimal(19, 4))) {
            ObjectNode decimal = written.deepCopy();
            ((ObjectNode) decimal.get("columns").get(1)).put("type", type.sqlName());
            silver.put(KEY, decimal.toString().getBytes(StandardCharsets.UTF_8));
            Manifest read = manifests.read(KEY).orElseThrow();
            assertEquals(type, read.columns().get(1).type());
            String copy = "_manifests/sales/b-" + type.precision() + "-0123456789.json";
            assertTrue(manifests.writeIf(copy, read, Optional.empty()).isPresent());
            String rewritten = new String(silver.read(copy).orElseThrow(), StandardCharsets.UTF_8);
            assertTrue(rewritten.contains("\"" + type.sqlName() + "\""), rewritten);
            assertEquals(read, manifests.read(copy).orElseThrow());
        }
    }

    @Test
    void aNumberWithAFractionWhereAnIntegerBelongsIsRefusedNamingTheField() throws IOException {
        Map<String, String> damages = new LinkedHashMap<>();
        damages.put("readingRules", "\"readingRules\":2.5");
        damages.put("formatVersion", "\"formatVersion\":2.5");
        damages.put("generation", "\"generation\":2.9");
        damages.put("rowsRead", "\"rowsRead\":7.0");
        damages.put("bytesRead", "\"bytesRead\":120.5");
        damages.put("source.size", "\"size\":120.5");
        damages.put("parts.[0].rows", "\"rows\":5.5");
        damages.put("quarantine.rows", "\"rows\":2.5");
        damages.put("limits.maxColumns", "\"maxColumns\":2000.5");
        damages.put("droppedColumns.[0].position", "\"position\":3.5");
        for (Map.Entry<String, String> damage : damages.entrySet()) {
            assertRefusedNaming(damage.getKey(), replaceField(damage.getKey(), damage.getValue()));
        }
    }

    @Test
    void aStringWhereANumberOrABooleanBelongsIsRefusedNamingTheField() throws IOException {
        assertRefusedNaming("readingRules", written.deepCopy().put("readingRules", "2").toString());
        assertRefusedNaming("readingRules", written.deepCopy().put("readingRules", "").toString());
        assertRefusedNaming("rowsRead", written.deepCopy().put("rowsRead", "7").toString());
        assertRefusedNaming("generation", written.deepCopy().put("generation", "").toString());
        assertRefusedNaming("quotedEmptyStrings", written.deepCopy().put("quotedEmptyStrings", "true").toString());
        assertRefusedNaming("quotedEmptyStrings", written.deepCopy().put("quotedEmptyStrings", 1).toString());
        ObjectNode source = written.deepCopy();
        ((ObjectNode) source.get("source")).put("size", "120");
        assertRefusedNaming("source.size", source.toString());
    }

    @Test
    void aNumberWhereTextBelongsIsRefusedNamingTheField() throws IOException {
        ObjectNode etag = written.deepCopy();
        ((ObjectNode) etag.get("source")).put("etag", 12345);
        assertRefusedNaming("source.etag", etag.toString());
        assertRefusedNaming("status", written.deepCopy().put("status", 1).toString());
    }

    @Test
    void aNegativeCountSizeOrVersionIsRefusedNamingTheField() throws IOException {
        assertRefusedNaming("generation", written.deepCopy().put("generation", -1).toString());
        assertRefusedNaming("formatVersion", written.deepCopy().put("formatVersion", -2).toString());
        assertRefusedNaming("bytesRead", written.deepCopy().put("bytesRead", -120).toString());
        // The sum still holds: only a bound on each count refuses it.
        assertRefusedNaming("rowsQuarantined", written.deepCopy().put("rowsRead", 3).put("rowsQuarantined", -2).toString());
        ObjectNode size = written.deepCopy();
        ((ObjectNode) size.get("source")).put("size", -1);
        assertRefusedNaming("size", size.toString());
        ObjectNode quarantine = written.deepCopy();
        ((ObjectNode) quarantine.get("quarantine")).put("rows", -1);
        assertRefusedNaming("quarantine", quarantine.toString());
        // A part's and a withdrawal's counts each on its own: the one refused, with its value, not the pair.
        ObjectNode partBytes = written.deepCopy();
        ((ObjectNode) partBytes.get("parts").get(0)).put("bytes", -900);
        assertEquals("parts.[0]: bytes is negative: -900, of part sales/ingest_date=2026-03-14/a-part-0.parquet", assertRefusedNaming("bytes", partBytes.toString()));
        ObjectNode partRows = written.deepCopy();
        ((ObjectNode) partRows.get("parts").get(0)).put("rows", -5);
        assertEquals("parts.[0]: rows is negative: -5, of part sales/ingest_date=2026-03-14/a-part-0.parquet", assertRefusedNaming("rows", partRows.toString()));
        for (String count : List.of("rowsWithdrawn", "quarantinedRowsWithdrawn")) {
            ObjectNode withdrawn = written.deepCopy();
            withdrawn.putObject("withdrawnRows").put("rowsWithdrawn", 5).put("quarantinedRowsWithdrawn", 2).put(count, -1);
            assertEquals("withdrawnRows: " + count + " is negative: -1", assertRefusedNaming(count, withdrawn.toString()));
        }
        ObjectNode limits = written.deepCopy();
        ((ObjectNode) limits.get("limits")).put("maxRowChars", -1);
        assertRefusedNaming("maxRowChars", limits.toString());
    }

    @Test
    void nullForARequiredFieldIsRefusedNamingTheField() throws IOException {
        for (String field : List.of("formatVersion", "generation", "status", "dataset", "source", "header", "columns", "droppedColumns",
                "missingColumns", "parts", "rowsRead", "rowsWritten", "rowsQuarantined", "convertedAt", "converter", "ingestDate", "delimiter")) {
            assertRefusedNaming(field, written.deepCopy().putNull(field).toString());
        }
        for (String field : List.of("bucket", "key", "etag", "lastModified")) {
            ObjectNode source = written.deepCopy();
            ((ObjectNode) source.get("source")).putNull(field);
            assertRefusedNaming(field, source.toString());
        }
    }

    /**
     * No converter wrote {@code "readingRules": null}: since 32eff67 each writes its version, and one before it leaves the field out
     * (ManifestCompatibilityTest's manifests). A null is damage, refused naming the field, not read as version 1 as the field left out is.
     */
    @Test
    void readingRulesNullIsRefusedNamingTheFieldWhereLeftOutItReadsAsTheFirstVersion() throws IOException {
        String why = assertRefused(written.deepCopy().putNull("readingRules").toString(), "readingRules");
        // What to do is the run's message (SilverCommit): the field and what is wrong with it, as for every other.
        assertEquals("readingRules: null, where a number belongs: a converter writes the version of the reading rules it read the file under,"
                + " and one from before they were kept leaves the field out (read as 1)", why);

        ObjectNode leftOut = written.deepCopy();
        leftOut.remove("readingRules");
        silver.put(KEY, leftOut.toString().getBytes(StandardCharsets.UTF_8));
        assertEquals(ReadingRules.UNRECORDED, manifests.read(KEY).orElseThrow().readingRules());
    }

    /**
     * No converter wrote null for a field added since format 1: each writes its value ({@code withdrawnRows} and
     * {@code quotedEmptyStrings} are left out when there is none), and one from before the field leaves it out
     * (ManifestCompatibilityTest's manifests). A null is damage, refused naming the field, where it was read as the field left out
     * (generation and bytesRead 0, supersedes and nullValues none, quotedEmptyStrings not kept, withdrawnRows none); in a manifest of
     * format 1 too, which may lack generation.
     */
    @Test
    void nullForAFieldAddedSinceTheFirstFormatIsRefusedNamingTheFieldWhereLeftOutItReadsAsItsDefault() throws IOException {
        for (String field : List.of("generation", "bytesRead", "supersedes", "nullValues", "quotedEmptyStrings", "withdrawnRows")) {
            assertRefused(written.deepCopy().putNull(field).toString(), field + ": null, where ");
            assertRefused(written.deepCopy().put("formatVersion", 1).putNull(field).toString(), field + ": null, where ");
        }
        assertRefused(written.deepCopy().putNull("generation").toString(), "generation: null, where a number belongs: ");
        assertRefused(written.deepCopy().putNull("quotedEmptyStrings").toString(), "quotedEmptyStrings: null, where true or false belongs: ");
        assertRefused(written.deepCopy().putNull("supersedes").toString(), "supersedes: null, where a list belongs: ");
    }

    /**
     * No converter wrote {@code "run": null}: since the commit protocol (11ae947) a conversion writes its run's token and a withdrawal
     * its own, and a manifest of format 1 leaves the field out (ManifestCompatibilityTest's format1-9079e33). A null is damage,
     * refused naming the field, where it was read as a manifest of no run, as format 1's; left out, it still reads as none.
     */
    @Test
    void runNullIsRefusedNamingTheFieldWhereLeftOutItReadsAsNone() throws IOException {
        assertRefused(written.deepCopy().putNull("run").toString(), "run: null, where text belongs: ");
        assertRefused(written.deepCopy().put("formatVersion", 1).putNull("run").toString(), "run: null, where text belongs: ");

        ObjectNode leftOut = written.deepCopy().put("formatVersion", 1);
        leftOut.remove("run");
        silver.put(KEY, leftOut.toString().getBytes(StandardCharsets.UTF_8));
        assertNull(manifests.read(KEY).orElseThrow().run());
    }

    /**
     * A withdrawal writes {@code "encoding": null}: it copies the encoding of the manifest it withdraws, and one of format 1, or of
     * format 2 before the encoding was kept (3a4fc51), has none. So null reads as none, as left out does (read as UTF-8).
     */
    @Test
    void encodingNullReadsAsNoneSinceAWithdrawalOfAnOlderManifestWritesIt() throws IOException {
        silver.put(KEY, written.deepCopy().putNull("encoding").toString().getBytes(StandardCharsets.UTF_8));
        assertNull(manifests.read(KEY).orElseThrow().encoding());
    }

    /** A field every manifest has had left out is refused: a count absent is not a count of 0. */
    @Test
    void aRequiredFieldLeftOutIsRefusedNamingTheField() throws IOException {
        for (String field : List.of("formatVersion", "generation", "status", "dataset", "source", "header", "columns", "droppedColumns",
                "missingColumns", "parts", "rowsRead", "rowsWritten", "rowsQuarantined", "convertedAt", "converter", "ingestDate", "delimiter")) {
            ObjectNode damaged = written.deepCopy();
            damaged.remove(field);
            assertRefusedNaming(field, damaged.toString());
        }
        for (String field : List.of("size", "lastModified")) {
            ObjectNode source = written.deepCopy();
            ((ObjectNode) source.get("source")).remove(field);
            assertRefusedNaming(field, source.toString());
        }
    }

    /**
     * Every converter has written {@code convertedAt} (its clock's instant), {@code converter} (its name) and the source's
     * {@code lastModified} (the object's, which a withdrawal copies from the manifest it withdraws) since the first manifest
     * (2e02319), format 1 included (ManifestCompatibilityTest's manifests): none leaves them out, none writes null. Null or left
     * out is damage, refused naming the field as for {@code status}, where it was read as none.
     */
    @Test
    void convertedAtConverterAndLastModifiedNullOrLeftOutAreRefusedNamingTheFieldInEveryFormat() throws IOException {
        for (int format : List.of(1, Manifest.FORMAT_VERSION)) {
            for (String field : List.of("convertedAt", "converter")) {
                assertRefused(written.deepCopy().put("formatVersion", format).putNull(field).toString(), field + " is null");
                ObjectNode leftOut = written.deepCopy().put("formatVersion", format);
                leftOut.remove(field);
                assertRefused(leftOut.toString(), field + " is null");
            }
            ObjectNode lastModifiedNull = written.deepCopy().put("formatVersion", format);
            ((ObjectNode) lastModifiedNull.get("source")).putNull("lastModified");
            assertRefused(lastModifiedNull.toString(), "lastModified is null");
            ObjectNode lastModifiedLeftOut = written.deepCopy().put("formatVersion", format);
            ((ObjectNode) lastModifiedLeftOut.get("source")).remove("lastModified");
            assertRefused(lastModifiedLeftOut.toString(), "lastModified is null");
        }
    }

    /**
     * Every converter has written {@code ingestDate} (the source's, a date) and {@code delimiter} (the one character it read the file
     * with) since the first manifest (2e02319), for a file converted, empty, header-only or rejected alike, and a withdrawal copies
     * both from the manifest it withdraws (ManifestCompatibilityTest's manifests, format 1 included): none leaves them out, none
     * writes null. Null or left out is damage, refused naming the field as for {@code status}, where it was read as none.
     */
    @Test
    void ingestDateAndDelimiterNullOrLeftOutAreRefusedNamingTheFieldInEveryFormat() throws IOException {
        for (int format : List.of(1, Manifest.FORMAT_VERSION, Manifest.WITHDRAWN_FORMAT_VERSION)) {
            for (String field : List.of("ingestDate", "delimiter")) {
                assertRefused(written.deepCopy().put("formatVersion", format).putNull(field).toString(), field + " is null");
                ObjectNode leftOut = written.deepCopy().put("formatVersion", format);
                leftOut.remove(field);
                assertRefused(leftOut.toString(), field + " is null");
            }
        }
    }

    /**
     * Writers write {@code reason} null for a file converted with rows, {@code quarantine} null for one with no row quarantined,
     * and {@code limits} null in a withdrawal (format2-1245d06/withdrawn.json, format3-6b81ee8/withdrawn.json): each null reads as
     * none, as it was written.
     */
    @Test
    void reasonQuarantineAndLimitsNullReadAsNoneSinceWritersWriteThem() throws IOException {
        ObjectNode none = written.deepCopy().put("rowsRead", 5).put("rowsQuarantined", 0);
        none.putNull("reason");
        none.putNull("quarantine");
        none.putNull("limits");
        silver.put(KEY, none.toString().getBytes(StandardCharsets.UTF_8));

        Manifest manifest = manifests.read(KEY).orElseThrow();

        assertNull(manifest.reason());
        assertNull(manifest.quarantine());
        assertNull(manifest.limits());
    }

    @Test
    void aKeyGivenTwiceIsRefusedNamingIt() throws IOException {
        String json = written.toString();
        String etag = "\"etag\":" + new ObjectMapper().writeValueAsString(written.get("source").get("etag").asText());
        assertTrue(json.contains(etag), json);
        assertRefusedNaming("etag", json.replace(etag, etag + ",\"etag\":\"b\""));
        assertRefusedNaming("rowsRead", json.replace("\"rowsRead\":7", "\"rowsRead\":7,\"rowsRead\":8"));
    }

    @Test
    void anythingAfterTheManifestsObjectIsRefused() throws IOException {
        assertRefused(written + " {\"status\":\"converted\"}", "Trailing token");
        assertRefused(written + "garbage", "garbage");
        assertRefused(written + "}", "");
    }

    @Test
    void anEmptyObjectOrNoObjectIsRefused() throws IOException {
        assertRefusedNaming("formatVersion", "{}");
        assertRefused("", "");
        assertRefused("[]", "");
        assertRefused("null", "");
    }

    /**
     * A field this converter does not know is ignored: a newer converter of the same format may add one (it raises the format when
     * what it adds changes what the manifest means, and then this one refuses it), and during a deploy, or after a rollback, the older
     * converter must go on reading its manifests.
     */
    @Test
    void aFieldThisConverterDoesNotKnowIsIgnored() throws IOException {
        Manifest expected = manifests.read(KEY).orElseThrow();
        ObjectNode newer = written.deepCopy();
        newer.put("checksum", "crc32:1234").putObject("lineage").put("job", "x");
        ((ObjectNode) newer.get("source")).put("versionId", "v1");
        silver.put(KEY, newer.toString().getBytes(StandardCharsets.UTF_8));

        assertEquals(Optional.of(expected), manifests.read(KEY));
    }

    /** A manifest of an older converter has no field added since: each reads as the docs say, generation 0 and readingRules 1. */
    @Test
    void aManifestOfAnOlderConverterWithoutTheFieldsAddedSinceIsRead() throws IOException {
        ObjectNode older = written.deepCopy().put("formatVersion", 1);
        for (String field : List.of("generation", "run", "encoding", "bytesRead", "supersedes", "limits", "nullValues", "quotedEmptyStrings",
                "readingRules")) {
            older.remove(field);
        }
        silver.put(KEY, older.toString().getBytes(StandardCharsets.UTF_8));

        ManifestStore.Stored stored = manifests.readStored(KEY).orElseThrow();

        assertEquals(Optional.empty(), stored.unreadable(), "read");
        Manifest manifest = stored.manifest().orElseThrow();
        assertEquals(0, manifest.generation());
        assertEquals(ReadingRules.UNRECORDED, manifest.readingRules());
        assertEquals(0, manifest.bytesRead());
        assertEquals(List.of(), manifest.supersedes());
        assertEquals(7, manifest.rowsRead());
    }

    private String replaceField(String path, String replacement) {
        String json = written.toString();
        String field = path.substring(path.lastIndexOf('.') + 1);
        String original = "\"" + field + "\":" + fieldValue(path);
        assertTrue(json.contains(original), original + " in " + json);
        return json.replace(original, replacement);
    }

    private String fieldValue(String path) {
        com.fasterxml.jackson.databind.JsonNode node = written;
        for (String step : path.split("\\.")) {
            node = step.startsWith("[") ? node.get(Integer.parseInt(step.substring(1, step.length() - 1))) : node.get(step);
        }
        return node.toString();
    }

    /**
     * Refused naming {@code field} as the one refused, not merely mentioning it, and, as a run reads it ({@link SilverCommit#base}),
     * naming the manifest's key with it: what a person needs to find and mend it. The field is named as refused by the path Jackson
     * reports ({@code source.etag: ...}, {@code parts.[0]: ...}), by the manifest's own check ({@code status is null}, after the
     * path of the record checked: {@code source: size is negative: -1}), or as the key given twice ({@code Duplicate field 'etag'}).
     * Returns the refusal's reason, as {@link #assertRefused} returns it.
     */
    private String assertRefusedNaming(String field, String json) throws IOException {
        String why = assertRefused(json, field);
        String path = "([A-Za-z]+|\\[[0-9]+\\])\\.";
        Pattern namedAsRefused = Pattern.compile("^(" + path + ")*" + Pattern.quote(field) + "(\\.\\[[0-9]+\\])?: "
                + "|(^|^(" + path + ")*([A-Za-z]+|\\[[0-9]+\\]): )" + Pattern.quote(field) + " is "
                + "|^(" + path + ")*([A-Za-z]+: )?Duplicate field '" + Pattern.quote(field.substring(field.lastIndexOf('.') + 1)) + "'");
        assertTrue(namedAsRefused.matcher(why).find(), "names " + field + " as the field refused: " + why);

        SilverCommit.UnreadableManifestException failure = assertThrows(SilverCommit.UnreadableManifestException.class,
                () -> new SilverCommit(silver, new SilverLayout(""), manifests, Clock.systemUTC()).base(KEY), json);
        assertTrue(failure.getMessage().startsWith("The manifest " + silver.describe(KEY) + " is unreadable"), "names the manifest: " + failure.getMessage());
        assertTrue(failure.getMessage().contains(why), "with what is wrong in it, " + why + ": " + failure.getMessage());
        return why;
    }

    private String assertRefused(String json, String mentioned) throws IOException {
        silver.put(KEY, json.getBytes(StandardCharsets.UTF_8));
        ManifestStore.Stored stored = manifests.readStored(KEY).orElseThrow();
        assertEquals(Optional.empty(), stored.manifest(), "refused, not read as another value: " + json);
        String why = stored.unreadable().orElseThrow();
        assertTrue(why.contains(mentioned), "says " + mentioned + ": " + why + " of " + json);
        return why;
    }
}
