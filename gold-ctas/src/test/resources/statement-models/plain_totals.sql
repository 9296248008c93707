-- description: Unpartitioned, a CTE, a quoted column, a trailing comment line
-- sources: sales

WITH totals AS (
    SELECT region, SUM(total_amount) AS revenue, MAX("timestamp") AS last_sale
    FROM ${silver_database}.sales
    GROUP BY region
)
SELECT region, revenue, last_sale FROM totals
-- a comment after the SELECT must not swallow what the builder appends
