"""Workbook checks for tests/xlsx/run.sh, with openpyxl (python3-openpyxl).

  check.py types WORKBOOK SOURCE.xml   every mapped amount is a number in
                                       its cell, equal to the source; every
                                       fixed cell holds its text, codes
                                       with their leading zeros as text
  check.py edit IN.xlsx OUT.xlsx       type values as a user would
  check.py edited OUT.xml              the edits came back as expected
  check.py fill IN.xlsx OUT.xlsx       fill every unlocked cell (template)
  check.py filled OUT.xml COMMON.xsl   every table amount is the filled one
  check.py hostile DIR GOOD.xlsx       write the hostile fixtures into DIR
"""
import base64
import io
import re
import sys
import zipfile
import zlib
import xml.etree.ElementTree as ET
from decimal import Decimal

import openpyxl
from openpyxl.cell.cell import MergedCell

NS = "{urn:budgetx:disclosure:1}"


def blob(wb):
    """The map lines and source bytes of the hidden sheet _bx."""
    ws = wb["_bx"]
    assert ws["A1"].value == "budgetx-xlsx 1", "no budgetx magic in _bx!A1"
    text = "".join(ws.cell(row=r, column=1).value or ""
                   for r in range(2, ws.max_row + 1))
    data = zlib.decompress(base64.b64decode(text))
    assert len(data) == int(ws["B1"].value), "blob size differs from _bx!B1"
    head, _, src = data.partition(b"\n\n") if not data.startswith(b"\n") \
        else (b"", b"", data[1:])
    lines = [l.split("\t") for l in head.decode("utf-8").split("\n") if l]
    return lines, src


def unescape(s):
    return re.sub(r"\\(.)", lambda m: {"t": "\t", "n": "\n", "r": "\r"}
                  .get(m.group(1), m.group(1)), s)


def types(path, source):
    wb = openpyxl.load_workbook(path)
    lines, src = blob(wb)
    with open(source, "rb") as f:
        assert f.read() == src, "the hidden sheet does not hold the source"
    els = list(ET.fromstring(src).iter())
    amounts = codes = fixed = 0
    for l in lines:
        if l[0] == "m":
            _, s, r, n, a = l
            v = els[int(n)].get(a)
            c = wb[s][r]
            if v in (None, ""):
                assert c.value is None, f"{s}!{r}: {c.value!r}, expected empty"
                continue
            assert c.data_type == "n" and isinstance(c.value, (int, float)), \
                f"{s}!{r}: {c.value!r} is not a number"
            assert abs(Decimal(repr(c.value)) - Decimal(v)) < Decimal("1e-9"), \
                f"{s}!{r}: {c.value!r} != {v}"
            amounts += 1
        else:
            _, s, r, v = l
            v = unescape(v)
            c = wb[s][r]
            if isinstance(c.value, (int, float)):
                assert Decimal(repr(c.value)) == Decimal(v), f"{s}!{r}"
            else:
                assert c.value == v, f"{s}!{r}: {c.value!r} != {v!r}"
            if re.fullmatch(r"0\d+", v):
                assert c.data_type == "s", f"{s}!{r}: code {v} not text"
                codes += 1
            fixed += 1
    print(f"{path}: {amounts} amounts, {fixed} fixed cells, "
          f"{codes} codes with leading zeros")


EDITS = {"C6": 179.60000000000002, "D6": None, "E6": "=1+1", "G6": 0.125,
         "Z99": "x", "B7": "改名"}


def edit(src, dst):
    wb = openpyxl.load_workbook(src)
    ws = wb["表二 部门收入总体情况表"]
    for ref, v in EDITS.items():
        ws[ref] = v
    wb.create_sheet("备注")["A1"] = "hello"
    wb.save(dst)


def edited(xml):
    total = ET.parse(xml).getroot().find(f"{NS}tables/{NS}incomeSummary/"
                                         f"{NS}total")
    got = {a: total.get(a) for a in ("total", "currentTotal", "gpb",
                                     "govFund")}
    want = {"total": "179.60", "currentTotal": "", "gpb": "",
            "govFund": "0.13"}
    assert got == want, f"{got} != {want}"
    print(f"{xml}: edits read back {got}")


