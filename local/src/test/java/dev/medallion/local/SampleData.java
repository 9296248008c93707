package dev.medallion.local;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The sample data read straight from {@code sample-data/} with Apache Commons CSV, without the silver
 * converter: the independent side the gold tables are checked against. Money is kept as the exact
 * decimal written in the file.
 */
final class SampleData {
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    record Sale(long transactionId, LocalDateTime timestamp, long customerId, long productId, long quantity, BigDecimal totalAmount,
            String region, boolean online) {}

    record Product(long productId, String name, String category, String brand) {}

    record Customer(long customerId, String name, String city, String country, LocalDate signupDate) {}

    record Store(long storeId, String region, long floorAreaM2, BigDecimal monthlyRentEur) {}

    /**
     * The rows of the messy March file that cannot be silver rows (sample-data/README.md lists them):
     * an N/A quantity, a row cut short and a row with an unquoted comma.
     */
    static final List<Long> REFUSED_TRANSACTIONS = List.of(260700L, 260725L, 260740L);

    final Path root;
    final List<Sale> sales;
    final List<Long> refusedTransactions;
    final Map<Long, Product> products;
    final Map<Long, Customer> customers;
    final List<Store> stores;

    private SampleData(Path root) throws IOException {
        this.root = root;
        List<Sale> sales = new ArrayList<>();
        List<Long> refused = new ArrayList<>();
        for (Path file : files(root.resolve("sales"))) {
            for (CSVRecord record : read(file, ',')) {
                // A sale is silver only when it has all twelve fields and its quantity is a whole number.
                if (record.size() != 12 || !record.get("quantity").matches("\\d+")) {
                    refused.add(Long.parseLong(record.get(0)));
                    continue;
                }
                sales.add(new Sale(Long.parseLong(record.get("transaction_id")), LocalDateTime.parse(record.get("timestamp"), TIMESTAMP),
                        Long.parseLong(record.get("customer_id")), Long.parseLong(record.get("product_id")), Long.parseLong(record.get("quantity")),
                        new BigDecimal(record.get("total_amount")), record.get("region"), Boolean.parseBoolean(record.get("is_online"))));
            }
        }
        assertEquals(REFUSED_TRANSACTIONS, refused, "the rows sample-data/README.md says the converter quarantines");
        this.sales = List.copyOf(sales);
        this.refusedTransactions = List.copyOf(refused);
        this.products = read(root.resolve("products/products.csv"), ',').stream()
                .map(r -> new Product(Long.parseLong(r.get("product_id")), r.get("product_name"), r.get("category"), r.get("brand")))
                .collect(Collectors.toMap(Product::productId, Function.identity(), (a, b) -> fail("duplicate product " + a), TreeMap::new));
        this.customers = read(root.resolve("customers/customers.csv"), ',').stream()
                .map(r -> new Customer(Long.parseLong(r.get("customer_id")), r.get("name"), r.get("city"), r.get("country"), LocalDate.parse(r.get("signup_date"))))
                .collect(Collectors.toMap(Customer::customerId, Function.identity(), (a, b) -> fail("duplicate customer " + a), TreeMap::new));
        this.stores = read(root.resolve("stores_eu/stores.csv"), ';').stream()
                .map(r -> new Store(Long.parseLong(r.get("store_id")), r.get("region"), Long.parseLong(r.get("floor_area_m2")),
                        new BigDecimal(r.get("monthly_rent_eur").replace(',', '.'))))
                .toList();
    }

    static SampleData load() throws IOException {
        return new SampleData(directory());
    }

    /** {@code sample-data/}, from the module's directory (Maven) or the repository's root (an IDE). */
    static Path directory() {
        for (Path candidate : List.of(Path.of("..", "sample-data"), Path.of("sample-data"))) {
            if (Files.isDirectory(candidate.resolve("sales"))) {
                return candidate.toAbsolutePath().normalize();
            }
        }
        return fail("sample-data/ not found from " + Path.of("").toAbsolutePath());
    }

    private static List<Path> files(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static List<CSVRecord> read(Path file, char delimiter) throws IOException {
        CSVFormat format = CSVFormat.RFC4180.builder().setDelimiter(delimiter).setIgnoreEmptyLines(true).setHeader().setSkipHeaderRecord(true).setAllowMissingColumnNames(false).get();
        try (InputStream raw = Files.newInputStream(file);
                InputStream in = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
                Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8);
                CSVParser parser = format.parse(reader)) {
            return parser.getRecords();
        }
    }

    static LocalDate month(LocalDateTime timestamp) {
        return timestamp.toLocalDate().withDayOfMonth(1);
    }

    TreeSet<String> regions() {
        return sales.stream().map(Sale::region).collect(Collectors.toCollection(TreeSet::new));
    }
}
