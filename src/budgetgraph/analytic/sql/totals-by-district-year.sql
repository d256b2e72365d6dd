-- totals-by-district-year.rq over the observation table: per 部门 dataset its expenditure total and its income
-- total (收入总体情况表, else the 收入 total of its 财政拨款收支总体情况表), then added up per district and year.
WITH chosen AS (
  SELECT DISTINCT dataset, district_code, district_name, fiscal_year, dataset_phase
  FROM datasets
  WHERE scope = '部门' AND dataset_phase = $phase
    AND ($district IS NULL OR district_code = $district) AND ($year IS NULL OR fiscal_year = $year)
), totals AS (
  SELECT dataset, table_kind, amount_wan_yuan
  FROM observations
  WHERE row_role = 'total' AND phase = dataset_phase AND amount_year = fiscal_year AND (
    (table_kind IN ('expenditure-summary', 'income-summary') AND measure = 'total')
    OR (table_kind = 'fiscal-grant-summary' AND side = '收入' AND measure = 'amount'))
), per_dataset AS (
  -- every combination of the dataset's totals, as the SPARQL query's joins and OPTIONALs make them
  SELECT d.*, spent.amount_wan_yuan AS spent,
         coalesce(income.amount_wan_yuan, grant_income.amount_wan_yuan) AS received
  FROM chosen d
  JOIN totals spent ON spent.dataset = d.dataset AND spent.table_kind = 'expenditure-summary'
  LEFT JOIN totals income ON income.dataset = d.dataset AND income.table_kind = 'income-summary'
  LEFT JOIN totals grant_income ON grant_income.dataset = d.dataset AND grant_income.table_kind = 'fiscal-grant-summary'
)
SELECT district_code AS district, district_name AS districtName, fiscal_year AS "year",
       'https://w3id.org/budgetgraph/def#phase-' || dataset_phase AS phase, COUNT(dataset) AS departments,
       SUM(spent) AS expenditure, SUM(coalesce(received, 0)) AS income, COUNT(received) AS departmentsWithIncome
FROM per_dataset
GROUP BY ALL
ORDER BY district, "year"
