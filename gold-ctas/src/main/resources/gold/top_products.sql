-- description: The ten best-selling products of each month by revenue, with their rank, orders and units
-- sources: sales, products

WITH monthly AS (
    SELECT
        CAST(date_trunc('month', "timestamp") AS DATE) AS sale_month,
        product_id,
        COUNT(*) AS orders,
        CAST(SUM(quantity) AS BIGINT) AS units,
        SUM(CAST(CAST(total_amount AS DECIMAL(18, 6)) AS DECIMAL(12, 2))) AS revenue
    FROM ${silver_database}.sales
    GROUP BY CAST(date_trunc('month', "timestamp") AS DATE), product_id
),
ranked AS (
    SELECT
        monthly.*,
        -- ROW_NUMBER, not RANK, for exactly ten rows a month; product_id breaks revenue ties, so
        -- both engines pick the same ten.
        ROW_NUMBER() OVER (PARTITION BY sale_month ORDER BY revenue DESC, product_id) AS product_rank
    FROM monthly
)
SELECT
    r.sale_month,
    r.product_rank,
    r.product_id,
    p.product_name,
    p.category,
    p.brand,
    r.orders,
    r.units,
    r.revenue
FROM ranked AS r
JOIN ${silver_database}.products AS p ON p.product_id = r.product_id
-- An outer filter, because QUALIFY is DuckDB's and not Athena's.
WHERE r.product_rank <= 10
