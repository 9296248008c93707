-- description: Units and revenue per product category
-- sources: sales, products

SELECT p.category, SUM(s.quantity) AS units, SUM(s.total_amount) AS revenue
FROM ${silver_database}.sales AS s
JOIN ${silver_database}.products AS p ON p.product_id = s.product_id
GROUP BY p.category
