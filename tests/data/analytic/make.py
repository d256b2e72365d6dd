"""The documents of this folder, made from the bundled synthetic budgets (python tests/data/analytic/make.py): a 决算
of the 2021 东城区 budget (its 部门支出总体情况表 in 元, a few figures changed), so that a department has 预算 and 决算 of
one year; and a test department of two years whose totals (40.00, then 39.99) give a change rate on a negative tie."""
import re
from decimal import Decimal
from pathlib import Path
SRC = Path(__file__).resolve().parents[3] / "data" / "synthetic"; OUT = Path(__file__).resolve().parent

def section(text, title):
    start = text.index(title); end = text.index("\n\n20", start + 1)  # up to the next table title (2021年…)
    return start, end

def to_yuan(block):
    out = []
    for line in block.split("\n"):
        if line.startswith("单位：万元"): out.append("单位：元"); continue
        cells = line.split("\t")
        if len(cells) > 5 and re.fullmatch(r"\d+\.\d\d", cells[5] or "x"):
            cells = [c if i < 5 or not re.fullmatch(r"\d+\.\d\d", c) else str(int(Decimal(c) * 100)) + "00" for i, c in enumerate(cells)]
        out.append("\t".join(cells))
    return "\n".join(out)

text = (SRC / "synthetic-110101-100001-2021-budget.txt").read_text(encoding="utf-8")
final = text.replace("部门预算", "部门决算")
s, e = section(final, "2021年部门支出总体情况表")
block = final[s:e].replace("行政运行（政府办公厅（室）及相关机构事务）\t464.60", "行政运行（政府办公厅（室）及相关机构事务）\t470.33")
block = block.replace("行政单位医疗\t26.86", "行政单位医疗\t0.00").replace("购房补贴\t4.34", "购房补贴\t4.35")
final = final[:s] + to_yuan(block) + final[e:]
final = final.replace("2、公务接待费\t1.36", "2、公务接待费\t1.29")
(OUT / "synthetic-110101-100001-2021-final.txt").write_text(final, encoding="utf-8")

for year, total in ((2023, "40.00"), (2024, "39.99")):
    t = (SRC / f"synthetic-110101-100001-{year}-budget.txt").read_text(encoding="utf-8").replace("统计局", "测试局").replace("100001", "100009")
    s, e = section(t, f"{year}年部门支出总体情况表")
    lines = t[s:e].split("\n")
    lines = [("\t".join(l.split("\t")[:5] + [total] + l.split("\t")[6:]) if l.split("\t")[4:5] == ["合计"] else l) for l in lines]
    t = t[:s] + "\n".join(lines) + t[e:]
    (OUT / f"synthetic-110101-100009-{year}-budget.txt").write_text(t, encoding="utf-8")
print(sorted(p.name for p in OUT.iterdir()))
