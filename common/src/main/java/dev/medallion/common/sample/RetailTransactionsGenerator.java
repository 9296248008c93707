package dev.medallion.common.sample;

import java.io.IOException;
import java.io.Writer;
import java.time.LocalDate;
import java.util.List;
import java.util.SplittableRandom;

import static java.util.Objects.requireNonNull;

/**
 * Writes synthetic retail transactions as CSV, the shape of the conversion benchmark and of the
 * sample data: {@value #HEADER}.
 *
 * <p>The output is a pure function of the seed and the row count: every {@link #write} starts its own
 * {@link SplittableRandom} from the seed, so the same seed gives byte-identical files, and the first
 * {@code n} rows of a longer file are exactly an {@code n}-row file. It is plain ASCII with LF line
 * endings, so characters and bytes are the same count whatever the encoding, about 95 per row.
 *
 * <p>Some values exercise the CSV corners a converter must get right: one product name and the
 * {@code Card, contactless} payment method contain a comma and are quoted; about 5% of rows carry a
 * free-text note, some of them quoted because of a comma or a doubled quote; the rest leave the last
 * column empty. Totals are computed in integer cents, so {@code total_amount} equals
 * {@code quantity * unit_price * (1 - discount)} rounded half-up to cents exactly, with no
 * floating-point drift for a reader to trip over.
 *
 * <p>Rows are formatted by hand into a char buffer: {@code String.format} per row would make the 190 MB
 * benchmark input take a minute instead of a few seconds.
 */
public final class RetailTransactionsGenerator {
    public static final List<String> COLUMNS = List.of(
            "transaction_id", "timestamp", "customer_id", "product_id", "product_name", "category",
            "quantity", "unit_price", "discount", "total_amount", "region", "payment_method", "is_online", "note");

    public static final String HEADER = "transaction_id,timestamp,customer_id,product_id,product_name,category,"
            + "quantity,unit_price,discount,total_amount,region,payment_method,is_online,note";

    private static final LocalDate FIRST_DAY = LocalDate.of(2025, 1, 1);
    // 2025 and 2026: two whole years, neither a leap year.
    private static final int DAYS = 730;
    private static final int SECONDS_PER_DAY = 86_400;
    private static final int FIRST_CUSTOMER = 10_000;
    private static final int CUSTOMERS = 50_000;

    /** Names are CSV-ready: the one with a comma is already quoted. */
    private record Product(int id, String csvName, String category, int priceCents) {}

    private static final List<Product> CATALOG = List.of(
            new Product(1001, "USB-C Cable", "Electronics", 999),
            new Product(1002, "Wireless Mouse", "Electronics", 2499),
            new Product(1003, "Keyboard", "Electronics", 4990),
            new Product(1004, "Headphones", "Electronics", 7900),
            new Product(1005, "Monitor 24in", "Electronics", 15900),
            new Product(1006, "Phone Case", "Electronics", 1499),
            new Product(1007, "Power Bank", "Electronics", 2999),
            new Product(1008, "HDMI Cable", "Electronics", 749),
            new Product(1009, "T-Shirt", "Clothing", 1299),
            new Product(1010, "Jeans", "Clothing", 3995),
            new Product(1011, "Hoodie", "Clothing", 3450),
            new Product(1012, "\"Socks, 3 pairs\"", "Clothing", 899),
            new Product(1013, "Cap", "Clothing", 1500),
            new Product(1014, "Sneakers", "Clothing", 6999),
            new Product(1015, "Mug", "Home", 650),
            new Product(1016, "Desk Lamp", "Home", 2240),
            new Product(1017, "Towel", "Home", 1125),
            new Product(1018, "Candle", "Home", 980),
            new Product(1019, "Pillow", "Home", 1800),
            new Product(1020, "Frying Pan", "Home", 2790),
            new Product(1021, "Coffee 1kg", "Grocery", 1680),
            new Product(1022, "Green Tea", "Grocery", 420),
            new Product(1023, "Olive Oil", "Grocery", 875),
            new Product(1024, "Pasta", "Grocery", 189),
            new Product(1025, "Chocolate", "Grocery", 249),
            new Product(1026, "Honey", "Grocery", 630),
            new Product(1027, "Novel", "Books", 1200),
            new Product(1028, "Cookbook", "Books", 2450),
            new Product(1029, "Notebook", "Books", 399),
            new Product(1030, "Atlas", "Books", 3100),
            new Product(1031, "Puzzle", "Toys", 1799),
            new Product(1032, "Board Game", "Toys", 2900),
            new Product(1033, "Plush Bear", "Toys", 1350),
            new Product(1034, "Building Set", "Toys", 4499),
            new Product(1035, "Yoga Mat", "Sports", 2100),
            new Product(1036, "Water Bottle", "Sports", 900),
            new Product(1037, "Dumbbell 5kg", "Sports", 1999),
            new Product(1038, "Tennis Balls", "Sports", 599),
            new Product(1039, "Shampoo", "Beauty", 549),
            new Product(1040, "Face Cream", "Beauty", 1950),
            new Product(1041, "Lip Balm", "Beauty", 299),
            new Product(1042, "Perfume", "Beauty", 5900));

