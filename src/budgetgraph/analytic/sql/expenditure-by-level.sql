-- expenditure-by-level.rq over the observation table: each department's 部门支出总体情况表 lines, cut to the
-- level's digits; a line under a printed row of the same code at that level is left out (its parent counts it).
WITH lines AS (
  SELECT *, substr(code, 1, CASE $level WHEN 'lei' THEN 3 WHEN 'kuan' THEN 5 ELSE 7 END) AS class_code
  FROM observations
  WHERE table_kind = 'expenditure-summary' AND row_role = 'line' AND measure = 'total' AND scope = '部门'
    AND phase = dataset_phase AND amount_year = fiscal_year AND dataset_phase = $phase
    AND ($district IS NULL OR district_code = $district) AND ($year IS NULL OR fiscal_year = $year)
    AND length(code) >= CASE $level WHEN 'lei' THEN 3 WHEN 'kuan' THEN 5 ELSE 7 END
)
SELECT district_code AS district, district_name AS districtName, department_name AS department, fiscal_year AS "year",
       'https://w3id.org/budgetgraph/def#phase-' || phase AS phase, 'https://w3id.org/budgetgraph/def#level-' || $level AS "level",
       class_code AS code, codes.name_zh AS name, codes.edition AS edition, SUM(amount_wan_yuan) AS amount
FROM lines JOIN codes ON codes.code = lines.class_code AND codes.scheme_year = lines.fiscal_year
WHERE codes.name_zh IS NOT NULL AND NOT coalesce(starts_with(parent_code, class_code), false)
GROUP BY ALL
ORDER BY code, "year", district, department
