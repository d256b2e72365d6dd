-- execution-rate-by-line.rq over the observation table: for each department, scope and year with a 决算 row, every
-- labelled row of the phases budget and final-accounts (in any of its documents: a 预算, a 决算 printing its budget
-- beside it), its 合计 (total) or single amount (amount), grouped by table kind, side ('' when none) and line (the
-- code, else the printed label) and added up per phase; a line with rows of both phases is answered, with the rate
-- 决算/预算 in percent: unbound (NULL) when the budget is 0, 0 when the final amount is 0.
--
-- Needs the lookup table table_kinds (table_kind, name_zh), which questions.py does not register yet: ?table is the
-- Chinese skos:prefLabel of the table kind, from the ontology (see the proposal for rows.py / questions.py).
-- ?district is the department's bg:district; the mapping gives a department the district of its documents (its IRI
-- holds the district code), which is the table's district_code.
-- ?label is SAMPLE over the budget rows' labels, the first pyoxigraph meets: here the least; the same where the
-- budget rows of a line print one label.
-- The rate mirrors pyoxigraph's ROUND(?final / ?budget * 10000) / 100 exactly, in integers (see
-- shares-by-functional-class.sql).
-- (A text claim has a bg:phase and a bg:dataset too, so SPARQL's years with a 决算 row may be more; but a line is
-- answered only with a row of the final-accounts phase, whose year is one here.)
WITH final_years AS (
  SELECT DISTINCT department, scope, fiscal_year
  FROM observations
  WHERE phase = 'final-accounts'
), printed AS (
  SELECT o.department, o.scope, o.fiscal_year, o.table_kind, coalesce(o.side, '') AS side, coalesce(o.code, o.row_label) AS line,
         o.phase, o.row_label, o.amount_wan_yuan
  FROM observations o
  JOIN final_years f ON f.department = o.department AND f.scope = o.scope AND f.fiscal_year = o.fiscal_year
  WHERE o.phase IN ('budget', 'final-accounts') AND o.amount_year = o.fiscal_year AND o.measure IN ('total', 'amount') AND o.row_label IS NOT NULL
    AND ($year IS NULL OR o.fiscal_year = $year)
), lines AS (
  SELECT department, scope, fiscal_year, table_kind, side, line,
         min(row_label) FILTER (WHERE phase = 'budget') AS label,
         coalesce(sum(amount_wan_yuan) FILTER (WHERE phase = 'budget'), 0) AS budget,
         coalesce(sum(amount_wan_yuan) FILTER (WHERE phase = 'final-accounts'), 0) AS final,
         count(*) FILTER (WHERE phase = 'budget') AS budget_rows, count(*) FILTER (WHERE phase = 'final-accounts') AS final_rows
  FROM printed
  GROUP BY ALL
), departments AS (
  SELECT DISTINCT department, department_name, district_code
  FROM datasets
  WHERE department_name IS NOT NULL
), answered AS (
  SELECT d.district_code, d.department_name, l.fiscal_year, k.name_zh AS kind_name, l.side, l.line, l.label, l.budget, l.final, l.scope,
         CAST(l.final * 10000000000 AS HUGEINT) * 10000 AS n, CAST(l.budget * 10000000000 AS HUGEINT) AS d
  FROM lines l
  JOIN departments d ON d.department = l.department
  JOIN table_kinds k ON k.table_kind = l.table_kind
  WHERE l.budget_rows > 0 AND l.final_rows > 0 AND ($district IS NULL OR d.district_code = $district)
), divided AS (
  SELECT *, abs(n) // nullif(abs(d), 0) AS q, abs(n) % nullif(abs(d), 0) AS r, (n < 0) <> (d < 0) AS negative
  FROM answered
)
SELECT district_code AS district, department_name AS department, fiscal_year AS "year", kind_name AS "table", side, line, label,
       budget, final,
       CASE WHEN budget = 0 THEN NULL
            WHEN final = 0 THEN 0
            ELSE CAST(CASE WHEN NOT negative THEN q + CASE WHEN 2 * r >= abs(d) THEN 1 ELSE 0 END
                           ELSE -q - CASE WHEN 2 * r - abs(d) >= greatest(1, (abs(d) + 49999999999999) // 50000000000000) THEN 1 ELSE 0 END
                      END AS DECIMAL(38, 0)) * 0.01
       END AS ratePercent
FROM divided
ORDER BY district, department, "year", "table", side, line, scope, label, budget, final
