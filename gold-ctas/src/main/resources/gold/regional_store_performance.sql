-- description: Each region's monthly sales beside the EU stores that serve it: in-store revenue per store and per square metre, and rent against it
-- sources: sales, stores_eu

-- Sales and stores share a region, not a key, so each side is aggregated to its region first and the
-- join cannot multiply rows.
WITH monthly_sales AS (
    SELECT
        region,
        CAST(date_trunc('month', "timestamp") AS DATE) AS sale_month,
        COUNT(*) AS orders,
        SUM(CAST(CAST(total_amount AS DECIMAL(18, 6)) AS DECIMAL(12, 2))) AS revenue,
        SUM(CASE WHEN is_online = false THEN CAST(CAST(total_amount AS DECIMAL(18, 6)) AS DECIMAL(12, 2)) ELSE CAST(0 AS DECIMAL(12, 2)) END) AS in_store_revenue
    FROM ${silver_database}.sales
    GROUP BY region, CAST(date_trunc('month', "timestamp") AS DATE)
),
region_stores AS (
    SELECT
        region,
        COUNT(*) AS stores,
        CAST(SUM(floor_area_m2) AS BIGINT) AS floor_area_m2,
        -- The rent arrives as text with a decimal comma (the converter never guesses a locale): thousands
        -- dots dropped first (1.234,56), then the comma made the decimal point.
        SUM(CAST(REPLACE(REPLACE(monthly_rent_eur, '.', ''), ',', '.') AS DECIMAL(12, 2))) AS monthly_rent_eur
    FROM ${silver_database}.stores_eu
    GROUP BY region
)
SELECT
    m.sale_month,
    m.region,
    m.orders,
    m.revenue,
    m.in_store_revenue,
    COALESCE(s.stores, 0) AS stores,
    s.floor_area_m2,
    s.monthly_rent_eur,
    -- NULLIF makes a region without stores NULL in both engines, where dividing by zero gives
    -- Infinity in DuckDB and Infinity or an error in Athena, depending on the types.
    CAST(m.in_store_revenue AS DOUBLE) / NULLIF(s.stores, 0) AS in_store_revenue_per_store,
    CAST(m.in_store_revenue AS DOUBLE) / NULLIF(s.floor_area_m2, 0) AS in_store_revenue_per_m2,
    CAST(s.monthly_rent_eur AS DOUBLE) / NULLIF(CAST(m.in_store_revenue AS DOUBLE), 0) AS rent_to_in_store_revenue
FROM monthly_sales AS m
LEFT JOIN region_stores AS s ON s.region = m.region
