-- year-over-year-by-line.rq over the observation table: each functional line (bg:functionalClass) of a 部门支出总体情况表,
-- its 合计 added up per dataset and concept (rows of every phase the table prints, of the document's year), beside the lines of the dataset of
-- the same department, phase and scope a fiscal year earlier whose concept stands for the same edition (the OPTIONAL:
-- a LEFT JOIN, so a line without one has no previous code or amount).
-- The table's concept is the row's functional or economic class; a functional scheme is one of a fiscal year.
WITH amounts AS (
  SELECT dataset, concept, SUM(amount_wan_yuan) AS amount
  FROM observations
  WHERE table_kind = 'expenditure-summary' AND row_role = 'line' AND measure = 'total' AND concept IS NOT NULL AND amount_year = fiscal_year
  GROUP BY dataset, concept
), lines AS (
  SELECT datasets.*, amounts.concept, amounts.amount, codes.code, codes.name_zh, codes.edition
  FROM amounts
  JOIN datasets ON datasets.dataset = amounts.dataset
  JOIN codes ON codes.concept = amounts.concept AND codes.scheme_year IS NOT NULL
)
SELECT later.district_code AS district, later.department_name AS department, later.fiscal_year AS "year",
       'https://w3id.org/budgetgraph/def#phase-' || later.dataset_phase AS phase, later.code AS code, later.name_zh AS name,
       later.amount AS amount, earlier.code AS previousCode, earlier.amount AS previousAmount, later.amount - earlier.amount AS change
FROM lines later
LEFT JOIN lines earlier ON earlier.department = later.department AND earlier.scope = later.scope
  AND earlier.dataset_phase = later.dataset_phase AND earlier.fiscal_year = later.fiscal_year - 1 AND earlier.edition = later.edition
WHERE later.dataset_phase = $phase AND later.name_zh IS NOT NULL AND later.department_name IS NOT NULL
  AND ($district IS NULL OR later.district_code = $district) AND ($year IS NULL OR later.fiscal_year = $year)
  AND ($code IS NULL OR later.code = $code)
ORDER BY district, department, "year", code, previousCode, later.scope, amount, previousAmount