def fill(src, dst, least="101"):
    wb = openpyxl.load_workbook(src)
    n = 0
    for ws in wb.worksheets:
        assert ws.title == "_bx" or ws.protection.sheet, f"{ws.title} open"
        for row in ws.iter_rows():
            for c in row:
                if not isinstance(c, MergedCell) and \
                        c.protection.locked is False:
                    c.value = 1.005 + 0.5  # 1.505: shown as 1.51 (0.00)
                    n += 1
    assert n >= int(least), f"only {n} input cells"
    wb.save(dst)
    print(f"{dst}: {n} input cells filled")


def amount_names(common_xsl):
    """The amount attributes, as xslt/common.xsl lists them."""
    text = open(common_xsl, encoding="utf-8").read()
    m = re.search(r'name="amount-names" select="concat\((.*?)\)"/>', text,
                  re.S)
    return set("".join(re.findall(r"'([^']*)'", m.group(1))).split())


def filled(xml, common_xsl, least="101", want="1.51"):
    names = amount_names(common_xsl)
    root = ET.parse(xml).getroot()
    n = 0
    for t in root.find(f"{NS}tables"):
        # a table in its own unit and decimals (the Shanghai 三公 table
        # in 万元 with 2 decimals) keeps the typed 1.51
        mine = want if t.get("decimals") is None else \
            ("2" if t.get("decimals") == "0" else "1.51")
        for el in t.iter():
            for a, v in el.attrib.items():
                if a in names:
                    assert v == mine, f"{el.tag}/@{a} = {v!r}"
                    n += 1
    assert n >= int(least), f"only {n} amounts"
    print(f"{xml}: {n} amounts read back as {want}")


def layout(xlsx, registry):
    """The template's sheets are the registry's tables: names (表 +
    ordinal + title, as xlsx.xsl cuts them), order, title row, one
    input cell per amount column of the registry in the 合计 row, and the
    fixed rows the template names (table/row) with its labels."""
    T = "{urn:budgetx:template:1}"
    reg = ET.parse(registry).getroot()
    tables = [t for t in reg.findall(f"{T}table")
              if t.get("picture") != "true"]
    want = ["封面"]
    for t in tables:
        title = [x.text for x in t.findall(f"{T}title")
                 if x.get("{http://www.w3.org/XML/1998/namespace}lang")
                 == "zh"][0]
        name = f"表{t.get('ordinal')} {title}"
        want.append("".join(c for c in name if c not in "[]:*?/\\")[:31])
    want.append("_bx")
    wb = openpyxl.load_workbook(xlsx)
    got = [ws.title for ws in wb.worksheets]
    adds = [g for g in got if g.endswith(" 新增行")]
    ords = {f"表{t.get('ordinal')}" for t in tables
            if t.get("rows") in ("function", "unit", "project", "economic")}
    assert all(a.split()[0] in ords for a in adds), f"add sheets {adds}"
    # every table of economic rows has one (表六/表七 新增行 of the county)
    eco = {f"表{t.get('ordinal')}" for t in tables
           if t.get("rows") == "economic"}
    assert eco <= {a.split()[0] for a in adds}, f"economic {eco}: {adds}"
    got = [g for g in got if g not in adds and g != "_codes"]
    assert got == want, f"sheets {got} != registry {want}"
    for t, ws in zip(tables, wb.worksheets[1:]):
        title = ws["A1"].value
        assert title and t.get("ordinal") is not None, ws.title
        cols = [c for c in t.findall(f"{T}column")
                if c.get("type") != "code"]
        inputs = sum(1 for row in ws.iter_rows() for c in row
                     if not isinstance(c, MergedCell)
                     and c.protection.locked is False)
        assert inputs >= len(cols) or t.get("element") == \
            "projectPerformance", f"{ws.title}: {inputs} input cells"
        # the rows the template names (table/row) are there, as labelled
        texts = {c.value for row in ws.iter_rows() for c in row}
        # the 单位 line: the table's own unit where it has one
        unit = t.get("unit") or reg.find(f"{T}amounts").get("unit")
        assert any(isinstance(x, str) and f"单位：{unit}" in x
                   for x in texts), f"{ws.title}: no 单位：{unit}"
        for r in t.findall(f"{T}row"):
            if r.get("path") == "row":
                continue  # 三公: the 合计 row prints no label
            label = [x.text for x in r.findall(f"{T}label")
                     if x.get("{http://www.w3.org/XML/1998/namespace}lang")
                     == "zh"][0]
            assert label in texts, f"{ws.title}: no row {label!r}"
    print(f"{xlsx}: {len(tables)} sheets as the registry says")


