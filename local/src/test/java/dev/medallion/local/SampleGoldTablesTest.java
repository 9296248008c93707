package dev.medallion.local;

import dev.medallion.gold.model.GoldModel;
import dev.medallion.gold.model.GoldModels;
import dev.medallion.local.SampleData.Customer;
import dev.medallion.local.SampleData.Product;
import dev.medallion.local.SampleData.Sale;
import dev.medallion.local.SampleData.Store;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the local command on {@code sample-data/} once, then checks every shipped gold table, row by row,
 * against values computed here from the CSV files with Commons CSV and exact decimals: no silver
 * converter, no SQL. The three rows the silver converter quarantines are left out on this side too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SampleGoldTablesTest {
    /** One check per shipped model; a model shipped without one fails {@link #everyShippedModelIsChecked()}. */
    private static final Set<String> CHECKED = Set.of("daily_revenue_by_category_region", "top_products", "customer_lifetime_value", "regional_store_performance");
    private static final double DOUBLE_TOLERANCE = 1e-9;

    @TempDir
    static Path lake;

    private SampleData sample;
    private String printed;

    @BeforeAll
    void runTheLocalCommandOnTheSampleData() throws Exception {
        sample = SampleData.load();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = LocalLakehouseCli.run(List.of("local", "--input", sample.root.toString(), "--lake", lake.toString()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, printed + err.toString(StandardCharsets.UTF_8));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void everyShippedModelIsChecked() {
        assertEquals(CHECKED, GoldModels.shipped().all().stream().map(GoldModel::name).collect(Collectors.toSet()));
    }

    @Test
    void theSampleDataHoldsWhatTheChecksAssume() {
        assertEquals(927, sample.sales.size(), "930 sales, 3 quarantined");
        assertEquals(60, sample.customers.size());
        assertEquals(42, sample.products.size());
        assertEquals(12, sample.stores.size());
        assertTrue(sample.sales.stream().allMatch(sale -> sample.products.containsKey(sale.productId()) && sample.customers.containsKey(sale.customerId())));
    }

    @Test
    void printsEachTablesRowCountAndFirstRows() {
        Map<String, Long> counts = new LinkedHashMap<>();
        Matcher line = Pattern.compile("(?m)^(\\w+): (\\d+) rows in (.+?)(, \\d+ partition\\(s\\) by \\w+)?, \\d+\\.\\d\\d s$").matcher(printed);
        while (line.find()) {
            counts.put(line.group(1), Long.parseLong(line.group(2)));
            assertEquals(lake.resolve("gold").resolve(line.group(1)).toString(), line.group(3));
        }
        assertEquals(Map.of(
                "daily_revenue_by_category_region", (long) dailyRevenue().size(),
                "top_products", (long) topProducts().size(),
                "customer_lifetime_value", (long) sample.customers.size(),
                "regional_store_performance", (long) regionalPerformance().size()), counts, printed);
        assertTrue(printed.contains("daily_revenue_by_category_region: 827 rows in " + lake.resolve("gold/daily_revenue_by_category_region") + ", 4 partition(s) by sale_month"), printed);
        assertTrue(printed.contains("""
                  revenue_rank | customer_id | name             | city       | country | signup_date | orders | units | lifetime_revenue | average_order_value | first_purchase_at   | last_purchase_at    | days_signup_to_last_purchase
                 --------------+-------------+------------------+------------+---------+-------------+--------+-------+------------------+---------------------+---------------------+---------------------+-----------------------------
                             1 |       10024 | Ørjan Haugen     | Tromsø     | Norway  | 2023-01-31  |     18 |    38 |          1718.49 |             95.4717 | 2026-01-02 13:23:58 | 2026-04-08 04:26:49 |                         1163
                """), printed);
        assertTrue(printed.contains("  (first 10 of 827 rows)\n"), printed);
        assertTrue(printed.contains("  (first 10 of 20 rows)\n"), printed);
        assertTrue(printed.contains("Gold: 4 of 4 table(s) built in "), printed);
    }

    @Test
    void goldFilesAreSnappyParquet() throws Exception {
        for (String model : CHECKED) {
            assertEquals(List.of("SNAPPY"), GoldFiles.codecs(lake.resolve("gold").resolve(model)), model);
        }
    }

    /** What DuckDB wrote reads the same in parquet-java, the Java ecosystem's reader (Spark's, Hive's), file by file. */
    @Test
    void everyGoldFileReadsTheSameInASecondReader() throws Exception {
        for (String model : CHECKED) {
            List<Path> files = GoldFiles.files(lake.resolve("gold").resolve(model));
            assertTrue(!files.isEmpty(), model);
            long rows = 0;
            for (Path file : files) {
                List<Map<String, Object>> byDuckDb = GoldFiles.rowsOfFile(file);
                assertEquals(byDuckDb, GoldFiles.rowsOfFileByParquetJava(file), file.toString());
                rows += byDuckDb.size();
            }
            assertEquals(GoldFiles.rows(lake.resolve("gold").resolve(model), "ALL").size(), rows, model);
        }
    }

    @Test
    void dailyRevenueByCategoryAndRegion() throws Exception {
        Path table = lake.resolve("gold/daily_revenue_by_category_region");
        assertEquals(columns("sale_date DATE", "category VARCHAR", "region VARCHAR", "orders BIGINT", "units BIGINT", "revenue DECIMAL(38,2)",
                "sale_month DATE"), GoldFiles.schema(table));

        List<Map<String, Object>> expected = new ArrayList<>();
        dailyRevenue().forEach((key, totals) -> expected.add(row(
                "sale_date", key.get(0), "category", key.get(1), "region", key.get(2),
                "orders", totals.orders, "units", totals.units, "revenue", totals.revenue,
                "sale_month", ((LocalDate) key.get(0)).withDayOfMonth(1))));
        assertEquals(expected, GoldFiles.rows(table, "sale_date, category, region"));
        // Partitioned by month in folders, as Athena's CTAS writes partitions.
        assertEquals(List.of("sale_month=2026-01-01", "sale_month=2026-02-01", "sale_month=2026-03-01", "sale_month=2026-04-01"),
                partitionFolders(table));
    }

    @Test
    void topProductsOfEachMonth() throws Exception {
        Path table = lake.resolve("gold/top_products");
        assertEquals(columns("sale_month DATE", "product_rank BIGINT", "product_id BIGINT", "product_name VARCHAR", "category VARCHAR", "brand VARCHAR",
                "orders BIGINT", "units BIGINT", "revenue DECIMAL(38,2)"), GoldFiles.schema(table));
        assertEquals(topProducts(), GoldFiles.rows(table, "sale_month, product_rank"));
    }

    @Test
    void customerLifetimeValue() throws Exception {
        Path table = lake.resolve("gold/customer_lifetime_value");
        assertEquals(columns("revenue_rank BIGINT", "customer_id BIGINT", "name VARCHAR", "city VARCHAR", "country VARCHAR", "signup_date DATE",
                "orders BIGINT", "units BIGINT", "lifetime_revenue DECIMAL(38,2)", "average_order_value DOUBLE", "first_purchase_at TIMESTAMP",
                "last_purchase_at TIMESTAMP", "days_signup_to_last_purchase BIGINT"), GoldFiles.schema(table));

        Map<Long, List<Sale>> byCustomer = sample.sales.stream().collect(Collectors.groupingBy(Sale::customerId));
        List<Customer> ranked = new ArrayList<>(sample.customers.values());
        ranked.sort(Comparator.comparing((Customer c) -> revenue(byCustomer.getOrDefault(c.customerId(), List.of()))).reversed()
                .thenComparing(Customer::customerId));
        List<Map<String, Object>> actual = GoldFiles.rows(table, "revenue_rank");
        assertEquals(ranked.size(), actual.size());
        for (int i = 0; i < ranked.size(); i++) {
            Customer customer = ranked.get(i);
            List<Sale> sales = byCustomer.getOrDefault(customer.customerId(), List.of());
            BigDecimal revenue = revenue(sales);
            LocalDateTime first = sales.stream().map(Sale::timestamp).min(Comparator.naturalOrder()).orElse(null);
            LocalDateTime last = sales.stream().map(Sale::timestamp).max(Comparator.naturalOrder()).orElse(null);
            Map<String, Object> row = new LinkedHashMap<>(actual.get(i));
            double average = (Double) row.remove("average_order_value");
            assertEquals(row("revenue_rank", (long) i + 1, "customer_id", customer.customerId(), "name", customer.name(), "city", customer.city(),
                    "country", customer.country(), "signup_date", customer.signupDate(), "orders", (long) sales.size(), "units", units(sales),
                    "lifetime_revenue", revenue, "first_purchase_at", first, "last_purchase_at", last,
                    "days_signup_to_last_purchase", last == null ? null : ChronoUnit.DAYS.between(customer.signupDate(), last.toLocalDate())), row);
            // Every sample customer bought something: LocalLakehouseCliTest covers a customer without orders.
            assertEquals(revenue.doubleValue() / sales.size(), average, DOUBLE_TOLERANCE, "average order value of " + customer.customerId());
        }
        assertEquals(10024L, actual.get(0).get("customer_id"), "Ørjan Haugen spent most");
    }

    @Test
    void regionalSalesBesideTheStores() throws Exception {
        Path table = lake.resolve("gold/regional_store_performance");
        assertEquals(columns("sale_month DATE", "region VARCHAR", "orders BIGINT", "revenue DECIMAL(38,2)", "in_store_revenue DECIMAL(38,2)",
                "stores BIGINT", "floor_area_m2 BIGINT", "monthly_rent_eur DECIMAL(38,2)", "in_store_revenue_per_store DOUBLE",
                "in_store_revenue_per_m2 DOUBLE", "rent_to_in_store_revenue DOUBLE"), GoldFiles.schema(table));

        Map<String, List<Store>> stores = sample.stores.stream().collect(Collectors.groupingBy(Store::region));
        List<Map<String, Object>> actual = GoldFiles.rows(table, "sale_month, region");
        List<Map<String, Object>> expected = new ArrayList<>();
        regionalPerformance().forEach((key, sales) -> {
            List<Store> regionStores = stores.getOrDefault((String) key.get(1), List.of());
            BigDecimal inStore = revenue(sales.stream().filter(sale -> !sale.online()).toList());
            long area = regionStores.stream().mapToLong(Store::floorAreaM2).sum();
            BigDecimal rent = regionStores.stream().map(Store::monthlyRentEur).reduce(BigDecimal.ZERO, BigDecimal::add);
            expected.add(row("sale_month", key.get(0), "region", key.get(1), "orders", (long) sales.size(), "revenue", revenue(sales),
                    "in_store_revenue", inStore, "stores", (long) regionStores.size(), "floor_area_m2", area, "monthly_rent_eur", rent,
                    "in_store_revenue_per_store", inStore.doubleValue() / regionStores.size(),
                    "in_store_revenue_per_m2", inStore.doubleValue() / area,
                    "rent_to_in_store_revenue", rent.doubleValue() / inStore.doubleValue()));
        });
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            Map<String, Object> want = expected.get(i);
            Map<String, Object> got = actual.get(i);
            assertEquals(want.keySet(), got.keySet());
            for (String column : want.keySet()) {
                if (want.get(column) instanceof Double number) {
                    assertEquals(number, (Double) got.get(column), DOUBLE_TOLERANCE, column + " of " + want);
                }
                else {
                    assertEquals(want.get(column), got.get(column), column + " of " + want);
                }
            }
        }
        // Every region has stores in the sample, so no ratio is NULL; the rent was read through its decimal comma.
        assertEquals(new BigDecimal("69701.50"), actual.get(0).get("monthly_rent_eur"), "Central: 41200,00 + 16900,90 + 11600,60");
    }

    // Expected values, computed from the CSV files.

    private record Totals(long orders, long units, BigDecimal revenue) {
        Totals plus(Sale sale) {
            return new Totals(orders + 1, units + sale.quantity(), revenue.add(sale.totalAmount()));
        }
    }

    /** (sale date, category, region) to totals, in that order. */
    private Map<List<Object>, Totals> dailyRevenue() {
        Map<List<Object>, Totals> totals = new TreeMap<>(keyOrder());
        for (Sale sale : sample.sales) {
            Product product = sample.products.get(sale.productId());
            totals.merge(List.of(sale.timestamp().toLocalDate(), product.category(), sale.region()), new Totals(0, 0, BigDecimal.ZERO).plus(sale),
                    (a, b) -> a.plus(sale));
        }
        return totals;
    }

    private List<Map<String, Object>> topProducts() {
        Map<LocalDate, Map<Long, List<Sale>>> byMonth = sample.sales.stream()
                .collect(Collectors.groupingBy(sale -> SampleData.month(sale.timestamp()), TreeMap::new, Collectors.groupingBy(Sale::productId)));
        List<Map<String, Object>> rows = new ArrayList<>();
        byMonth.forEach((month, byProduct) -> {
            List<Long> ranked = byProduct.keySet().stream()
                    .sorted(Comparator.comparing((Long product) -> revenue(byProduct.get(product))).reversed().thenComparing(Comparator.naturalOrder()))
                    .limit(10)
                    .toList();
            for (int i = 0; i < ranked.size(); i++) {
                Product product = sample.products.get(ranked.get(i));
                List<Sale> sales = byProduct.get(product.productId());
                rows.add(row("sale_month", month, "product_rank", (long) i + 1, "product_id", product.productId(), "product_name", product.name(),
                        "category", product.category(), "brand", product.brand(), "orders", (long) sales.size(), "units", units(sales),
                        "revenue", revenue(sales)));
            }
        });
        return rows;
    }

    /** (month, region) to its sales, in that order. */
    private Map<List<Object>, List<Sale>> regionalPerformance() {
        Map<List<Object>, List<Sale>> sales = new TreeMap<>(keyOrder());
        for (Sale sale : sample.sales) {
            sales.computeIfAbsent(List.of(SampleData.month(sale.timestamp()), sale.region()), key -> new ArrayList<>()).add(sale);
        }
        return sales;
    }

    private static BigDecimal revenue(List<Sale> sales) {
        // SUM of DECIMAL(12, 2) in both engines: DECIMAL(38, 2), so two decimals even for a whole amount.
        return sales.stream().map(Sale::totalAmount).reduce(BigDecimal.ZERO, BigDecimal::add).setScale(2);
    }

    private static long units(List<Sale> sales) {
        return sales.stream().mapToLong(Sale::quantity).sum();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Comparator<List<Object>> keyOrder() {
        return (a, b) -> {
            for (int i = 0; i < a.size(); i++) {
                int order = ((Comparable) a.get(i)).compareTo(b.get(i));
                if (order != 0) {
                    return order;
                }
            }
            return 0;
        };
    }

    private static List<String> partitionFolders(Path table) throws IOException {
        try (Stream<Path> folders = Files.list(table)) {
            return folders.map(folder -> folder.getFileName().toString()).sorted().toList();
        }
    }

    private static Map<String, String> columns(String... columns) {
        Map<String, String> schema = new LinkedHashMap<>();
        for (String column : columns) {
            int space = column.indexOf(' ');
            schema.put(column.substring(0, space), column.substring(space + 1));
        }
        return schema;
    }

    private static Map<String, Object> row(Object... namesAndValues) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            row.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return row;
    }
}
