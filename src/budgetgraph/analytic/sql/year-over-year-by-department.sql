-- year-over-year-by-department.rq over the observation table: every 合计 row of a 部门支出总体情况表 (of the dataset's
-- own phase) beside every such row of the same department, phase and scope a fiscal year earlier, with the change and
-- its rate in percent. Where the earlier amount is 0 the rate is unbound (NULL); where the change is 0 it is 0.
--
-- The rate mirrors pyoxigraph's ROUND(?change / ?previousAmount * 10000) / 100 exactly, in integers (see
-- shares-by-functional-class.sql): the quotient cut toward zero to 18 decimals, ROUND = floor(x + 0.5), so a negative
-- half goes toward zero (-2.5 gives -2).
WITH totals AS (
  SELECT district_code, department, department_name, scope, dataset_phase, fiscal_year, amount_wan_yuan AS amount
  FROM observations
  WHERE table_kind = 'expenditure-summary' AND row_role = 'total' AND measure = 'total'
    AND phase = dataset_phase AND amount_year = fiscal_year AND dataset_phase = $phase
), pairs AS (
  SELECT later.district_code, later.department_name, later.fiscal_year, later.dataset_phase, later.scope,
         later.amount, earlier.amount AS previous, later.amount - earlier.amount AS change,
         CAST((later.amount - earlier.amount) * 10000000000 AS HUGEINT) * 10000 AS n,
         CAST(earlier.amount * 10000000000 AS HUGEINT) AS d
  FROM totals later
  JOIN totals earlier ON earlier.department = later.department AND earlier.scope = later.scope
    AND earlier.dataset_phase = later.dataset_phase AND earlier.fiscal_year = later.fiscal_year - 1
  WHERE later.department_name IS NOT NULL
    AND ($district IS NULL OR later.district_code = $district) AND ($year IS NULL OR later.fiscal_year = $year)
), divided AS (
  SELECT *, abs(n) // nullif(abs(d), 0) AS q, abs(n) % nullif(abs(d), 0) AS r, (n < 0) <> (d < 0) AS negative
  FROM pairs
)
SELECT district_code AS district, department_name AS department, fiscal_year AS "year",
       'https://w3id.org/budgetgraph/def#phase-' || dataset_phase AS phase, amount, previous AS previousAmount, change,
       CASE WHEN previous = 0 THEN NULL
            WHEN change = 0 THEN 0
            ELSE CAST(CASE WHEN NOT negative THEN q + CASE WHEN 2 * r >= abs(d) THEN 1 ELSE 0 END
                           ELSE -q - CASE WHEN 2 * r - abs(d) >= greatest(1, (abs(d) + 49999999999999) // 50000000000000) THEN 1 ELSE 0 END
                      END AS DECIMAL(38, 0)) * 0.01
       END AS changePercent
FROM divided
ORDER BY district, department, "year", scope, amount, previousAmount