def hostile(d, good):
    with zipfile.ZipFile(good) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}

    def write(name, extra=None, drop=(), replace=None):
        with zipfile.ZipFile(f"{d}/{name}", "w", zipfile.ZIP_DEFLATED) as z:
            for k, v in parts.items():
                if k in drop:
                    continue
                z.writestr(k, (replace or {}).get(k, v))
            for k, v in (extra or {}).items():
                z.writestr(k, v)

    xxe = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM '
           b'"file:///etc/passwd">]>') + \
        parts["xl/workbook.xml"].split(b"?>", 1)[1]
    write("xxe.xlsx", replace={"xl/workbook.xml": xxe})
    write("bomb.xlsx", replace={"xl/worksheets/sheet2.xml":
                                b" " * (40 << 20)})
    write("bigsst.xlsx", extra={"xl/sharedStrings.xml":
                                b"<sst>" + b"a" * (100 << 20) + b"</sst>"})
    rows = io.BytesIO()
    rows.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/'
               b'spreadsheetml/2006/main"><sheetData>')
    for r in range(1, 1000002):
        rows.write(b'<row r="%d"/>' % r)
    rows.write(b"</sheetData></worksheet>")
    write("rows.xlsx", replace={"xl/worksheets/sheet2.xml": rows.getvalue()})
    write("extlink.xlsx", extra={"xl/externalLinks/externalLink1.xml":
                                 b"<externalLink/>"})
    write("macro.xlsm", extra={"xl/vbaProject.bin": b"\0" * 64})
    with open(f"{d}/encrypted.xlsx", "wb") as f:
        f.write(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504)
    with zipfile.ZipFile(f"{d}/traversal.xlsx", "w") as z:
        z.writestr("../../evil.txt", b"x")
    nob = openpyxl.Workbook()
    nob.active["A1"] = 1
    nob.save(f"{d}/notours.xlsx")
    with open(f"{d}/notzip.xlsx", "wb") as f:
        f.write(b"hello, world\n")


ADDED = [("205", "教育支出", 10.5, 10.5, 0),
         ("20501", "教育管理事务", 10.5, 10.5, 0),
         ("2050101", "行政运行", 10.5, 10.5, 0),
         (208, "社会保障和就业支出", 1.005, 1, 0),
         ("99x", "不是编码", 1, 1, 0)]


def addrows(src, dst):
    """Rows a department adds in 表五 新增行: the code list is a list
    validation on the hidden sheet _codes, codes as text; rows filled."""
    wb = openpyxl.load_workbook(src)
    codes = wb["_codes"]
    assert codes.sheet_state == "hidden", "_codes not hidden"
    first = codes["A1"].value
    assert isinstance(first, str) and len(first) == 3, f"_codes!A1 {first!r}"
    ws = wb["表五 新增行"]
    assert ws.protection.sheet, "add sheet not protected"
    assert ws["A2"].protection.locked is not False, "header unlocked"
    assert ws["A3"].protection.locked is False, "input cell locked"
    lists = [d for d in ws.data_validations.dataValidation
             if d.type == "list"]
    assert lists and lists[0].formula1.startswith("_codes!$A$1:$A$"), \
        "no code list validation"
    assert "A3" in lists[0].sqref, "code list not on column A"
    for i, row in enumerate(ADDED):
        for j, v in enumerate(row):
            ws.cell(row=3 + i, column=1 + j, value=v)
    ws.cell(row=200, column=1, value="extra")
    wb.save(dst)
    print(f"{dst}: {len(ADDED)} rows added")


