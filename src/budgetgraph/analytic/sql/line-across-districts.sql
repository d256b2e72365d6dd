-- line-across-districts.rq over the observation table: each 部门 department's 部门支出总体情况表 lines whose code starts
-- with the 款 or 项 asked, added up; a line under a printed row whose code starts with it is left out (its parent
-- counts it). The name is the code's in that year's functional scheme, where it has one (the OPTIONAL: a LEFT JOIN).
WITH lines AS (
  SELECT *
  FROM observations
  WHERE table_kind = 'expenditure-summary' AND row_role = 'line' AND measure = 'total' AND scope = '部门'
    AND phase = dataset_phase AND amount_year = fiscal_year AND dataset_phase = $phase
    AND department_name IS NOT NULL AND district_name IS NOT NULL
    AND ($district IS NULL OR district_code = $district) AND ($year IS NULL OR fiscal_year = $year)
    AND starts_with(code, $code)
    AND NOT coalesce(starts_with(parent_code, $code), false)
)
SELECT district_code AS district, district_name AS districtName, department_name AS department, fiscal_year AS "year",
       'https://w3id.org/budgetgraph/def#phase-' || phase AS phase, $code AS code, codes.name_zh AS name,
       SUM(amount_wan_yuan) AS amount
FROM lines
LEFT JOIN codes ON codes.code = $code AND codes.scheme_year = lines.fiscal_year AND codes.name_zh IS NOT NULL
GROUP BY ALL
ORDER BY code, "year", district, department, name
