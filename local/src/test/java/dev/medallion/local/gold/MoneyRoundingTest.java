package dev.medallion.local.gold;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Silver's amounts are DOUBLE; the gold models sum them as DECIMAL(12, 2). Athena (Trino) casts a DOUBLE
 * to a DECIMAL by the decimal it is written as, half up ({@code BigDecimal.valueOf(value).setScale(scale,
 * HALF_UP)}, io.trino.spi.type.DecimalConversions), DuckDB by its binary value: 1.005 is 1.01 in one and
 * 1.00 in the other. Through DECIMAL(18, 6) first, the two agree, so a model gives the same money locally.
 */
class MoneyRoundingTest {
    private static final Pattern DIRECT_CAST = Pattern.compile("CAST\\(\\s*(\\w+\\.)?total_amount\\s+AS\\s+DECIMAL\\(\\s*12", Pattern.CASE_INSENSITIVE);

    @Test
    void duckDbCastsAmountsThroughSixPlacesAsAthenaCastsThemStraight() throws SQLException {
        List<Double> amounts = new ArrayList<>(List.of(1.005, 4.015, 1.255, 0.285, -1.005, 10.6875, 2.675, 1.115, 0.0, -0.0));
        Random random = new Random(20261202);
        for (int i = 0; i < 20_000; i++) {
            int places = 2 + random.nextInt(4);
            amounts.add(BigDecimal.valueOf(random.nextDouble() * 2_000 - 1_000).setScale(places, RoundingMode.HALF_UP).doubleValue());
        }
        for (int i = 0; i < 5_000; i++) {
            amounts.add(random.nextDouble() * 1_000);
        }
        List<String> straight = new ArrayList<>();
        List<String> throughSix = new ArrayList<>();
        try (Connection duckDb = DriverManager.getConnection("jdbc:duckdb:")) {
            try (Statement create = duckDb.createStatement()) {
                create.execute("CREATE TABLE sales (n INTEGER, total_amount DOUBLE)");
            }
            try (PreparedStatement insert = duckDb.prepareStatement("INSERT INTO sales VALUES (?, ?)")) {
                for (int i = 0; i < amounts.size(); i++) {
                    insert.setInt(1, i);
                    insert.setDouble(2, amounts.get(i));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            try (Statement query = duckDb.createStatement();
                    ResultSet rows = query.executeQuery("SELECT CAST(total_amount AS DECIMAL(12, 2)),"
                            + " CAST(CAST(total_amount AS DECIMAL(18, 6)) AS DECIMAL(12, 2)) FROM sales ORDER BY n")) {
                while (rows.next()) {
                    straight.add(rows.getBigDecimal(1).toPlainString());
                    throughSix.add(rows.getBigDecimal(2).toPlainString());
                }
            }
        }
        int straightDiffers = 0;
        for (int i = 0; i < amounts.size(); i++) {
            // What Athena makes of the models' expression: the DOUBLE to DECIMAL(18, 6) as written, half up, then
            // to two places, half up (DecimalConversions.shortToShortCast).
            BigDecimal written = BigDecimal.valueOf(amounts.get(i));
            String athena = written.setScale(6, RoundingMode.HALF_UP).setScale(2, RoundingMode.HALF_UP).toPlainString();
            assertEquals(athena, throughSix.get(i), "amount " + amounts.get(i));
            if (written.scale() <= 6) {
                // An amount of up to six places, as exported money is: what a person reads, rounded once.
                assertEquals(written.setScale(2, RoundingMode.HALF_UP).toPlainString(), athena, "amount " + amounts.get(i));
            }
            straightDiffers += athena.equals(straight.get(i)) ? 0 : 1;
        }
        assertTrue(straightDiffers > 0, "a straight cast differs for some amount (1.005): the test would show nothing otherwise");
    }

    @Test
    void everyShippedModelCastsAmountsThroughSixPlaces() throws IOException {
        List<String> models = resource("gold/models.list").lines().map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        assertFalse(models.isEmpty());
        for (String model : models) {
            String sql = resource("gold/" + model + ".sql");
            assertFalse(DIRECT_CAST.matcher(sql).find(), model + " casts total_amount to DECIMAL(12, 2) straight");
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = MoneyRoundingTest.class.getClassLoader().getResourceAsStream(name)) {
            assertTrue(in != null, name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