    private static final List<String> REGIONS = List.of("North", "South", "East", "West", "Central");

    // Weighted choices are tables of 100 entries indexed by nextInt(100): one array read per pick.
    private static final List<Integer> QUANTITY_WEIGHTS = List.of(50, 25, 12, 8, 5);
    private static final List<Integer> DISCOUNT_PERCENTS = List.of(0, 5, 10, 15, 20, 25);
    private static final List<Integer> DISCOUNT_WEIGHTS = List.of(65, 15, 10, 5, 3, 2);
    private static final List<String> PAYMENT_METHODS = List.of("Card", "Cash", "\"Card, contactless\"", "PayPal", "Gift card", "Bank transfer");
    private static final int CASH = 1;
    private static final int CONTACTLESS = 2;
    private static final List<Integer> PAYMENT_WEIGHTS = List.of(40, 20, 20, 12, 5, 3);

    // Already CSV-encoded: a comma or a quote means the note is quoted and its quotes doubled.
    private static final List<String> NOTES = List.of(
            "\"Gift wrap, please\"",
            "\"Customer asked for \"\"express\"\" delivery\"",
            "Exchanged for another size",
            "\"Left at the door, rang twice\"",
            "\"Paid partly in cash, rest by card\"",
            "\"Said \"\"thanks!\"\"\"",
            "Loyalty points applied");
    /** Percent of rows with a note; the rest leave the column empty. */
    private static final int NOTE_PERCENT = 5;

    private static final int BUFFER_CHARS = 1 << 16;
    /** Flush before a row could overflow the buffer; a row is far below this. */
    private static final int MAX_ROW_CHARS = 512;

    private final long seed;

    public RetailTransactionsGenerator(long seed) {
        this.seed = seed;
    }

    public long seed() {
        return seed;
    }

    /**
     * Writes the header and {@code rows} rows to {@code out}, each line ending in LF, and returns the
     * number of characters written (equal to bytes: the output is ASCII). Does not flush or close
     * {@code out}; the rows go in 64K-character chunks, so a {@link java.io.BufferedWriter} adds nothing.
     */
    public long write(long rows, Writer out) throws IOException {
        requireNonNull(out, "out is null");
        if (rows < 0) {
            throw new IllegalArgumentException("rows is negative: " + rows);
        }
        Tables tables = new Tables();
        SplittableRandom random = new SplittableRandom(seed);
        Buffer buffer = new Buffer(out);
        buffer.append(HEADER).append('\n');
        for (long id = 1; id <= rows; id++) {
            if (buffer.position > BUFFER_CHARS - MAX_ROW_CHARS) {
                buffer.flush();
            }
            writeRow(id, random, tables, buffer);
        }
        buffer.flush();
        return buffer.written;
    }

