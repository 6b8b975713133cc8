#!/usr/bin/python3
# Writes bureau-codes.xlsx, the workbook of the codes-import-xlsx golden
# cases (python3-openpyxl):
#   sheet 功能分类: ../codes-import-complete/bureau-functions.csv cell for
#     cell, in the same rows (a title row, the header, the codes; codes
#     of digits as numbers, the way a spreadsheet stores them), plus a
#     row of a code written as text and one that is not a code;
#   sheet 对照表: a 部门经济分类 → 政府经济分类 mapping by unit type.
# Run from this directory: python3 make-book.py
import csv
import openpyxl

wb = openpyxl.Workbook()
ws = wb.active
ws.title = "功能分类"
with open("../codes-import-complete/bureau-functions.csv", encoding="gb18030",
          newline="") as fp:
    for r, rec in enumerate(csv.reader(fp), start=1):
        for c, v in enumerate(rec, start=1):
            ws.cell(row=r, column=c, value=int(v) if v.isdigit() else v)
last = ws.max_row
ws.cell(row=last + 2, column=1, value="2350101")  # a code as text
ws.cell(row=last + 2, column=2, value="其他支出（示例）")
ws.cell(row=last + 3, column=1, value="小计")  # not a code: a finding
ws.cell(row=last + 3, column=2, value=1234.5)

m = wb.create_sheet("对照表")
m.append(["部门经济分类编码", "政府经济分类编码", "单位类型"])
m.append([30101, 50101, "行政单位"])
m.append([30101, 50501, "事业单位"])
m.append([30201, 50201, "行政单位"])
wb.save("bureau-codes.xlsx")