def added(xml):
    t = ET.parse(xml).getroot().find(f"{NS}tables/{NS}gpbExpenditure")
    top = [(f.get("code"), f.get("name"), f.get("total"))
           for f in t.findall(f"{NS}func")]
    assert top == [("205", "教育支出", "10.50"),
                   ("208", "社会保障和就业支出", "1.01")], top
    sub = t.find(f"{NS}func/{NS}func/{NS}func")
    assert sub is not None and sub.get("code") == "2050101" and \
        sub.get("basic") == "10.50" and sub.get("project") == "0.00", \
        "2050101 not nested under 20501 under 205"
    assert not [f for f in t.iter(f"{NS}func") if f.get("code") == "99x"]
    print(f"{xml}: added rows read back, nested by code")


def xxe_all(d, good):
    """The workbook with a DTD and an external entity in each XML part in
    turn (every part, read by budgetx or not): d/xxe-N.xlsx."""
    with zipfile.ZipFile(good) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    n = 0
    for k, v in parts.items():
        if not k.endswith((".xml", ".rels")):
            continue
        body = v.split(b"?>", 1)[1] if v.startswith(b"<?xml") else v
        bad = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM '
               b'"file:///etc/passwd">]>') + body
        n += 1
        with zipfile.ZipFile(f"{d}/xxe-{n}.xlsx", "w",
                             zipfile.ZIP_DEFLATED) as z:
            for kk, vv in parts.items():
                z.writestr(kk, bad if kk == k else vv)
    print(f"{n} parts")


def annotated(xlsx, xml):
    """validate --format xlsx -o: every row of 问题清单 that names a cell
    links to it; that cell carries a comment with the finding's code and
    is shaded; a finding about a label or name points at the cell that
    shows it."""
    from lxml import etree
    doc = etree.parse(xml)
    wb = openpyxl.load_workbook(xlsx)
    ws = wb["问题清单"]
    n = labelled = 0
    for row in ws.iter_rows(min_row=2):
        code, cell, xpath = row[1].value, row[2].value, row[5].value
        if not cell:
            continue
        assert row[2].hyperlink is not None and \
            row[2].hyperlink.location == cell, f"{cell}: no link"
        sheet, ref = cell.rsplit("!", 1)
        c = wb[sheet.strip("'").replace("''", "'")][ref]
        assert c.comment is not None and code in c.comment.text, \
            f"{cell}: no comment with {code}"
        assert c.fill is not None and c.fill.fill_type == "solid", \
            f"{cell}: not shaded"
        if re.search(r"/@(label|name)$", xpath or ""):
            value = doc.xpath(xpath, namespaces={
                "bx": "urn:budgetx:disclosure:1"})[0]
            assert str(c.value) == str(value), \
                f"{xpath}: {cell} shows {c.value!r}, not {value!r}"
            labelled += 1
        n += 1
    assert n > 0 and labelled > 0, f"{n} cells, {labelled} labels"
    print(f"{xlsx}: {n} findings on their cells ({labelled} labels)")


def addunits(src, dst):
    """henan-county-14: a unit added in 表二 新增行, a project in 表十 新增行
    (under the department; one naming a unit the table lacks), a function
    row in 表五 新增行."""
    wb = openpyxl.load_workbook(src)
    ws = wb["表二 新增行"]
    assert [c.value for c in ws[2]][:2] == ["单位编码", "单位名称"]
    for i, (code, name, total) in enumerate([("123001", "某某局机关", 5),
                                             ("123002", "某某中心", 3)]):
        ws.cell(row=3 + i, column=1, value=code)
        ws.cell(row=3 + i, column=2, value=name)
        ws.cell(row=3 + i, column=3, value=total)
    ws = wb["表十 新增行"]
    assert [c.value for c in ws[2]][:4] == ["所属单位编码", "项目类别",
                                            "项目编码", "项目名称"]
    for i, row in enumerate([(None, "特定目标类", "410999240000000100001",
                              "项目甲", 2.5),
                             ("999999", "特定目标类", "410999240000000100002",
                              "项目乙", 1)]):
        for j, v in enumerate(row):
            ws.cell(row=3 + i, column=1 + j, value=v)
    ws = wb["表五 新增行"]
    ws["A3"], ws["B3"], ws["C3"] = "205", "教育支出", 1
    wb.save(dst)
    print(f"{dst}: units, a project and a function row added")