    private static void writeRow(long id, SplittableRandom random, Tables tables, Buffer buffer) {
        int secondOfRange = random.nextInt(DAYS * SECONDS_PER_DAY);
        int customer = FIRST_CUSTOMER + random.nextInt(CUSTOMERS);
        Product product = CATALOG.get(random.nextInt(CATALOG.size()));
        int quantity = tables.quantities[random.nextInt(100)];
        int discountPercent = tables.discounts[random.nextInt(100)];
        String region = REGIONS.get(random.nextInt(REGIONS.size()));
        int payment = tables.payments[random.nextInt(100)];
        // Cash and a tap of the card happen at a till; anything else may be online.
        boolean online = payment != CASH && payment != CONTACTLESS && random.nextInt(100) < 45;
        String note = random.nextInt(100) < NOTE_PERCENT ? NOTES.get(random.nextInt(NOTES.size())) : null;

        // Integer cents, rounded half-up: exactly what a decimal check of qty * price * (1 - discount) gives.
        long totalCents = ((long) quantity * product.priceCents() * (100 - discountPercent) + 50) / 100;

        buffer.append(id).append(',');
        int day = secondOfRange / SECONDS_PER_DAY;
        int secondOfDay = secondOfRange - day * SECONDS_PER_DAY;
        buffer.append(tables.dates[day]).append(' ')
                .twoDigits(secondOfDay / 3600).append(':')
                .twoDigits(secondOfDay / 60 % 60).append(':')
                .twoDigits(secondOfDay % 60).append(',');
        buffer.append(customer).append(',');
        buffer.append(product.id()).append(',').append(product.csvName()).append(',').append(product.category()).append(',');
        buffer.append(quantity).append(',');
        buffer.cents(product.priceCents()).append(',');
        buffer.append('0').append('.').twoDigits(discountPercent).append(',');
        buffer.cents(totalCents).append(',');
        buffer.append(region).append(',');
        buffer.append(PAYMENT_METHODS.get(payment)).append(',');
        buffer.append(online ? "true" : "false").append(',');
        if (note != null) {
            buffer.append(note);
        }
        buffer.append('\n');
    }

    /** Per-write lookup tables, so the class holds no shared arrays anyone could change. */
    private static final class Tables {
        final String[] dates = new String[DAYS];
        final int[] quantities = expand(List.of(1, 2, 3, 4, 5), QUANTITY_WEIGHTS);
        final int[] discounts = expand(DISCOUNT_PERCENTS, DISCOUNT_WEIGHTS);
        final int[] payments = expand(List.of(0, 1, 2, 3, 4, 5), PAYMENT_WEIGHTS);

        Tables() {
            for (int day = 0; day < DAYS; day++) {
                dates[day] = FIRST_DAY.plusDays(day).toString();
            }
        }

        private static int[] expand(List<Integer> values, List<Integer> percentWeights) {
            int[] table = new int[100];
            int next = 0;
            for (int i = 0; i < values.size(); i++) {
                for (int n = 0; n < percentWeights.get(i); n++) {
                    table[next++] = values.get(i);
                }
            }
            if (next != table.length) {
                throw new IllegalStateException("Weights add up to " + next + ", not 100");
            }
            return table;
        }
    }

    /** A char buffer with just the appends a row needs, drained to the writer in large chunks. */
    private static final class Buffer {
        private final Writer out;
        private final char[] chars = new char[BUFFER_CHARS];
        private int position;
        private long written;

        Buffer(Writer out) {
            this.out = out;
        }

        Buffer append(char c) {
            chars[position++] = c;
            return this;
        }

        Buffer append(String s) {
            int length = s.length();
            s.getChars(0, length, chars, position);
            position += length;
            return this;
        }

        Buffer append(long value) {
            if (value < 0) {
                throw new IllegalArgumentException("negative value: " + value);
            }
            // Digits are produced backwards, so measure first and fill from the right.
            int digits = 1;
            for (long rest = value / 10; rest != 0; rest /= 10) {
                digits++;
            }
            int end = position + digits;
            long rest = value;
            for (int i = end - 1; i >= position; i--) {
                chars[i] = (char) ('0' + (int) (rest % 10));
                rest /= 10;
            }
            position = end;
            return this;
        }

        Buffer twoDigits(int value) {
            chars[position++] = (char) ('0' + value / 10);
            chars[position++] = (char) ('0' + value % 10);
            return this;
        }

        Buffer cents(long cents) {
            append(cents / 100).append('.');
            return twoDigits((int) (cents % 100));
        }

        void flush() throws IOException {
            out.write(chars, 0, position);
            written += position;
            position = 0;
        }
    }
}
