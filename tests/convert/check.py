#!/usr/bin/env python3
"""Independent readers for 'budgetx convert' outputs (standard library only).

  check.py renditions SAMPLE.xml OUTDIR   every amount of every table of the
      sample is found, as written, in the same table of OUTDIR/json.json,
      OUTDIR/csv/tNN-*.csv and OUTDIR/html.html; every table title is in the
      page; the CSV files are RFC 4180 with CRLF and a BOM; the JSON validates
      against schemas/budgetx.schema.json when the jsonschema module exists.
  check.py same A.xml B.xml   A and B are the same document after XML
      canonicalisation (comments dropped, whitespace-only text between
      elements ignored).
  check.py amount-names ROOT   the amount attributes of schemas/budgetx.xsd are
      exactly those xslt/common.xsl knows.
  check.py global-rtfs ROOT   the global variables built from content (result
      tree fragments) of html.xsl and csv.xsl, with everything they include,
      are exactly the known ones: libxslt builds every global variable for
      every document, so a new one (the registry of templates.xsl as a
      variable of its own, copied into $meta-rtf) is work on every page.
"""
import collections
import csv
import glob
import html.parser
import io
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

BX = "{urn:budgetx:disclosure:1}"
XS = "{http://www.w3.org/2001/XMLSchema}"
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TABLE_NO = {
    "budgetSummary": "01", "incomeSummary": "02", "expenditureSummary": "03",
    "fiscalSummary": "04", "gpbExpenditure": "05", "gpbBasic": "06",
    "economicSummary": "07", "threePublic": "08", "govFundExpenditure": "09",
    "projectExpenditure": "10", "deptPerformance": "11",
    "projectPerformance": "12", "stateCapitalExpenditure": "13",
    "procurement": "14",
}

failures = []


def fail(msg):
    failures.append(msg)


# Decimal attributes typed bx:amount in the schema that are not money:
# 采购数量 is a count of items, never scaled to 元.
NOT_MONEY = {"quantity"}


def schema_amount_names(root):
    """Money attributes: those of type bx:amount, minus NOT_MONEY."""
    names = set()
    for path in glob.glob(os.path.join(root, "schemas", "disclosure", "*.xsd")):
        for a in ET.parse(path).iter(XS + "attribute"):
            if a.get("type") == "bx:amount":
                names.add(a.get("name"))
    return names - NOT_MONEY


def stylesheet_amount_names(root):
    text = open(os.path.join(root, "xslt", "common.xsl"), encoding="utf-8").read()
    m = re.search(r'name="amount-names" select="concat\((.*?)\)"/>', text, re.S)
    return set("".join(re.findall(r"'([^']*)'", m.group(1))).split())


def table_amounts(table, names):
    """Counter of (attribute, value) for the non-empty amounts of a table."""
    found = collections.Counter()
    blanks = 0
    for e in table.iter():
        for k, v in e.attrib.items():
            if k in names:
                if v == "":
                    blanks += 1
                else:
                    found[(k, v)] += 1
    return found, blanks


def json_amounts(node, names, found, nulls):
    if isinstance(node, dict):
        for k, v in node.items():
            if k in names and isinstance(v, str) and re.fullmatch(r"-?[0-9.]+", v):
                found[(k, v)] += 1
            elif k in names and v is None:
                nulls[0] += 1
            else:
                json_amounts(v, names, found, nulls)
    elif isinstance(node, list):
        for v in node:
            json_amounts(v, names, found, nulls)


class Cells(html.parser.HTMLParser):
    """Text of every td/th, by the id of the enclosing table section."""

    def __init__(self):
        super().__init__()
        self.section = None
        self.cell = None
        self.cells = collections.defaultdict(collections.Counter)
        self.text = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section" and (a.get("class") or "").startswith("tbl"):
            self.section = a.get("id")
        if tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.cells[self.section]["".join(self.cell).strip()] += 1
            self.cell = None

    def handle_data(self, data):
        self.text.append(data)
        if self.cell is not None:
            self.cell.append(data)


def includes(big, small):
    return all(big[k] >= n for k, n in small.items())


def check_renditions(sample, out):
    names = schema_amount_names(ROOT)
    doc = ET.parse(sample).getroot()
    tables = list(doc.find(BX + "tables"))
    # json: every amount, as written (parse numbers as their text)
    with open(os.path.join(out, "json.json"), encoding="utf-8") as fp:
        data = json.load(fp, parse_float=str, parse_int=str)
    check_json_schema(os.path.join(out, "json.json"))
    # html
    page = Cells()
    with open(os.path.join(out, "html.html"), encoding="utf-8") as fp:
        page.feed(fp.read())
    page_text = "".join(page.text)
    for t in tables:
        tag = t.tag[len(BX):]
        want, blanks = table_amounts(t, names)
        got, nulls = collections.Counter(), [0]
        json_amounts(data["tables"].get(tag), names, got, nulls)
        if got != want or nulls[0] != blanks:
            fail(f"{sample}: json {tag}: amounts differ: missing "
                 f"{dict(want - got)}, extra {dict(got - want)}, "
                 f"nulls {nulls[0]} != {blanks}")
        values = collections.Counter()
        for (k, v), n in want.items():
            values[v] += n
        check_csv(sample, out, tag, values)
        section = [s for s in page.cells if s and s.startswith("t" + TABLE_NO[tag])]
        if len(section) != 1 or not includes(page.cells[section[0]], values):
            fail(f"{sample}: html {tag}: some amount is not printed in its table")
        if t.get("title") and t.get("title") not in page_text:
            fail(f"{sample}: html: title {t.get('title')!r} missing")
    check_index(sample, out, tables)


