-- expenditure-by-cofog.rq over the observation table: the 类 totals as expenditure-by-level reads them, each under
-- the COFOG division its 类 matches.
WITH lines AS (
  SELECT *, substr(code, 1, 3) AS class_code
  FROM observations
  WHERE table_kind = 'expenditure-summary' AND row_role = 'line' AND measure = 'total' AND scope = '部门'
    AND code IS NOT NULL AND phase = dataset_phase AND amount_year = fiscal_year AND dataset_phase = $phase
    AND ($district IS NULL OR district_code = $district) AND ($year IS NULL OR fiscal_year = $year)
)
SELECT district_code AS district, district_name AS districtName, department_name AS department, fiscal_year AS "year",
       'https://w3id.org/budgetgraph/def#phase-' || phase AS phase, cofog.cofog_code AS code, cofog.cofog_name AS name,
       cofog.cofog AS edition, SUM(amount_wan_yuan) AS amount
FROM lines
JOIN codes ON codes.code = lines.class_code AND codes.scheme_year = lines.fiscal_year
JOIN cofog ON cofog.concept = codes.concept
WHERE NOT coalesce(starts_with(parent_code, class_code), false)
GROUP BY ALL
ORDER BY code, "year", district, department
