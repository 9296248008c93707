-- description: Partitioned by two columns, a string and a date; joins two sources
-- partitioned_by: region, sale_date
-- sources: sales, products

SELECT p.category, COUNT(*) AS orders, s.region, CAST(s."timestamp" AS DATE) AS sale_date
FROM ${silver_database}.sales AS s
JOIN ${silver_database}.products AS p ON p.product_id = s.product_id
GROUP BY p.category, s.region, CAST(s."timestamp" AS DATE)
