-- description: Partitioned by one date column
-- partitioned_by: sale_date
-- sources: sales

SELECT region, SUM(total_amount) AS revenue, CAST("timestamp" AS DATE) AS sale_date
FROM ${silver_database}.sales
GROUP BY region, CAST("timestamp" AS DATE);
