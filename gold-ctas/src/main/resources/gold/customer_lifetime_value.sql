-- description: What each customer is worth so far: orders, units, revenue, average order value, first and last purchase, rank by revenue
-- sources: customers, sales

WITH purchases AS (
    SELECT
        customer_id,
        COUNT(*) AS orders,
        CAST(SUM(quantity) AS BIGINT) AS units,
        SUM(CAST(CAST(total_amount AS DECIMAL(18, 6)) AS DECIMAL(12, 2))) AS revenue,
        MIN("timestamp") AS first_purchase_at,
        MAX("timestamp") AS last_purchase_at
    FROM ${silver_database}.sales
    GROUP BY customer_id
)
SELECT
    ROW_NUMBER() OVER (ORDER BY COALESCE(p.revenue, 0) DESC, c.customer_id) AS revenue_rank,
    c.customer_id,
    c.name,
    c.city,
    c.country,
    c.signup_date,
    -- A customer who never bought is listed with zero orders (LEFT JOIN).
    COALESCE(p.orders, 0) AS orders,
    COALESCE(p.units, 0) AS units,
    COALESCE(p.revenue, CAST(0 AS DECIMAL(38, 2))) AS lifetime_revenue,
    -- A DOUBLE, unrounded. Dividing a DECIMAL gives a DECIMAL in Athena and a DOUBLE in DuckDB, and
    -- rounding a DOUBLE at an exact half cent is where engines can disagree; presentation rounds.
    CAST(p.revenue AS DOUBLE) / p.orders AS average_order_value,
    p.first_purchase_at,
    p.last_purchase_at,
    -- On dates, not timestamps. On timestamps DuckDB counts the day boundaries crossed and Athena
    -- the whole days elapsed.
    date_diff('day', c.signup_date, CAST(p.last_purchase_at AS DATE)) AS days_signup_to_last_purchase
FROM ${silver_database}.customers AS c
LEFT JOIN purchases AS p ON p.customer_id = c.customer_id
