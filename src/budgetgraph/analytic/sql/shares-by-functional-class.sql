-- shares-by-functional-class.rq over the observation table: each 类 row of the 支出 side of a 财政拨款收支总体情况表
-- (its 一般公共预算 amount, bg:generalBudget) beside every 支出 total row of the same table (a nonzero one), with its
-- share of that total in percent. One answer per row and total, not added up, as the SPARQL query gives them.
--
-- The share mirrors pyoxigraph's xsd:decimal arithmetic exactly, in integers (DuckDB divides decimals as DOUBLE):
-- ROUND(?published / ?whole * 10000) / 100, where the quotient is cut (toward zero) to 18 decimals, so x * 10000 to
-- 14, and ROUND is floor(x + 0.5), a half going toward positive infinity (ROUND(-2.5) = -2). With n = published *
-- 10000 and d = whole, q = |n| div |d| and r = |n| mod |d|: a positive quotient rounds up when 2r >= |d|; a negative
-- one rounds away from zero only when its cut fraction exceeds one half, 2r - |d| >= max(1, ceil(|d| / 5e13)) with
-- n and d in units of 1e-10 (the table's scale). A zero amount is 0 first, as in the query (pyoxigraph fails on
-- 0.0 / 2.5). Not mirrored: a division pyoxigraph cannot hold in its 38 digits (an amount of more than ~1e12 over
-- one with many decimals) is unbound there and a number here.
WITH totals AS (
  SELECT "table", dataset_phase, amount AS whole
  FROM observations
  WHERE table_kind = 'fiscal-grant-summary' AND side = '支出' AND row_role = 'total' AND measure = 'generalBudget'
    AND phase = dataset_phase AND amount_year = fiscal_year AND dataset_phase = $phase AND amount <> 0
), classes AS (
  SELECT o.district_code, o.department_name, o.fiscal_year, o.dataset_phase, o.code, codes.name_zh, o.amount AS published,
         o.amount_wan_yuan, totals.whole,
         CAST(o.amount * 10000000000 AS HUGEINT) * 10000 AS n, CAST(totals.whole * 10000000000 AS HUGEINT) AS d
  FROM observations o
  JOIN totals ON totals."table" = o."table"
  -- bg:functionalClass: the table's concept is functional or economic; a functional scheme is one of a fiscal year
  JOIN codes ON codes.concept = o.concept AND codes.scheme_year IS NOT NULL AND codes.name_zh IS NOT NULL
  WHERE o.table_kind = 'fiscal-grant-summary' AND o.side = '支出' AND o.level = 'lei' AND o.measure = 'generalBudget'
    AND o.phase = o.dataset_phase AND o.amount_year = o.fiscal_year AND o.dataset_phase = $phase AND o.code IS NOT NULL AND o.department_name IS NOT NULL
    AND ($district IS NULL OR o.district_code = $district) AND ($year IS NULL OR o.fiscal_year = $year)
), divided AS (
  SELECT *, abs(n) // abs(d) AS q, abs(n) % abs(d) AS r, (n < 0) <> (d < 0) AS negative
  FROM classes
)
SELECT district_code AS district, department_name AS department, fiscal_year AS "year",
       'https://w3id.org/budgetgraph/def#phase-' || dataset_phase AS phase, code, name_zh AS class, amount_wan_yuan AS amount,
       CASE WHEN published = 0 THEN 0
            ELSE CAST(CASE WHEN NOT negative THEN q + CASE WHEN 2 * r >= abs(d) THEN 1 ELSE 0 END
                           ELSE -q - CASE WHEN 2 * r - abs(d) >= greatest(1, (abs(d) + 49999999999999) // 50000000000000) THEN 1 ELSE 0 END
                      END AS DECIMAL(38, 0)) * 0.01
       END AS sharePercent
FROM divided
ORDER BY district, department, "year", code, class, amount, sharePercent