def read_csv(path):
    raw = open(path, "rb").read()
    if not raw.startswith(b"\xef\xbb\xbf"):
        fail(f"{path}: no byte order mark")
    body = raw[3:]
    if body and (not body.endswith(b"\r\n") or
                 body.count(b"\n") != body.count(b"\r\n")):
        fail(f"{path}: lines do not end with CRLF")
    return list(csv.reader(io.StringIO(body.decode("utf-8"), newline=""),
                           strict=True))


def check_csv(sample, out, tag, values):
    files = glob.glob(os.path.join(out, "csv", f"t{TABLE_NO[tag]}-*.csv"))
    if len(files) != 1:
        fail(f"{sample}: csv {tag}: {len(files)} files")
        return
    rows = read_csv(files[0])
    cells = collections.Counter(c for r in rows for c in r)
    if not includes(cells, values):
        fail(f"{sample}: csv {tag}: missing {dict(values - cells)}")
    widths = {len(r) for r in rows}
    if len(widths) != 1:
        fail(f"{sample}: csv {tag}: rows of different widths {widths}")


def check_index(sample, out, tables):
    rows = read_csv(os.path.join(out, "csv", "index.csv"))
    if rows[0][:2] != ["file", "table"] or len(rows) != len(tables) + 1:
        fail(f"{sample}: index.csv: bad header or row count")
    for r in rows[1:]:
        if not os.path.exists(os.path.join(out, "csv", r[0])):
            fail(f"{sample}: index.csv names a missing file {r[0]}")


def check_json_schema(path):
    try:
        import jsonschema
    except ImportError:
        return
    schema = json.load(open(os.path.join(ROOT, "schemas", "budgetx.schema.json"),
                            encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(
        json.load(open(path, encoding="utf-8"))))
    for e in errors[:5]:
        fail(f"{path}: JSON Schema: {e.message} at {list(e.path)}")


def canonical(path):
    parser = ET.XMLParser(target=ET.TreeBuilder(insert_comments=False,
                                                insert_pis=False))
    root = ET.parse(path, parser).getroot()
    for e in root.iter():
        if len(e):
            if e.text is not None and not e.text.strip():
                e.text = None
            for c in e:
                if c.tail is not None and not c.tail.strip():
                    c.tail = None
    return ET.canonicalize(ET.tostring(root, encoding="unicode"))


def check_same(a, b):
    if canonical(a) != canonical(b):
        fail(f"{b}: differs from {a} after canonicalisation")


XSL = "{http://www.w3.org/1999/XSL/Transform}"
# (stylesheet, the global result tree fragments it may build per document)
GLOBAL_RTFS = (
    ("html.xsl", {"meta-rtf", "seq16-rtf", "label-dept-name",
                  "label-amount-unit", "label-top"}),
    ("csv.xsl", {"meta-rtf", "seq16-rtf"}),
)


def global_rtfs(root, name, seen=None):
    """Names of the top-level xsl:variable/xsl:param without select in
    xslt/NAME and the stylesheets it includes or imports."""
    seen = set() if seen is None else seen
    if name in seen:
        return set()
    seen.add(name)
    top = ET.parse(os.path.join(root, "xslt", name)).getroot()
    found = set()
    for el in top:
        if el.tag in (XSL + "variable", XSL + "param") and \
                el.get("select") is None:
            found.add(el.get("name"))
        elif el.tag in (XSL + "include", XSL + "import"):
            found |= global_rtfs(root, el.get("href"), seen)
    return found


def main(argv):
    if len(argv) == 4 and argv[1] == "renditions":
        check_renditions(argv[2], argv[3])
    elif len(argv) == 4 and argv[1] == "same":
        check_same(argv[2], argv[3])
    elif len(argv) == 3 and argv[1] == "amount-names":
        a, b = schema_amount_names(argv[2]), stylesheet_amount_names(argv[2])
        if a != b:
            fail(f"amount attributes: schema only {sorted(a - b)}, "
                 f"common.xsl only {sorted(b - a)}")
    elif len(argv) == 3 and argv[1] == "global-rtfs":
        for name, want in GLOBAL_RTFS:
            got = global_rtfs(argv[2], name)
            if got != want:
                fail(f"{name}: global fragments built per document: "
                     f"new {sorted(got - want)}, gone {sorted(want - got)}")
    else:
        print(__doc__, file=sys.stderr)
        return 2
    for f in failures:
        print("FAIL:", f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