def addedunits(xml):
    t = ET.parse(xml).getroot().find(f"{NS}tables")
    units = [(u.get("code"), u.get("name"), u.get("total")) for u in
             t.findall(f"{NS}incomeSummary/{NS}dept/{NS}unit")]
    assert units == [("123001", "某某局机关", "5.00"),
                     ("123002", "某某中心", "3.00")], units
    projects = [(p.get("code"), p.get("name"), p.get("unitName"),
                 p.get("total")) for p in
                t.findall(f"{NS}projectExpenditure/{NS}dept/{NS}project")]
    assert projects == [("410999240000000100001", "项目甲", "某某局",
                         "2.50")], projects
    funcs = [f.get("code") for f in t.findall(f"{NS}gpbExpenditure/{NS}func")]
    assert funcs == ["205"], funcs
    print(f"{xml}: units, project and function row read back")


def addfrom(src, dst):
    """A template from the county sample (--from): 表三 新增行 has a unit
    column; 2050101 is new under unit 105002, a duplicate under 105001."""
    wb = openpyxl.load_workbook(src)
    ws = wb["表三 新增行"]
    assert [c.value for c in ws[2]][:3] == ["所属单位编码", "功能分类科目编码",
                                            "科目名称"]
    for i, unit in enumerate(("105002", "105001")):
        for j, v in enumerate((unit, "2050101", "行政运行", 1)):
            ws.cell(row=3 + i, column=1 + j, value=v)
    ws = wb["表六 新增行"]  # an economic row under unit 105001
    assert ws["A2"].value == "所属单位编码", ws["A2"].value
    for j, v in enumerate(("105001", "30202", None, None, None, 1, 0, 1)):
        ws.cell(row=3, column=1 + j, value=v)
    wb.save(dst)
    print(f"{dst}: a function row added under two units")


def addedfrom(xml):
    t = ET.parse(xml).getroot().find(f"{NS}tables/{NS}expenditureSummary")
    got = {u.get("code"): [(f.get("code"), f.get("total"))
                           for f in u.findall(f"{NS}func")
                           if f.get("code") == "2050101"]
           for u in t.iter(f"{NS}unit")}
    assert got["105002"] == [("2050101", "1.00")], got
    assert got["105001"] == [("2050101", "")], got
    u = [u for u in ET.parse(xml).getroot().find(f"{NS}tables/{NS}gpbBasic")
         .iter(f"{NS}unit") if u.get("code") == "105001"]
    eco = [(e.get("dep"), e.get("depName"), e.get("total"))
           for e in u[0].findall(f"{NS}eco")]
    i = [d for d, _, _ in eco].index("30202")
    assert eco[i] == ("30202", "印刷费", "1.00") and \
        eco[i - 1][0] == "30201" and eco[i + 1][0] == "30211", eco
    print(f"{xml}: the rows went under their units, the duplicate was left out")


