-- description: Revenue, orders and units sold per day, product category and sales region
-- partitioned_by: sale_month
-- sources: sales, products

WITH sold AS (
    SELECT
        CAST(s."timestamp" AS DATE) AS sale_date,
        p.category,
        s.region,
        s.quantity,
        -- Money is summed as DECIMAL, exact and the same in Athena and DuckDB; a sum of DOUBLE
        -- depends on the order the rows arrive in. Through DECIMAL(18, 6) first: Athena rounds a DOUBLE
        -- as written (1.005 to 1.01), DuckDB its binary value (1.00499... to 1.00); six places agree.
        CAST(CAST(s.total_amount AS DECIMAL(18, 6)) AS DECIMAL(12, 2)) AS amount
    FROM ${silver_database}.sales AS s
    JOIN ${silver_database}.products AS p ON p.product_id = s.product_id
)
SELECT
    sale_date,
    category,
    region,
    COUNT(*) AS orders,
    -- DuckDB sums a BIGINT into a HUGEINT (written to Parquet as DOUBLE); Athena keeps BIGINT.
    CAST(SUM(quantity) AS BIGINT) AS units,
    SUM(amount) AS revenue,
    -- The partition column comes last, as Athena's CTAS requires. By month, not by day: one Athena
    -- query writes at most 100 partitions, so days would cost a query per 100 days, and tiny files.
    CAST(date_trunc('month', sale_date) AS DATE) AS sale_month
FROM sold
GROUP BY sale_date, category, region