def addeco(src, dst):
    """henan-county-14: economic rows in 表六 新增行 (部门/政府预算经济分类
    codes with lists on _codes C and E, as text) and 表七 新增行: a code
    typed as a number, a name left empty (filled from the list), a code
    not in the year's list, a duplicate, amounts without a code, a bad
    government code."""
    wb = openpyxl.load_workbook(src)
    codes = wb["_codes"]
    for col, first in (("C", "301"), ("E", "501")):
        v = codes[f"{col}1"].value
        assert v == first and isinstance(v, str), f"_codes!{col}1 {v!r}"
    for n in ("表六 新增行", "表七 新增行"):
        ws = wb[n]
        assert [c.value for c in ws[2]][:4] == [
            "部门预算支出经济分类科目编码", "部门预算经济分类科目名称",
            "政府预算支出经济分类科目编码", "政府预算经济分类科目名称"], n
        assert ws["A3"].protection.locked is False, "input cell locked"
        lists = {str(d.sqref).split(":")[0]: d.formula1 for d in
                 ws.data_validations.dataValidation if d.type == "list"}
        assert lists.get("A3", "").startswith("_codes!$C$1:$C$") and \
            lists.get("C3", "").startswith("_codes!$E$1:$E$"), lists
        assert ws["A3"].number_format == "@", ws["A3"].number_format
    ws = wb["表六 新增行"]
    for i, row in enumerate([("30101", "基本工资", "50101", "工资奖金津补贴",
                              10, 10, 0),
                             (30201, None, "50201", None, 2.5, 0, 2.5),
                             ("31234", "不存在", None, None, 1, 0, 1),
                             ("30101", "重复", None, None, 1, 1, 0),
                             (None, None, None, None, 3, 3, 0),
                             ("30202", "印刷费", "5x", None, 1, 0, 1)]):
        for j, v in enumerate(row):
            ws.cell(row=3 + i, column=1 + j, value=v)
    ws = wb["表七 新增行"]
    ws["A3"], ws["B3"], ws["E3"], ws["F3"] = "30201", "办公费", 2.5, 2.5
    wb.save(dst)
    print(f"{dst}: economic rows added")


def addedeco(xml):
    t = ET.parse(xml).getroot().find(f"{NS}tables")
    got = [(e.get("dep"), e.get("depName"), e.get("gov"), e.get("govName"),
            e.get("total"), e.get("personnel"), e.get("public"))
           for e in t.findall(f"{NS}gpbBasic/{NS}eco")]
    assert got == [("30101", "基本工资", "50101", "工资奖金津补贴",
                    "10.00", "10.00", "0.00"),
                   ("30201", "办公费", "50201", "办公经费",
                    "2.50", "0.00", "2.50")], got
    got = [(e.get("dep"), e.get("depName"), e.get("gov"), e.get("total"),
            e.get("gpb")) for e in t.findall(f"{NS}economicSummary/{NS}eco")]
    assert got == [("30201", "办公费", None, "2.50", "2.50")], got
    print(f"{xml}: economic rows read back, the bad ones left out")


def labels(xlsx, xml, report):
    """Findings about a name or code point at the cell that shows it
    (docs/xlsx.md), not at the row's first amount."""
    import json
    from lxml import etree
    doc = etree.parse(xml)
    wb = openpyxl.load_workbook(xlsx)
    found = []

    def walk(o):
        if isinstance(o, dict):
            if o.get("cell") and re.search(r"/@(name|code)$",
                                           o.get("xpath") or ""):
                found.append(o)
            for v in o.values():
                walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)
    walk(json.load(open(report, encoding="utf-8")))
    assert found, "no finding about a name or code"
    for f in found:
        value = doc.xpath(f["xpath"], namespaces={
            "bx": "urn:budgetx:disclosure:1"})[0]
        sheet, ref = f["cell"].rsplit("!", 1)
        got = wb[sheet.strip("'").replace("''", "'")][ref].value
        assert str(got) == str(value), \
            f"{f['xpath']}: {f['cell']} shows {got!r}, not {value!r}"
    print(f"{len(found)} findings about labels point at their cells")


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"types": types, "edit": edit, "edited": edited, "fill": fill,
     "filled": filled, "hostile": hostile, "layout": layout, "labels": labels,
     "addrows": addrows, "added": added, "xxe_all": xxe_all,
     "annotated": annotated, "addunits": addunits,
     "addedunits": addedunits, "addfrom": addfrom, "addedfrom": addedfrom,
     "addeco": addeco, "addedeco": addedeco}[cmd](*args)
