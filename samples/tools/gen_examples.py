#!/usr/bin/env python3
"""Generate the synthetic example disclosures in samples/.

    python3 samples/tools/gen_examples.py          # run from the project root

Both examples are built from one list of budget lines per department: each
line is (unit, function code, departmental economic code, fund source, kind,
project, amount) with the amount an integer in the smallest displayed unit
(0.01 万元 or 1 元).  Every table, every total and every narrative figure is
derived from those lines, so the documents are internally consistent by
construction (T1..T14 agree, parents equal the sum of their children,
percentages are rounded half-up to one decimal).  Names of codes come from
schemas/codes/2024/*.xml; the 部门经济→政府经济 pairs from eco-mapping.xml.

One spec per template (docs/templates.md): henan-county-14 (EDUCATION),
central-9 via its alias generic-9 (HEALTH), henan-province-11 (PROVINCE),
central-9 (CENTRAL), district-9-yuan (DISTRICT) and narrative-only
(NARRATIVE).  Spec flags say how a template prints: 'codes' (财政区划,
部门 and 单位 codes), 'units_listed', 'flat' (rows keyed by function code
or economic class only, no department/unit rows), 'income_by_func' (表二
by 类/款/项), 'fiscal_row' (表一 一、财政拨款收入 subtotal row), 'exp_cols'
(the columns of 表三/五/九/十三), 't2_cols', 'tp_unit' (the 三公 table's
own unit and decimals).

The departments, people and project codes are fictional.  Conventions the
generator follows (see samples/README.md): 表五 holds current-year general
public budget money only; spending financed by 上年结转 appears in 表三, 表四
(column of its fund), 表七, 表九 and 表十.
"""
import os
import re
import sys
import xml.etree.ElementTree as ET
from collections import OrderedDict, defaultdict
from decimal import Decimal, ROUND_HALF_UP
from xml.sax.saxutils import escape, quoteattr

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
CODES = os.path.join(ROOT, 'schemas', 'codes', '2024')
CNS = '{urn:budgetx:codes:1}'

# ---------------------------------------------------------------- code lists

def load_names(fname):
    names = {}
    for c in ET.parse(os.path.join(CODES, fname)).getroot().iter(CNS + 'code'):
        names[c.get('value')] = c.get('name')
    return names

FUNC = load_names('function.xml')
DEP = load_names('dep-economic.xml')
GOV = load_names('gov-economic.xml')
MAP = {}
for m in ET.parse(os.path.join(CODES, 'eco-mapping.xml')).getroot().iter(CNS + 'map'):
    MAP[(m.get('dep'), m.get('unitKind'))] = m.get('gov')

# Henan 表一/表四 print every class, ordinal = code - 200.
HENAN_CLASSES = ['201', '202', '203', '204', '205', '206', '207', '208', '209', '210',
                 '211', '212', '213', '214', '215', '216', '217', '219', '220', '221',
                 '222', '223', '224', '227', '229', '230', '231', '232', '233', '234']
DIGITS = '零一二三四五六七八九'


def ordinal(n):
    """Chinese ordinal 1..99 as the tables print it (十九, 二十一)."""
    tens, ones = divmod(n, 10)
    s = ('' if tens == 0 else ('' if tens == 1 else DIGITS[tens]) + '十')
    return s + (DIGITS[ones] if ones else '')

# ---------------------------------------------------------------- funds

# Fund sources of a line and the columns they feed.
CURRENT = ['gpb', 'govFund', 'stateCapital', 'specialAccount', 'business',
           'operating', 'superior', 'subordinate', 'other']
CARRY = ['carryGpb', 'carryGovFund', 'carryStateCapital', 'carrySpecialAccount', 'carryUnit']
FISCAL = {'gpb': 'gpb', 'carryGpb': 'gpb', 'govFund': 'govFund',
          'carryGovFund': 'govFund', 'stateCapital': 'stateCapital',
          'carryStateCapital': 'stateCapital'}
# 表十 columns
T10_COL = {'gpb': 'gpb', 'govFund': 'govFund', 'stateCapital': 'stateCapital',
           'carryGpb': 'carryGpb', 'carryGovFund': 'carryGovFund',
           'carryStateCapital': 'carryStateCapital', 'specialAccount': 'specialAccount',
           'carrySpecialAccount': 'specialAccount'}
# 表七 columns
T7_COL = {'gpb': 'gpb', 'govFund': 'govFund', 'stateCapital': 'stateCapital',
          'specialAccount': 'specialAccount', 'business': 'business',
          'superior': 'superior', 'subordinate': 'subordinate',
          'operating': 'operating', 'other': 'other'}


class Line:
    def __init__(self, unit, func, dep, fund, kind, amount, project=None):
        self.unit, self.func, self.dep, self.fund = unit, func, dep, fund
        self.kind, self.amount, self.project = kind, amount, project

    @property
    def basic(self):
        return self.kind == 'basic'

# ---------------------------------------------------------------- numbers


class Num:
    """Formatting of integer amounts in the smallest displayed unit."""

    def __init__(self, decimals, text_scale=1, text_decimals=None):
        self.d = decimals
        self.text_scale = text_scale          # table unit -> narrative unit divisor
        self.td = decimals if text_decimals is None else text_decimals

    def fmt(self, v, d=None):
        d = self.d if d is None else d
        if d == 0:
            return str(v)
        sign = '-' if v < 0 else ''
        q, r = divmod(abs(v), 10 ** d)
        return f'{sign}{q}.{r:0{d}d}'

    def text(self, v):
        """The figure as the narrative prints it (converted, half-up)."""
        if self.text_scale == 1:
            return self.fmt(v)
        x = (Decimal(v) / Decimal(self.text_scale)).quantize(
            Decimal(1).scaleb(-self.td), rounding=ROUND_HALF_UP)
        return f'{x:.{self.td}f}'


def pct(a, b):
    x = (Decimal(a) * 100 / Decimal(b)).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)
    return f'{x:.1f}'

# ---------------------------------------------------------------- XML writer


class W:
    def __init__(self):
        self.out = []

    def __call__(self, depth, s):
        self.out.append('  ' * depth + s)

    def text(self):
        return '\n'.join(self.out) + '\n'


def A(**kw):
    return ' '.join(f'{k.rstrip("_")}={quoteattr(str(v))}' for k, v in kw.items() if v is not None)


def cols(names, values, n):
    return ' '.join(f'{c}="{n.fmt(values.get(c, 0))}"' for c in names)

# ---------------------------------------------------------------- aggregation


def t3_split(lines, kinds):
    """表三-shaped columns for a set of lines."""
    v = defaultdict(int)
    for ln in lines:
        v['total'] += ln.amount
        if ln.basic:
            v['basic'] += ln.amount
            cls = ln.dep[:3]
            key = {'301': 'wages', '303': 'family', '302': 'goods'}.get(cls, 'capital')
            v[key] += ln.amount
        else:
            v['project'] += ln.amount
            v[kinds[ln.kind]] += ln.amount
    return v


T3C = ['total', 'basic', 'wages', 'family', 'goods', 'capital', 'project',
       'projectOperating', 'projectSpecific']
T3K = {'其他运转类': 'projectOperating', '特定目标类': 'projectSpecific'}
T13C = ['total', 'basic', 'wages', 'goods', 'family', 'capital', 'project',
        'projectSocial', 'projectDebt', 'projectConstruction', 'projectOther']
T13K = {'特定目标类': 'projectSocial', '其他运转类': 'projectOther'}
T2C = ['total', 'currentTotal', 'gpb', 'gpbFiscal', 'govFund', 'stateCapital',
       'specialAccount', 'business', 'operating', 'superior', 'subordinate', 'other',
       'reserve', 'carryTotal', 'carryGpb', 'carryGovFund', 'carryStateCapital',
       'carrySpecialAccount', 'carryUnit']
T7C = ['total', 'gpb', 'gpbFiscal', 'govFund', 'stateCapital', 'carry', 'specialAccount',
       'business', 'superior', 'subordinate', 'operating', 'other']
T10C = ['total', 'gpb', 'govFund', 'stateCapital', 'carryGpb', 'carryGovFund',
        'carryStateCapital', 'specialAccount', 'unitFunds']


def income_cols(lines):
    v = defaultdict(int)
    for ln in lines:
        v['total'] += ln.amount
        if ln.fund in CURRENT:
            v['currentTotal'] += ln.amount
            v[ln.fund] += ln.amount
            if ln.fund == 'gpb':
                v['gpbFiscal'] += ln.amount
        elif ln.fund == 'reserve':
            v['reserve'] += ln.amount
        else:
            v['carryTotal'] += ln.amount
            v[ln.fund] += ln.amount
    return v


def t7_cols(lines):
    v = defaultdict(int)
    for ln in lines:
        v['total'] += ln.amount
        if ln.fund in CARRY:
            v['carry'] += ln.amount
        else:
            v[T7_COL[ln.fund]] += ln.amount
        if ln.fund == 'gpb':
            v['gpbFiscal'] += ln.amount
    return v


def t10_cols(lines):
    v = defaultdict(int)
    for ln in lines:
        v['total'] += ln.amount
        v[T10_COL.get(ln.fund, 'unitFunds')] += ln.amount
    return v


def fiscal_cols(lines):
    v = defaultdict(int)
    for ln in lines:
        if ln.fund in FISCAL:
            v['total'] += ln.amount
            v[FISCAL[ln.fund]] += ln.amount
            if FISCAL[ln.fund] == 'gpb':
                v['gpbFiscal'] += ln.amount
    return v


def fund_split(lines):
    """(government budget funds, special account, unit funds) for 表十一/表十二."""
    g = sum(ln.amount for ln in lines if ln.fund in FISCAL)
    s = sum(ln.amount for ln in lines if ln.fund in ('specialAccount', 'carrySpecialAccount'))
    return g, s, sum(ln.amount for ln in lines) - g - s


def s(lines, pred=lambda ln: True):
    return sum(ln.amount for ln in lines if pred(ln))

# ---------------------------------------------------------------- department


class Dept:
    def __init__(self, spec):
        self.codes = True
        self.units_listed = True
        self.flat = False
        self.income_by_func = False
        self.fiscal_row = False
        self.exp_cols = None
        self.t2_cols = None
        self.tp_unit = None
        self.__dict__.update(spec)
        self.units = OrderedDict((u[0], u) for u in self.unit_list)
        self.lines = [Line(*l[:6], project=(l[6] if len(l) > 6 else None)) for l in self.line_list]
        for ln in self.lines:
            assert ln.func in FUNC, ln.func
            assert ln.dep in DEP, ln.dep
            assert ln.unit in self.units, ln.unit

    def unit_kind(self, unit):
        return '事业' if self.units[unit][2] == '事业' else '机关'

    def gov(self, ln):
        return MAP[(ln.dep, self.unit_kind(ln.unit))]

    def of_unit(self, lines, u):
        return [ln for ln in lines if ln.unit == u]

    # --- function rows, optionally nested 类 > 款 > 项
    def func_rows(self, w, depth, lines, colnames, kinds, nested, values=None):
        if values is not None:
            t3_split = lambda ls, k: values(ls)     # noqa: E731
        else:
            t3_split = globals()['t3_split']
        by_item = OrderedDict()
        for f in sorted({ln.func for ln in lines}):
            by_item[f] = [ln for ln in lines if ln.func == f]
        if not nested:
            for f, ls in by_item.items():
                w(depth, f'<func {A(code=f, name=FUNC[f])} {cols(colnames, t3_split(ls, kinds), self.n)}/>')
            return
        for c in sorted({f[:3] for f in by_item}):
            cl = [ln for ln in lines if ln.func[:3] == c]
            w(depth, f'<func {A(code=c, name=FUNC[c])} {cols(colnames, t3_split(cl, kinds), self.n)}>')
            for k in sorted({f[:5] for f in by_item if f[:3] == c}):
                kl = [ln for ln in lines if ln.func[:5] == k]
                w(depth + 1, f'<func {A(code=k, name=FUNC[k])} {cols(colnames, t3_split(kl, kinds), self.n)}>')
                for f in sorted(x for x in by_item if x[:5] == k):
                    w(depth + 2, f'<func {A(code=f, name=FUNC[f])} {cols(colnames, t3_split(by_item[f], kinds), self.n)}/>')
                w(depth + 1, '</func>')
            w(depth, '</func>')

    def exp_table(self, w, tag, no, title, lines, notes, empty_note,
                  colnames=T3C, kinds=T3K):
        colnames = self.exp_cols or colnames
        w(2, f'<{tag} {A(no=no, title=title, deptName=self.name)}>')
        w(3, f'<total name="合计" {cols(colnames, t3_split(lines, kinds), self.n)}/>')
        if lines and self.flat:
            self.func_rows(w, 3, lines, colnames, kinds, self.nested)
        elif lines:
            w(3, f'<dept {A(code=self.code, name=self.name)} {cols(colnames, t3_split(lines, kinds), self.n)}>')
            for u in self.units:
                ul = self.of_unit(lines, u)
                if not ul:
                    continue
                w(4, f'<unit {A(code=u, name=self.units[u][1])} {cols(colnames, t3_split(ul, kinds), self.n)}>')
                self.func_rows(w, 5, ul, colnames, kinds, self.nested)
                w(4, '</unit>')
            w(3, '</dept>')
        for t in notes:
            w(3, f'<note>{escape(t)}</note>')
        if not lines and empty_note:
            w(3, f'<emptyNote>{escape(empty_note)}</emptyNote>')
        w(2, f'</{tag}>')

    # --- economic rows
    def eco_pairs(self, lines):
        pairs = OrderedDict()
        for ln in sorted(lines, key=lambda x: (x.dep, self.gov(x))):
            pairs.setdefault((ln.dep, self.gov(ln)), []).append(ln)
        return pairs

    def eco_row(self, w, depth, dep, gov, colvals, colnames, close=True):
        a = A(dep=dep, depName=DEP[dep], gov=gov, govName=GOV[gov] if gov else None)
        w(depth, f'<eco {a} {cols(colnames, colvals, self.n)}{"/" if close else ""}>')

    # --- the whole document
    def build(self):
        w = W()
        self.w = w
        w(0, '<?xml version="1.0" encoding="UTF-8"?>')
        w(0, f'<!-- {self.comment} Generated by samples/tools/gen_examples.py. -->')
        w(0, '<disclosure xmlns="urn:budgetx:disclosure:1" formatVersion="1.0">')
        self.metadata(w)
        self.overview(w)
        self.explanation(w)
        self.glossary(w)
        if not self.tables:     # published as pictures: nothing to read
            w(1, '<tables/>')
        else:
            w(1, '<tables>')
            for t in self.tables:
                getattr(self, 't_' + t)(w)
            w(1, '</tables>')
        w(0, '</disclosure>')
        return w.text()

    def metadata(self, w):
        w(1, '<metadata>')
        w(2, f'<title>{self.title}</title>')
        if self.codes:
            w(2, f'<mofDivCode>{self.mof}</mofDivCode>')
        w(2, '<fiscalYear>2024</fiscalYear>')
        dcode = self.code if self.codes else None
        w(2, f'<department {A(code=dcode, name=self.name, shortName=self.short)}/>')
        if self.units_listed:
            w(2, '<units>')
            for code, name, typ, level in self.units.values():
                w(3, f'<unit {A(code=code if self.codes else None, name=name, type=typ, level=level)}/>')
            w(2, '</units>')
        w(2, f'<profile>{self.profile}</profile>')
        w(2, f'<published>{self.published}</published>')
        w(2, f'<amounts unit="{self.unit}" decimals="{self.n.d}"/>')
        w(1, '</metadata>')

    def overview(self, w):
        w(1, f'<overview title="{self.short}概况">')
        w(2, '<duties title="主要职责">')
        for d in self.duties:
            w(3, f'<duty>{escape(d)}</duty>')
        w(2, '</duties>')
        w(2, '<composition title="部门预算单位构成情况">')
        for p in self.composition:
            w(3, f'<para>{p}</para>')
        w(2, '</composition>')
        w(1, '</overview>')

    def glossary(self, w):
        w(1, '<glossary title="名词解释">')
        for i, (name, text) in enumerate(self.terms, 1):
            w(2, f'<term {A(no=ordinal(i), name=name)}>{escape(text)}</term>')
        w(1, '</glossary>')

    # ---- narrative helpers
    def fig(self, of, v, role=None, base=None, value=None, unit=None, **kw):
        if role in ('share', 'rate'):
            txt = v
        elif role == 'count':
            txt = str(v)
        else:
            txt = self.n.text(v)
            if self.n.text_scale != 1 and unit is None:
                unit = '万元'     # narrative in 万元, tables in 元
        return f'<fig {A(of=of, role=role, base=base, value=value, unit=unit, **kw)}>{txt}</fig>'

    def chg(self, of, cur, prior):
        """'增加X万元，增长Y%' / '减少X万元，下降Y%' / '无增减变动' with tagged figures.

        No growth rate is printed when the prior-year amount is zero."""
        d = cur - prior
        if d == 0:
            return f'<fig {A(of=of, role="change", value="0")}>无增减变动</fig>'
        word, rword = ('增加', '增长') if d > 0 else ('减少', '下降')
        t = self.n.text(abs(d))
        out = f'{word}' + self.fig(of, abs(d), role='change', value=None if d > 0 else '-' + t) + '万元'
        if prior != 0:
            r = pct(abs(d), prior)
            out += f'，{rword}' + self.fig(of, r, role='rate', value=None if d > 0 else '-' + r) + '%'
        return out

    def explanation(self, w):
        w(1, f'<explanation title="{self.short}2024年部门预算情况说明">')
        for key, no, title, paras in narrative(self):
            self.section(w, 2, key, no, title, paras)
        w(1, '</explanation>')

    def section(self, w, depth, key, no, title, content):
        w(depth, f'<section {A(key=key, no=no, title=title)}>')
        for c in content:
            if isinstance(c, tuple) and c[0] == 'section':
                self.section(w, depth + 1, *c[1:])
            elif isinstance(c, tuple) and c[0] == 'item':
                w(depth + 1, f'<item {A(no=c[1], func=c[2])}>')
                w(depth + 2, f'<para>{c[3]}</para>')
                w(depth + 1, '</item>')
            else:
                w(depth + 1, f'<para>{c}</para>')
        w(depth, '</section>')

    # ---- derived quantities used by the narrative
    def q(self):
        L = self.lines
        gpb = [ln for ln in L if ln.fund == 'gpb']
        gb = [ln for ln in gpb if ln.basic]
        return dict(
            total=s(L),
            current=s(L, lambda ln: ln.fund in CURRENT),
            carry=s(L, lambda ln: ln.fund in CARRY),
            reserve=s(L, lambda ln: ln.fund == 'reserve'),
            basic=s(L, lambda ln: ln.basic), project=s(L, lambda ln: not ln.basic),
            gpb=s(gpb), gpb_basic=s(gb), gpb_project=s(gpb, lambda ln: not ln.basic),
            personnel=s(gb, lambda ln: ln.dep[:3] in ('301', '303')),
            public=s(gb, lambda ln: ln.dep[:3] not in ('301', '303')),
            all_personnel=s(L, lambda ln: ln.basic and ln.dep[:3] in ('301', '303')),
            all_public=s(L, lambda ln: ln.basic and ln.dep[:3] not in ('301', '303')),
            govFund=s(L, lambda ln: FISCAL.get(ln.fund) == 'govFund'),
            stateCapital=s(L, lambda ln: FISCAL.get(ln.fund) == 'stateCapital'),
            fiscal_gpb=s(L, lambda ln: FISCAL.get(ln.fund) == 'gpb'),
            abroad=s(gpb, lambda ln: ln.dep == '30212'),
            reception=s(gpb, lambda ln: ln.dep == '30217'),
            vop=s(gpb, lambda ln: ln.dep == '30231'),
            vbuy=s(gpb, lambda ln: ln.dep in ('31013', '30913')),
            office=s(gb, lambda ln: ln.dep[:3] in ('302', '310')
                     and self.units[ln.unit][2] in ('行政', '参公')),
        )

    def by_fund(self, f):
        return s(self.lines, lambda ln: ln.fund == f)

    # ================================================================ tables
    def t_budgetSummary(self, w):
        n, L = self.n, self.lines
        no, title = self.table_names['budgetSummary']
        w(2, f'<budgetSummary {A(no=no, title=title, deptName=self.name)}>')
        w(3, '<income>')
        rows = [('gpb', '一、一般公共预算', 'gpb'), ('gpbFiscal', '其中：财政拨款', 'gpb'),
                ('govFund', '二、政府性基金预算拨款收入', 'govFund'),
                ('stateCapital', '三、国有资本经营预算拨款收入', 'stateCapital'),
                ('specialAccount', '四、财政专户管理资金收入', 'specialAccount'),
                ('business', '五、事业收入', 'business'), ('operating', '六、事业单位经营收入', 'operating'),
                ('superior', '七、上级补助收入', 'superior'), ('subordinate', '八、附属单位上缴收入', 'subordinate'),
                ('other', '九、其他收入', 'other')]
        if self.fiscal_row:
            fiscal = sum(self.by_fund(f) for f in ('gpb', 'govFund', 'stateCapital'))
            w(4, f'<fiscal label="一、财政拨款收入" amount="{n.fmt(fiscal)}"/>')
            rows = [('gpb', '1.一般公共预算资金', 'gpb'),
                    ('govFund', '2.政府性基金', 'govFund'),
                    ('stateCapital', '3.国有资本经营预算', 'stateCapital'),
                    ('specialAccount', '二、财政专户管理资金收入', 'specialAccount'),
                    ('business', '三、事业收入', 'business'),
                    ('operating', '四、事业单位经营收入', 'operating'),
                    ('other', '五、其他收入', 'other')]
        for el, label, f in rows:
            w(4, f'<{el} label="{label}" amount="{n.fmt(self.by_fund(f))}"/>')
        q = self.q()
        w(4, f'<currentTotal label="本年收入合计" amount="{n.fmt(q["current"])}"/>')
        w(4, f'<carryForward label="上年结转结余" amount="{n.fmt(q["carry"])}"/>')
        if self.has_reserve:
            w(4, f'<reserve label="用事业基金弥补收支差额" amount="{n.fmt(q["reserve"])}"/>')
        w(4, f'<grandTotal label="收入总计" amount="{n.fmt(q["total"])}"/>')
        w(3, '</income>')
        w(3, '<expenditure>')
        for c in self.t1_classes():
            amt = s(L, lambda ln: ln.func[:3] == c)
            name = FUNC[c]
            if self.henan:      # 表一 drops “支出” for 201-216, 223, 224 (as the seed does)
                short = name[:-2] if (c < '217' or c in ('223', '224')) and name.endswith('支出') else name
                label = f'{ordinal(int(c) - 200)}、{short}'
            else:
                label = name
            w(4, f'<class code="{c}" label="{label}" amount="{n.fmt(amt)}"/>')
        w(4, f'<currentTotal label="本年支出合计" amount="{n.fmt(q["total"])}"/>')
        w(4, '<carryOver label="年终结转结余" amount="0"/>')
        w(4, f'<grandTotal label="支出总计" amount="{n.fmt(q["total"])}"/>')
        w(3, '</expenditure>')
        w(3, f'<note>{self.note}</note>')
        w(2, '</budgetSummary>')

    def t1_classes(self):
        used = sorted({ln.func[:3] for ln in self.lines})
        return HENAN_CLASSES if self.henan else used

    def t_incomeSummary(self, w):
        n = self.n
        names = [c for c in T2C if c != 'reserve' or self.has_reserve]
        names = self.t2_cols or names
        no, title = self.table_names['incomeSummary']
        w(2, f'<incomeSummary {A(no=no, title=title, deptName=self.name)}>')
        w(3, f'<total name="合计" {cols(names, income_cols(self.lines), n)}/>')
        if self.income_by_func:
            self.func_rows(w, 3, self.lines, names, None, True, values=income_cols)
            w(3, f'<note>{self.note}</note>')
            w(2, '</incomeSummary>')
            return
        w(3, f'<dept {A(code=self.code, name=self.name)} {cols(names, income_cols(self.lines), n)}>')
        for u in self.units:
            w(4, f'<unit {A(code=u, name=self.units[u][1])} {cols(names, income_cols(self.of_unit(self.lines, u)), n)}/>')
        w(3, '</dept>')
        w(3, f'<note>{self.note}</note>')
        w(2, '</incomeSummary>')

    def t_expenditureSummary(self, w):
        self.exp_table(w, 'expenditureSummary', *self.table_names['expenditureSummary'],
                       self.lines, [self.note], None)

    def t_gpbExpenditure(self, w):
        self.exp_table(w, 'gpbExpenditure', *self.table_names['gpbExpenditure'],
                       [ln for ln in self.lines if ln.fund == 'gpb'],
                       [self.note, '本表仅含当年财政拨款安排的支出。'], None)

    def t_govFundExpenditure(self, w):
        ls = [ln for ln in self.lines if FISCAL.get(ln.fund) == 'govFund']
        self.exp_table(w, 'govFundExpenditure', *self.table_names['govFundExpenditure'], ls,
                       [self.note], '本部门2024年度没有政府性基金预算支出，故本表无数据。')

    def t_stateCapitalExpenditure(self, w):
        ls = [ln for ln in self.lines if FISCAL.get(ln.fund) == 'stateCapital']
        self.exp_table(w, 'stateCapitalExpenditure', *self.table_names['stateCapitalExpenditure'], ls,
                       [self.note], '本部门2024年度没有国有资本经营预算支出，故本表无数据。',
                       colnames=T13C, kinds=T13K)

    def t_fiscalSummary(self, w):
        n, L = self.n, self.lines
        no, title = self.table_names['fiscalSummary']
        w(2, f'<fiscalSummary {A(no=no, title=title, deptName=self.name)}>')
        w(3, '<income>')
        cur = {f: self.by_fund(f) for f in ('gpb', 'govFund', 'stateCapital')}
        car = {f: self.by_fund(f) for f in ('carryGpb', 'carryGovFund', 'carryStateCapital')}
        rows = [('current', '一、本年收入', sum(cur.values())),
                ('currentGpb', '（一）一般公共预算拨款', cur['gpb']),
                ('currentGpbFiscal', '其中：财政拨款', cur['gpb']),
                ('currentGovFund', '（二）政府性基金预算拨款', cur['govFund']),
                ('currentStateCapital', '（三）国有资本经营预算拨款', cur['stateCapital']),
                ('carry', '二、上年结转', sum(car.values())),
                ('carryGpb', '（一）一般公共预算拨款', car['carryGpb']),
                ('carryGovFund', '（二）政府性基金预算拨款', car['carryGovFund']),
                ('carryStateCapital', '（三）国有资本经营预算拨款', car['carryStateCapital']),
                ('grandTotal', '收入合计', sum(cur.values()) + sum(car.values()))]
        for el, label, v in rows:
            w(4, f'<{el} label="{label}" amount="{n.fmt(v)}"/>')
        w(3, '</income>')
        w(3, '<expenditure>')
        FC = ['total', 'gpb', 'gpbFiscal', 'govFund', 'stateCapital']
        if self.flat:       # these templates print no 其中：财政拨款 column
            FC.remove('gpbFiscal')
        w(4, f'<current label="一、本年支出" {cols(FC, fiscal_cols(L), n)}/>')
        for c in self.t1_classes():
            ls = [ln for ln in L if ln.func[:3] == c]
            label = f'（{ordinal(int(c) - 200)}）{FUNC[c]}' if self.henan else FUNC[c]
            w(4, f'<class code="{c}" label="{label}" {cols(FC, fiscal_cols(ls), n)}/>')
        w(4, f'<carryOver label="二、年终结转结余" {cols(FC, {}, n)}/>')
        w(4, f'<grandTotal label="支出合计" {cols(FC, fiscal_cols(L), n)}/>')
        w(3, '</expenditure>')
        w(3, f'<note>{self.note}</note>')
        w(2, '</fiscalSummary>')

    def t_gpbBasic(self, w):
        n = self.n
        gb = [ln for ln in self.lines if ln.fund == 'gpb' and ln.basic]
        BC = ['total', 'personnel', 'public']

        def bc(ls):
            p = s(ls, lambda ln: ln.dep[:3] in ('301', '303'))
            return {'total': s(ls), 'personnel': p, 'public': s(ls) - p}
        no, title = self.table_names['gpbBasic']
        w(2, f'<gpbBasic {A(no=no, title=title, deptName=self.name)}>')
        w(3, f'<total name="合计" {cols(BC, bc(gb), n)}/>')
        if self.flat:       # 类 subtotal rows holding 款 rows, for the whole department
            for cls in sorted({ln.dep[:3] for ln in gb}):
                cl = [ln for ln in gb if ln.dep[:3] == cls]
                w(3, f'<eco {A(dep=cls, depName=DEP[cls])} {cols(BC, bc(cl), n)}>')
                for dep in sorted({ln.dep for ln in cl}):
                    dl = [ln for ln in cl if ln.dep == dep]
                    w(4, f'<eco {A(dep=dep, depName=DEP[dep])} {cols(BC, bc(dl), n)}/>')
                w(3, '</eco>')
        elif self.t6_by_unit:
            w(3, f'<dept {A(code=self.code, name=self.name)} {cols(BC, bc(gb), n)}>')
            for u in self.units:
                ul = self.of_unit(gb, u)
                w(4, f'<unit {A(code=u, name=self.units[u][1])} {cols(BC, bc(ul), n)}>')
                for (dep, gov), ls in self.eco_pairs(ul).items():
                    self.eco_row(w, 5, dep, gov, bc(ls), BC)
                w(4, '</unit>')
            w(3, '</dept>')
        else:       # unit rows holding 类 subtotal rows holding (部门经济款, 政府经济款) pairs
            for u in self.units:
                ul = self.of_unit(gb, u)
                w(3, f'<unit {A(code=u, name=self.units[u][1])} {cols(BC, bc(ul), n)}>')
                for cls in sorted({ln.dep[:3] for ln in ul}):
                    cl = [ln for ln in ul if ln.dep[:3] == cls]
                    self.eco_row(w, 4, cls, None, bc(cl), BC, close=False)
                    for (dep, gov), ls in self.eco_pairs(cl).items():
                        self.eco_row(w, 5, dep, gov, bc(ls), BC)
                    w(4, '</eco>')
                w(3, '</unit>')
        w(3, f'<note>{self.note}</note>')
        w(2, '</gpbBasic>')

    def t_economicSummary(self, w):
        n = self.n
        no, title = self.table_names['economicSummary']
        w(2, f'<economicSummary {A(no=no, title=title, deptName=self.name)}>')
        w(3, f'<total name="合计" {cols(T7C, t7_cols(self.lines), n)}/>')
        w(3, f'<dept {A(code=self.code, name=self.name)} {cols(T7C, t7_cols(self.lines), n)}>')
        for u in self.units:
            ul = self.of_unit(self.lines, u)
            w(4, f'<unit {A(code=u, name=self.units[u][1])} {cols(T7C, t7_cols(ul), n)}>')
            for (dep, gov), ls in self.eco_pairs(ul).items():
                self.eco_row(w, 5, dep, gov, t7_cols(ls), T7C)
            w(4, '</unit>')
        w(3, '</dept>')
        w(3, f'<note>{self.note}</note>')
        w(2, '</economicSummary>')

    def t_threePublic(self, w):
        n, q = self.n, self.q()
        v = {'total': q['abroad'] + q['reception'] + q['vop'] + q['vbuy'], 'abroad': q['abroad'],
             'vehicle': q['vop'] + q['vbuy'], 'vehiclePurchase': q['vbuy'],
             'vehicleOperation': q['vop'], 'reception': q['reception'], 'officeOperation': q['office']}
        names = ['total', 'abroad', 'vehicle', 'vehiclePurchase', 'vehicleOperation', 'reception']
        if self.office_column:
            names.append('officeOperation')
        no, title = self.table_names['threePublic']
        unit = dec = None
        if self.tp_unit:        # printed in 万元 while the other tables are in 元
            unit, dec = self.tp_unit
            assert all(x % 100 == 0 for x in v.values()), v
            v = {k: x // 100 for k, x in v.items()}
            n = Num(dec)
        w(2, f'<threePublic {A(no=no, title=title, deptName=self.name, unit=unit, decimals=dec)}>')
        w(3, f'<row name="合计" {cols(names, v, n)}/>')
        w(3, f'<note>{self.note.replace("为元", "为" + unit) if unit else self.note}</note>')
        w(2, '</threePublic>')

    def projects(self):
        pr = OrderedDict()
        for ln in self.lines:
            if ln.project:
                pr.setdefault(ln.project, []).append(ln)
        return pr

    def t_projectExpenditure(self, w):
        n, pr = self.n, self.projects()
        pl = [ln for ln in self.lines if not ln.basic]
        no, title = self.table_names['projectExpenditure']
        w(2, f'<projectExpenditure {A(no=no, title=title, deptName=self.name)}>')
        w(3, f'<total name="合计" {cols(T10C, t10_cols(pl), n)}/>')
        w(3, f'<dept {A(code=self.code, name=self.name)} {cols(T10C, t10_cols(pl), n)}>')
        for u in self.units:
            ul = self.of_unit(pl, u)
            w(4, f'<unit {A(code=u, name=self.units[u][1])} {cols(T10C, t10_cols(ul), n)}>')
            for name, ls in pr.items():
                if ls[0].unit != u:
                    continue
                p = self.project_info[name]
                w(5, f'<project {A(kind=ls[0].kind, code=p["code"], name=name, unitName=self.units[u][1])} '
                     f'{cols(T10C, t10_cols(ls), n)}/>')
            w(4, '</unit>')
        w(3, '</dept>')
        w(3, f'<note>{self.note}</note>')
        w(2, '</projectExpenditure>')

    def t_deptPerformance(self, w):
        n, q = self.n, self.q()
        g, sa, uf = fund_split(self.lines)
        no, title = self.table_names['deptPerformance']
        w(2, f'<deptPerformance {A(no=no, title=title, deptName=self.name, period="2024年度")}>')
        w(3, f'<annualGoal>{self.annual_goal}</annualGoal>')
        w(3, '<tasks>')
        for name, text in self.tasks:
            w(4, f'<task name="{name}">{text}</task>')
        w(3, '</tasks>')
        w(3, f'<budget total="{n.fmt(q["total"])}" govFunds="{n.fmt(g)}" specialAccount="{n.fmt(sa)}" '
             f'unitFunds="{n.fmt(uf)}" basic="{n.fmt(q["basic"])}" project="{n.fmt(q["project"])}"/>')
        w(3, '<indicators>')
        for l1, l2s in self.dept_indicators:
            w(4, f'<level1 name="{l1}">')
            for l2, inds in l2s:
                w(5, f'<level2 name="{l2}">')
                for name, value, parsed, expl in inds:
                    w(6, f'<indicator name="{name}">')
                    w(7, value_xml(value, parsed))
                    if expl:
                        w(7, f'<explanation>{expl}</explanation>')
                    w(6, '</indicator>')
                w(5, '</level2>')
            w(4, '</level1>')
        w(3, '</indicators>')
        w(2, '</deptPerformance>')

    def t_projectPerformance(self, w):
        n, pr = self.n, self.projects()

        def fc(ls):
            g, sa, uf = fund_split(ls)
            return (f'total="{n.fmt(s(ls))}" govFunds="{n.fmt(g)}" specialAccount="{n.fmt(sa)}" '
                    f'unitFunds="{n.fmt(uf)}"')
        pl = [ln for ln in self.lines if not ln.basic]
        no, title = self.table_names['projectPerformance']
        w(2, f'<projectPerformance {A(no=no, title=title, deptName=self.name)}>')
        w(3, f'<dept {A(code=self.code, name=self.name)} {fc(pl)}>')
        for u in self.units:
            ul = self.of_unit(pl, u)
            w(4, f'<unit {A(code=u, name=self.units[u][1])} {fc(ul)}>')
            for name, ls in pr.items():
                if ls[0].unit != u:
                    continue
                p = self.project_info[name]
                w(5, f'<project {A(code=p["code"], name=name)} {fc(ls)}>')
                for cat, iname, value, parsed in p['indicators']:
                    w(6, f'<indicator {A(category=cat, name=iname)}>{value_xml(value, parsed)}</indicator>')
                w(5, '</project>')
            w(4, '</unit>')
        w(3, '</dept>')
        w(2, '</projectPerformance>')

    def t_procurement(self, w):
        n = self.n
        no, title = self.table_names['procurement']
        w(2, f'<procurement {A(no=no, title=title, deptName=self.name)}>')
        w(3, f'<total name="合计" amount="{n.fmt(sum(i["amount"] for i in self.purchases))}"/>')
        for i in self.purchases:
            w(3, f'<item {A(func=i["func"], unitName=self.units[i["unit"]][1], name=i["name"], catalogue=i["catalogue"], spec=i["spec"], measure=i["measure"], quantity=i["quantity"], amount=n.fmt(i["amount"]), category=i["category"])}/>')
        w(3, '<note>注：若合计数与分项数不一致是因四舍五入的原因引起的。</note>')
        w(2, '</procurement>')


def value_xml(value, parsed):
    if not parsed:
        return f'<value>{escape(value)}</value>'
    op, num, unit = parsed
    return f'<value {A(op=op, num=num, unit=unit)}>{escape(value)}</value>'


def P(value):
    """Parse an indicator value like the seed's: ≥95% -> (ge, 95, %)."""
    m = re.match(r'^(≤|≥|<|>|=)?([0-9]+(?:\.[0-9]+)?)(.*)$', value)
    if not m:
        return value, None
    op = {'≤': 'le', '≥': 'ge', '<': 'lt', '>': 'gt', '=': 'eq', None: None}[m.group(1)]
    return value, (op, m.group(2), m.group(3) or None)


# ================================================================ narrative


def short_class(c):
    name = FUNC[c]
    return name[:-2] if name.endswith('支出') else name


def narrative(d):
    """The sections of 第二部分 as (key, no, title, content) tuples."""
    q, f, n, name, pr = d.q(), d.fig, d.n, d.short, d.prior
    gpb = [ln for ln in d.lines if ln.fund == 'gpb']
    prior_gpb = sum(pr['func'].get(x, 0) for x in pr['func'])
    prior_total = prior_gpb + pr['nonGpb']
    reason = pr['reason']
    secs = []
    no = iter(ordinal(i) for i in range(1, 20))

    secs.append(('overall', next(no), '收入支出预算总体情况说明', [
        f'{name}2024年收入总计{f("income.total", q["total"])}万元，支出总计'
        f'{f("expenditure.total", q["total"])}万元，与2023年预算相比，收入'
        f'{d.chg("income.total", q["total"], prior_total)}，主要原因：{reason}；支出'
        f'{d.chg("expenditure.total", q["total"], prior_total)}，主要原因：{reason}。']))

    parts = [('一般公共预算', 'income.gpb', 'gpb'), ('政府性基金预算拨款收入', 'income.govFund', 'govFund'),
             ('国有资本经营预算拨款收入', 'income.stateCapital', 'stateCapital'),
             ('财政专户管理资金收入', 'income.specialAccount', 'specialAccount'),
             ('事业收入', 'income.business', 'business'), ('事业单位经营收入', 'income.operating', 'operating'),
             ('上级补助收入', 'income.superior', 'superior'), ('附属单位上缴收入', 'income.subordinate', 'subordinate'),
             ('其他收入', 'income.other', 'other')]
    txt = '；'.join(f'{lab}{f(key, d.by_fund(fund))}万元' for lab, key, fund in parts)
    txt += f'；上年结转结余{f("income.carryForward", q["carry"])}万元'
    if d.has_reserve:
        txt += f'；用事业基金弥补收支差额{f("income.reserve", q["reserve"])}万元'
    secs.append(('income', next(no), '收入预算总体情况说明', [
        f'{name}2024年收入总计{f("income.total", q["total"])}万元，其中：{txt}。']))

    secs.append(('expenditure', next(no), '支出预算总体情况说明', [
        f'{name}2024年本年支出合计{f("expenditure.current", q["total"])}万元，其中：基本支出'
        f'{f("expenditure.basic", q["basic"])}万元，占'
        f'{f("expenditure.basic", pct(q["basic"], q["total"]), role="share", base="expenditure.current")}%；'
        f'项目支出{f("expenditure.project", q["project"])}万元，占'
        f'{f("expenditure.project", pct(q["project"], q["total"]), role="share", base="expenditure.current")}%。']))

    fiscal_total = q['fiscal_gpb'] + q['govFund'] + q['stateCapital']
    secs.append(('fiscal', next(no), '财政拨款收入支出总体情况说明', [
        f'{name}2024年财政拨款收支总预算{f("fiscal.total", fiscal_total)}万元，其中：一般公共预算收支预算'
        f'{f("fiscal.gpb", q["fiscal_gpb"])}万元，政府性基金收支预算{f("fiscal.govFund", q["govFund"])}万元，'
        f'国有资本经营收支预算{f("fiscal.stateCapital", q["stateCapital"])}万元。与2023年预算相比，'
        f'一般公共预算收支预算{d.chg("fiscal.gpb", q["fiscal_gpb"], prior_gpb)}，主要原因：{reason}。']))

    scale = (f'{name}2024年一般公共预算支出年初预算为{f("gpb.total", q["gpb"])}万元。与2023年预算相比，'
             f'{d.chg("gpb.total", q["gpb"], prior_gpb)}，主要原因：{reason}。其中：基本支出'
             f'{f("gpb.basic", q["gpb_basic"])}万元，占'
             f'{f("gpb.basic", pct(q["gpb_basic"], q["gpb"]), role="share", base="gpb.total")}%；项目支出'
             f'{f("gpb.project", q["gpb_project"])}万元，占'
             f'{f("gpb.project", pct(q["gpb_project"], q["gpb"]), role="share", base="gpb.total")}%。')
    classes = sorted({ln.func[:3] for ln in gpb})
    struct = '；'.join(
        f'{short_class(c)}（类）支出{f("gpb.class." + c, s(gpb, lambda ln: ln.func[:3] == c))}万元，占'
        f'{f("gpb.class." + c, pct(s(gpb, lambda ln: ln.func[:3] == c), q["gpb"]), role="share", base="gpb.total")}%'
        for c in classes)
    items = []
    for i, fc in enumerate(sorted({ln.func for ln in gpb}), 1):
        cur = s(gpb, lambda ln: ln.func == fc)
        prior = pr['func'].get(fc, cur)
        why = '' if cur == prior else '，主要原因：' + pr['funcReason'].get(fc, pr['itemReason']).rstrip('。')
        items.append(('item', str(i), fc,
                      f'{short_class(fc[:3])}支出（类）{FUNC[fc[:5]]}（款）{FUNC[fc]}（项）。2024年预算数为'
                      f'{f("gpb.func." + fc, cur)}万元，与2023年预算相比，{d.chg("gpb.func." + fc, cur, prior)}{why}。'))
    secs.append(('gpbExpenditure', next(no), '一般公共预算支出情况说明', [
        ('section', 'gpbScale', '（一）', '一般公共预算当年预算规模变化情况', [scale]),
        ('section', 'gpbStructure', '（二）', '结构情况',
         [f'2024年一般公共预算支出年初预算为{f("gpb.total", q["gpb"])}万元。主要用于以下方面：{struct}。']),
        ('section', 'gpbItems', '（三）', '一般公共预算支出具体使用情况', items)]))

    gb = [ln for ln in gpb if ln.basic]
    pnames = list(OrderedDict.fromkeys(DEP[ln.dep] for ln in sorted(gb, key=lambda x: x.dep) if ln.dep[:3] in ('301', '303')))
    gnames = list(OrderedDict.fromkeys(DEP[ln.dep] for ln in sorted(gb, key=lambda x: x.dep) if ln.dep[:3] not in ('301', '303')))
    secs.append(('gpbBasic', next(no), '一般公共预算基本支出情况说明', [
        f'{name}2024年一般公共预算基本支出年初预算为{f("gpbBasic.total", q["gpb_basic"])}万元。其中：',
        f'人员经费{f("gpbBasic.personnel", q["personnel"])}万元，占'
        f'{f("gpbBasic.personnel", pct(q["personnel"], q["gpb_basic"]), role="share", base="gpbBasic.total")}%，'
        f'主要包括：{"、".join(pnames)}；',
        f'公用经费{f("gpbBasic.public", q["public"])}万元，占'
        f'{f("gpbBasic.public", pct(q["public"], q["gpb_basic"]), role="share", base="gpbBasic.total")}%，'
        f'主要包括：{"、".join(gnames)}。']))

    tp = pr['threePublic']
    tot = q['abroad'] + q['reception'] + q['vop'] + q['vbuy']
    ptot = sum(tp.values())

    def tp_line(label, key, cur, prior, use):
        return (f'{label}{f("threePublic." + key, cur)}万元，{use}与2023年相比，'
                f'{d.chg("threePublic." + key, cur, prior)}。')
    secs.append(('threePublic', next(no), '“三公”经费支出情况说明', [
        f'{name}2024年“三公”经费预算为{f("threePublic.total", tot)}万元，与2023年相比，'
        f'{d.chg("threePublic.total", tot, ptot)}。具体支出情况如下：',
        tp_line('（一）因公出国（境）费', 'abroad', q['abroad'], tp['abroad'], ''),
        tp_line('（二）公务接待费', 'reception', q['reception'], tp['reception'], '主要用于按规定开支的各类公务接待支出。'),
        f'（三）公务用车购置及运行费{f("threePublic.vehicle", q["vop"] + q["vbuy"])}万元，其中：'
        f'公务用车运行维护费{f("threePublic.vehicleOperation", q["vop"])}万元，与2023年相比，'
        f'{d.chg("threePublic.vehicleOperation", q["vop"], tp["vop"])}；公务用车购置费'
        f'{f("threePublic.vehiclePurchase", q["vbuy"])}万元，与2023年相比，'
        f'{d.chg("threePublic.vehiclePurchase", q["vbuy"], tp["vbuy"])}。']))

    gf = [ln for ln in d.lines if FISCAL.get(ln.fund) == 'govFund']
    if gf:
        body = '；'.join(
            f'{short_class(fc[:3])}支出（类）{FUNC[fc[:5]]}（款）{FUNC[fc]}（项）'
            f'{f("govFund.func." + fc, s(gf, lambda ln: ln.func == fc))}万元'
            for fc in sorted({ln.func for ln in gf}))
        txt = f'{name}2024年政府性基金预算支出{f("govFund.total", q["govFund"])}万元，其中：{body}。'
    else:
        txt = f'{name}2024年无使用政府性基金预算拨款安排的支出。'
    secs.append(('govFund', next(no), '政府性基金预算支出情况说明', [txt]))

    sc = [ln for ln in d.lines if FISCAL.get(ln.fund) == 'stateCapital']
    if sc:
        txt = (f'{name}2024年国有资本经营预算支出{f("stateCapital.total", q["stateCapital"])}万元，主要用于'
               f'{"、".join(OrderedDict.fromkeys(ln.project for ln in sc))}。')
        secs.append(('stateCapital', next(no), '国有资本经营预算支出情况说明', [txt]))

    other = []
    other.append(('section', 'officeOperation', '（一）', '机关运行经费支出情况', [
        f'{name}2024年机关运行经费支出预算{f("officeOperation.total", q["office"])}万元，比2023年'
        f'{d.chg("officeOperation.total", q["office"], pr["office"])}，主要原因：{pr["officeReason"]}。']))
    k = iter(ordinal(i) for i in range(2, 10))
    if 'procurement' in d.table_names:
        cat = {c: sum(i['amount'] for i in d.purchases if i['category'] == c) for c in ('goods', 'works', 'services')}
        other.append(('section', 'procurement', f'（{next(k)}）', '政府采购支出情况', [
            f'2024年政府采购预算安排{f("procurement.total", sum(cat.values()))}万元，其中：政府采购货物预算'
            f'{f("procurement.goods", cat["goods"])}万元、政府采购工程预算{f("procurement.works", cat["works"])}万元、'
            f'政府采购服务预算{f("procurement.services", cat["services"])}万元。']))
    if 'projectPerformance' in d.table_names:
        np_ = len(d.projects())
        other.append(('section', 'performance', f'（{next(k)}）', '绩效目标设置情况', [
            f'2024年{name}按要求编制了部门整体绩效目标和项目支出绩效目标。纳入预算绩效管理的支出总额为'
            f'{f("performance.total", q["total"])}万元。其中：人员经费支出{f("performance.personnel", q["all_personnel"])}万元，'
            f'公用经费支出{f("performance.public", q["all_public"])}万元；项目支出{f("performance.project", q["project"])}万元，'
            f'涉及项目{f("performance.projectCount", np_, role="count", unit="个")}个。']))
        kp = d.key_project
        other.append(('section', 'keyProjects', f'（{next(k)}）', '重点项目预算的绩效目标等情况说明', [
            f'我部门选取了2024年度{f("keyProjects.count", 1, role="count", unit="个")}个项目开展重点项目预算的绩效管理，'
            f'项目名称是{kp}，项目金额{f("keyProject.amount", s(d.projects()[kp]), project=kp)}万元。']))
    a = d.assets
    other.append(('section', 'assets', f'（{next(k)}）', '国有资产占用情况', [
        f'2023年期末，本部门共有车辆{f("assets.vehicles", sum(a[:4]), role="count", unit="辆")}辆，其中：一般公务用车'
        f'{f("assets.officialVehicles", a[0], role="count", unit="辆")}辆，一般执法执勤用车'
        f'{f("assets.enforcementVehicles", a[1], role="count", unit="辆")}辆，特种专业技术用车'
        f'{f("assets.specialVehicles", a[2], role="count", unit="辆")}辆，其他用车'
        f'{f("assets.otherVehicles", a[3], role="count", unit="辆")}辆；单价50万元以上通用设备'
        f'{f("assets.generalEquipment", a[4], role="count", unit="台（套）")}台（套），单位价值100万元以上专用设备'
        f'{f("assets.specialEquipment", a[5], role="count", unit="台（套）")}台（套）。']))
    secs.append(('other', next(no), '其他重要事项情况说明', other))
    return secs


# ================================================================ data

TERMS = [
    ('财政拨款收入', '是指本级财政当年拨付的资金；包括一般公共预算拨款、政府性基金预算拨款、国有资本经营预算拨款。'),
    ('财政专户管理资金', '是指缴入财政专户、实行专项管理的教育收费等资金。'),
    ('事业收入', '是指事业单位开展专业活动及辅助活动所取得的收入。'),
    ('事业单位经营收入', '是指事业单位在专业业务活动及其辅助活动之外开展非独立核算经营活动取得的收入。'),
    ('其他收入', '是指部门取得的除“财政拨款”、“事业收入”、“事业单位经营收入”等以外的收入。'),
    ('用事业基金弥补收支差额', '是指事业单位在当年的“财政拨款收入”、“事业收入”、“经营收入”和“其他收入”不足以安排当年支出的情况下，使用以前年度积累的事业基金弥补当年收支缺口的资金。'),
    ('上年结转结余', '是指以前年度尚未完成、结转到本年按有关规定继续使用的资金。'),
    ('基本支出', '是指为保障机构正常运转、完成日常工作任务所必需的开支，其内容包括人员经费和日常公用经费两部分。'),
    ('项目支出', '是指在基本支出之外，为完成特定的行政工作任务或事业发展目标所发生的支出。'),
    ('“三公”经费', '是指部门使用财政拨款安排的因公出国（境）费、公务用车购置及运行费和公务接待费。'),
    ('机关运行经费', '是指为保障行政单位（含参照公务员法管理的事业单位）运行用于购买货物和服务的各项资金。'),
]

HENAN_TABLES = OrderedDict([
    ('budgetSummary', ('一', '部门收支总体情况表')),
    ('incomeSummary', ('二', '部门收入总体情况表')),
    ('expenditureSummary', ('三', '部门支出总体情况表')),
    ('fiscalSummary', ('四', '财政拨款收支总体情况表')),
    ('gpbExpenditure', ('五', '一般公共预算支出情况表')),
    ('gpbBasic', ('六', '一般公共预算基本支出表')),
    ('economicSummary', ('七', '支出经济分类汇总表')),
    ('threePublic', ('八', '一般公共预算“三公”经费支出情况表')),
    ('govFundExpenditure', ('九', '政府性基金预算支出情况表')),
    ('projectExpenditure', ('十', '项目支出预算表')),
    ('deptPerformance', ('十一', '部门（单位）整体绩效目标表')),
    ('projectPerformance', ('十二', '部门预算项目绩效目标表')),
    ('stateCapitalExpenditure', ('十三', '国有资本经营预算支出情况表')),
    ('procurement', ('十四', '政府采购汇总表')),
])

# generic-9: the eight tables of 财预〔2016〕143号 plus 国有资本经营预算支出表, in the
# order and with the titles of a district template that prints amounts in 元.
GENERIC9_TABLES = OrderedDict([
    ('budgetSummary', ('一', '财务收支预算总表')),
    ('incomeSummary', ('二', '部门收入预算总表')),
    ('expenditureSummary', ('三', '部门支出预算总表')),
    ('fiscalSummary', ('四', '财政拨款收支预算总表')),
    ('gpbExpenditure', ('五', '一般公共预算支出功能分类预算表')),
    ('gpbBasic', ('六', '一般公共预算基本支出部门预算经济分类预算表')),
    ('govFundExpenditure', ('七', '政府性基金预算支出功能分类预算表')),
    ('stateCapitalExpenditure', ('八', '国有资本经营预算支出功能分类预算表')),
    ('threePublic', ('九', '“三公”经费和机关运行经费预算表')),
])

E, M, K = '105001', '105002', '105003'
EDU_LINES = [
    # unit, function, dep. economic, fund, kind, amount (0.01 万元), project
    (E, '2050101', '30101', 'gpb', 'basic', 4836), (E, '2050101', '30102', 'gpb', 'basic', 3520),
    (E, '2050101', '30103', 'gpb', 'basic', 403), (E, '2080505', '30108', 'gpb', 'basic', 1264),
    (E, '2101101', '30110', 'gpb', 'basic', 553), (E, '2210201', '30113', 'gpb', 'basic', 948),
    (E, '2050101', '30201', 'gpb', 'basic', 320), (E, '2050101', '30211', 'gpb', 'basic', 210),
    (E, '2050101', '30217', 'gpb', 'basic', 120), (E, '2050101', '30228', 'gpb', 'basic', 165),
    (E, '2050101', '30229', 'gpb', 'basic', 110), (E, '2050101', '30231', 'gpb', 'basic', 360),
    (E, '2050101', '30299', 'gpb', 'basic', 235), (E, '2080501', '30302', 'gpb', 'basic', 680),
    (E, '2050102', '30216', 'gpb', '特定目标类', 2500, '全县中小学教师培训'),
    (E, '2050102', '31013', 'gpb', '特定目标类', 1800, '教育系统公务用车更新'),
    (E, '2050102', '30227', 'gpb', '其他运转类', 1250, '教育信息化运维服务'),
    (M, '2050203', '30101', 'gpb', 'basic', 12672), (M, '2050203', '30102', 'gpb', 'basic', 1840),
    (M, '2050203', '30107', 'gpb', 'basic', 9630), (M, '2080505', '30108', 'gpb', 'basic', 3421),
    (M, '2101102', '30110', 'gpb', 'basic', 1497), (M, '2210201', '30113', 'gpb', 'basic', 2566),
    (M, '2050203', '30201', 'gpb', 'basic', 860), (M, '2050203', '30205', 'gpb', 'basic', 320),
    (M, '2050203', '30206', 'gpb', 'basic', 980), (M, '2050203', '30228', 'gpb', 'basic', 412),
    (M, '2050203', '30299', 'gpb', 'basic', 544), (M, '2050203', '30305', 'gpb', 'basic', 240),
    (M, '2050203', '30201', 'business', 'basic', 650), (M, '2050203', '30218', 'business', 'basic', 430),
    (M, '2050203', '30201', 'gpb', '其他运转类', 4280, '初中学校公用经费保障'),
    (M, '2050203', '30213', 'gpb', '其他运转类', 1520, '初中学校公用经费保障'),
    (M, '2296004', '31003', 'govFund', '特定目标类', 3000, '学校体育设施建设（彩票公益金）'),
    (M, '2296004', '31003', 'carryGovFund', '特定目标类', 850, '学校体育设施建设（彩票公益金）'),
    (M, '2050203', '30218', 'business', '其他运转类', 720, '学生实验耗材'),
    (M, '2050203', '30218', 'carryUnit', '其他运转类', 300, '学生实验耗材'),
    (K, '2050201', '30101', 'gpb', 'basic', 3850), (K, '2050201', '30107', 'gpb', 'basic', 2210),
    (K, '2080505', '30108', 'gpb', 'basic', 986), (K, '2101102', '30110', 'gpb', 'basic', 431),
    (K, '2210201', '30113', 'gpb', 'basic', 693), (K, '2050201', '30201', 'gpb', 'basic', 260),
    (K, '2050201', '30206', 'gpb', 'basic', 310),
    (K, '2050201', '30226', 'specialAccount', 'basic', 1200),
    (K, '2050201', '30299', 'other', 'basic', 150),
    (K, '2050201', '31003', 'gpb', '特定目标类', 960, '幼儿园玩教具购置'),
]


def ind(cat, name, value):
    v, parsed = P(value)
    return (cat, name, v, parsed)


def code(n):
    return f'41099924{n:013d}'


EDUCATION = dict(
    file='example-county-education-bureau-2024.xml',
    comment='Synthetic example: a county education bureau with three units (行政 本级 + two 事业 所属), '
            'amounts in 万元 with 2 decimals, non-zero 政府性基金, 三公, 上年结转, 事业收入; Henan 14-table template.',
    code='105', name='示例县教育局', short='示例县教育局', mof='410999',
    title='示例县教育局2024年部门预算公开', profile='henan-county-14', published='2024-02-26',
    unit='万元', n=Num(2), henan=True, nested=False, t6_by_unit=True, office_column=False,
    has_reserve=False, note='注：报表金额单位转换时可能存在四舍五入尾数误差。',
    unit_list=[(E, '示例县教育局机关', '行政', '本级'), (M, '示例县第一初级中学', '事业', '所属'),
               (K, '示例县实验幼儿园', '事业', '所属')],
    line_list=EDU_LINES, table_names=HENAN_TABLES, terms=TERMS,
    duties=['（一）贯彻执行国家和省、市有关教育工作的方针、政策和法律法规；',
            '（二）统筹规划和管理全县各级各类教育事业；',
            '（三）负责全县中小学、幼儿园教育教学管理和教师队伍建设；',
            '（四）负责管理和监督全县教育经费的使用。'],
    composition=['示例县教育局部门预算为汇总预算，包括本级预算和所属单位预算。',
                 '纳入2024年部门预算编制范围的单位共3个：示例县教育局机关（行政单位）、示例县第一初级中学（事业单位）、示例县实验幼儿园（事业单位）。'],
    prior=dict(
        func={'2050101': 9866, '2050102': 6120, '2050201': 7020, '2050203': 32045, '2080501': 680,
              '2080505': 5489, '2101101': 553, '2101102': 1850, '2210201': 4012},
        funcReason={'2050102': '教师培训项目压减。', '2050203': '人员经费正常调整，学校公用经费保障标准提高。'},
        itemReason='人员经费正常调整', nonGpb=8200, reason='人员经费正常调整及学校公用经费保障标准提高',
        threePublic={'abroad': 0, 'reception': 150, 'vop': 380, 'vbuy': 0},
        office=1460, officeReason='办公费用按标准调整'),
    key_project='全县中小学教师培训',
    assets=(2, 0, 0, 1, 0, 0),
    purchases=[
        dict(func='2050102', unit=E, name='公务用车', catalogue='乘用车', spec='5座轿车', measure='辆', quantity='1', amount=1800, category='goods'),
        dict(func='2050102', unit=E, name='教育信息化运维服务', catalogue='运行维护服务', spec='', measure='项', quantity='1', amount=1250, category='services'),
        dict(func='2050203', unit=M, name='校舍维修', catalogue='修缮工程', spec='', measure='项', quantity='1', amount=1520, category='works'),
        dict(func='2296004', unit=M, name='体育器材', catalogue='体育设备设施', spec='', measure='批', quantity='1', amount=3850, category='goods'),
        dict(func='2050201', unit=K, name='玩教具', catalogue='教学用具', spec='', measure='批', quantity='1', amount=960, category='goods'),
    ],
    annual_goal='落实立德树人根本任务，促进义务教育优质均衡发展和学前教育普及普惠，保障全县教育事业健康发展。',
    tasks=[('义务教育优质均衡', '保障初中学校公用经费，改善办学条件，加强教师培训'),
           ('学前教育普及普惠', '保障公办幼儿园运转，补充玩教具')],
    dept_indicators=[
        ('产出指标', [('数量指标', [('培训教师人次', *P('≥1200人次'), '全年组织中小学教师培训人次'),
                                   ('保障学校个数', *P('2个'), None)]),
                     ('时效指标', [('经费拨付及时率', *P('100%'), '按进度及时拨付经费')])]),
        ('效益指标', [('社会效益', [('义务教育巩固率', *P('≥99%'), None)])]),
        ('满意度指标', [('服务对象满意度', [('学生家长满意度', *P('≥95%'), None)])]),
    ],
    project_info={
        '全县中小学教师培训': dict(code=code(100001), indicators=[
            ind('cost', '培训成本', '≤25万元'), ind('output', '培训教师人次', '≥1200人次'),
            ind('output', '培训合格率', '≥95%'), ind('effect', '教师教学能力', '有效提升'),
            ind('satisfaction', '参训教师满意度', '≥95%')]),
        '教育系统公务用车更新': dict(code=code(100002), indicators=[
            ind('cost', '车辆购置成本', '≤18万元'), ind('output', '购置车辆数量', '1辆'),
            ind('effect', '公务出行保障', '有效保障'), ind('satisfaction', '使用人员满意度', '≥95%')]),
        '教育信息化运维服务': dict(code=code(100003), indicators=[
            ind('cost', '运维服务成本', '≤12.5万元'), ind('output', '系统正常运行率', '≥98%'),
            ind('effect', '教育管理信息化水平', '有效提升'), ind('satisfaction', '学校满意度', '≥95%')]),
        '初中学校公用经费保障': dict(code=code(100004), indicators=[
            ind('cost', '公用经费保障成本', '≤58万元'), ind('output', '保障学生人数', '≥1500人'),
            ind('output', '校舍维修及时性', '及时'), ind('effect', '学校正常运转', '有效保障'),
            ind('satisfaction', '师生满意度', '≥95%')]),
        '学校体育设施建设（彩票公益金）': dict(code=code(100005), indicators=[
            ind('cost', '设施建设成本', '≤38.5万元'), ind('output', '购置体育器材批次', '≥1批'),
            ind('output', '验收合格率', '100%'), ind('effect', '学生体质健康达标率', '≥92%'),
            ind('satisfaction', '学生满意度', '≥95%')]),
        '学生实验耗材': dict(code=code(100006), indicators=[
            ind('cost', '实验耗材成本', '≤10.2万元'), ind('output', '开出实验个数', '≥60个'),
            ind('effect', '实验教学开出率', '≥95%'), ind('satisfaction', '学生满意度', '≥95%')]),
        '幼儿园玩教具购置': dict(code=code(100007), indicators=[
            ind('cost', '玩教具购置成本', '≤9.6万元'), ind('output', '购置玩教具批次', '1批'),
            ind('effect', '保教质量', '有效提升'), ind('satisfaction', '家长满意度', '≥95%')]),
    },
    tables=list(HENAN_TABLES),
)

H, C = '048001', '048002'
HEALTH_LINES = [
    # unit, function, dep. economic, fund, kind, amount (元), project
    (H, '2100101', '30101', 'gpb', 'basic', 1234560), (H, '2100101', '30102', 'gpb', 'basic', 856200),
    (H, '2100101', '30103', 'gpb', 'basic', 102880), (H, '2080505', '30108', 'gpb', 'basic', 312450),
    (H, '2080506', '30109', 'gpb', 'basic', 156230), (H, '2101101', '30110', 'gpb', 'basic', 138900),
    (H, '2210201', '30113', 'gpb', 'basic', 236880), (H, '2100101', '30201', 'gpb', 'basic', 86000),
    (H, '2100101', '30207', 'gpb', 'basic', 12000), (H, '2100101', '30211', 'gpb', 'basic', 42000),
    (H, '2100101', '30217', 'gpb', 'basic', 18000), (H, '2100101', '30228', 'gpb', 'basic', 29600),
    (H, '2100101', '30231', 'gpb', 'basic', 36000), (H, '2100101', '30299', 'gpb', 'basic', 45200),
    (H, '2080501', '30302', 'gpb', 'basic', 188000),
    (H, '2100102', '30227', 'gpb', '其他运转类', 350000, '卫生健康行政执法与监督'),
    (H, '2100408', '30227', 'gpb', '特定目标类', 1860000, '基本公共卫生服务项目'),
    (H, '2230104', '39999', 'stateCapital', '特定目标类', 500000, '企业办医疗机构移交补助'),
    (C, '2100401', '30101', 'gpb', 'basic', 968400), (C, '2100401', '30107', 'gpb', 'basic', 612300),
    (C, '2080505', '30108', 'gpb', 'basic', 248760), (C, '2080506', '30109', 'gpb', 'basic', 124380),
    (C, '2101102', '30110', 'gpb', 'basic', 109550), (C, '2210201', '30113', 'gpb', 'basic', 186720),
    (C, '2100401', '30201', 'gpb', 'basic', 52000), (C, '2100401', '30205', 'gpb', 'basic', 18000),
    (C, '2100401', '30206', 'gpb', 'basic', 64000), (C, '2100401', '30228', 'gpb', 'basic', 22400),
    (C, '2100401', '30231', 'gpb', 'basic', 24000), (C, '2100401', '31002', 'gpb', 'basic', 15000),
    (C, '2100401', '30218', 'business', 'basic', 280000), (C, '2100401', '30226', 'business', 'basic', 120000),
    (C, '2100401', '30213', 'reserve', 'basic', 60000),
    (C, '2100409', '30218', 'gpb', '特定目标类', 420000, '重大传染病防控'),
    (C, '2100409', '31003', 'gpb', '特定目标类', 380000, '实验室检测设备购置'),
]

HEALTH = dict(
    file='example-district-health-commission-2024.xml',
    comment='Synthetic example: a district health commission (行政 本级 + one 事业 所属), amounts in 元, '
            '类/款/项 subtotal rows, non-zero 国有资本经营预算 and 用事业基金弥补收支差额; generic 9-table template '
            'with the 机关运行经费 column in the 三公 table.',
    code='048', name='示例区卫生健康委员会', short='示例区卫生健康委员会', mof='310199',
    title='示例区卫生健康委员会2024年部门预算', profile='generic-9', published='2024-02-05',
    unit='元', n=Num(0, text_scale=10000, text_decimals=2), henan=False, nested=True,
    t6_by_unit=False, office_column=True, has_reserve=True, note='注：本表金额单位为元。',
    unit_list=[(H, '示例区卫生健康委员会（本级）', '行政', '本级'), (C, '示例区疾病预防控制中心', '事业', '所属')],
    line_list=HEALTH_LINES, table_names=GENERIC9_TABLES, terms=TERMS,
    duties=['（一）贯彻执行国家卫生健康工作方针政策和法律法规；',
            '（二）统筹规划全区卫生健康服务资源配置；',
            '（三）负责全区疾病预防控制、公共卫生和卫生应急工作。'],
    composition=['示例区卫生健康委员会部门预算包括本级预算和所属单位预算。',
                 '纳入2024年部门预算编制范围的单位共2个：示例区卫生健康委员会（本级，行政单位）、示例区疾病预防控制中心（事业单位）。'],
    prior=dict(
        func={'2080501': 176000, '2080505': 548300, '2080506': 274100, '2100101': 2398000,
              '2100102': 420000, '2100401': 1702500, '2100408': 1720000, '2100409': 0,
              '2101101': 138900, '2101102': 105600, '2210201': 410000},
        funcReason={'2100102': '执法监督项目压减。', '2100408': '基本公共卫生服务补助标准提高。',
                    '2100409': '新增重大传染病防控和实验室检测设备购置项目。'},
        itemReason='人员经费正常调整', nonGpb=420000, reason='基本公共卫生服务补助标准提高，新增重大传染病防控项目',
        threePublic={'abroad': 0, 'reception': 20000, 'vop': 62000, 'vbuy': 0},
        office=259000, officeReason='办公费用按标准调整'),
    assets=(3, 0, 1, 0, 1, 2),
    tables=list(GENERIC9_TABLES),
)


def rekey(lines, units):
    """The lines with their unit ids replaced ('units': old -> new)."""
    return [(units[ln[0]],) + tuple(ln[1:]) for ln in lines]


PROVINCE_TABLES = OrderedDict(
    (k, v) for k, v in HENAN_TABLES.items()
    if k not in ('deptPerformance', 'stateCapitalExpenditure', 'procurement'))
PROVINCE_TABLES['projectPerformance'] = ('十一', '部门预算项目绩效目标表')
PE, PM, PK = '301001', '301002', '301003'


def pcode(n):
    return f'41000024{n:013d}'


PROVINCE = dict(
    EDUCATION,
    file='example-province-education-department-2024.xml',
    comment='Synthetic example: a provincial education department with three units, amounts in 万元 '
            'with 2 decimals; Henan provincial 11-table template (no 整体绩效, 国有资本经营 or 政府采购 table).',
    code='301', name='示例省教育厅', short='示例省教育厅', mof='410000',
    title='示例省教育厅2024年部门预算公开', profile='henan-province-11', published='2024-02-20',
    unit_list=[(PE, '示例省教育厅机关', '行政', '本级'), (PM, '示例省实验中学', '事业', '所属'),
               (PK, '示例省直属机关幼儿园', '事业', '所属')],
    line_list=rekey(EDU_LINES, {E: PE, M: PM, K: PK}), table_names=PROVINCE_TABLES,
    duties=['（一）贯彻执行国家教育工作的方针、政策和法律法规；',
            '（二）统筹规划和管理全省教育事业；',
            '（三）负责管理和监督省级教育经费的使用。'],
    composition=['示例省教育厅部门预算为汇总预算，包括本级预算和所属单位预算。',
                 '纳入2024年部门预算编制范围的单位共3个：示例省教育厅机关（行政单位）、示例省实验中学（事业单位）、示例省直属机关幼儿园（事业单位）。'],
    project_info={k: dict(v, code=pcode(int(v['code'][-6:]))) for k, v in EDUCATION['project_info'].items()},
    tables=list(PROVINCE_TABLES),
)

# central-9: the nine tables of a central department, 万元 with 2 decimals,
# every table for the department as a whole (rows by function code or
# economic class), no codes printed.
CENTRAL_TABLES = OrderedDict([
    ('budgetSummary', ('一', '收支总表')),
    ('incomeSummary', ('二', '收入总表')),
    ('expenditureSummary', ('三', '支出总表')),
    ('fiscalSummary', ('四', '财政拨款收支总表')),
    ('gpbExpenditure', ('五', '一般公共预算财政拨款支出表')),
    ('gpbBasic', ('六', '一般公共预算财政拨款基本支出表')),
    ('threePublic', ('七', '一般公共预算“三公”经费支出表')),
    ('govFundExpenditure', ('八', '政府性基金预算支出表')),
    ('stateCapitalExpenditure', ('九', '国有资本经营预算支出表')),
])
CE, CM, CK = '900001', '900002', '900003'
EXP3 = ['total', 'basic', 'project']

CENTRAL = dict(
    EDUCATION,
    file='example-central-department-2024.xml',
    comment='Synthetic example: a central department (行政 本级 + two 事业 所属), amounts in 万元 with 2 '
            'decimals; central 9-table template: tables by function code / economic class, no codes printed, '
            'non-zero 国有资本经营预算.',
    code='900', name='示例部', short='示例部', mof=None,
    title='示例部2024年部门预算', profile='central-9', published='2024-03-22',
    henan=False, nested=True, t6_by_unit=False, office_column=False, has_reserve=False,
    codes=False, flat=True, income_by_func=True, exp_cols=EXP3,
    t2_cols=['total', 'carryTotal', 'gpb', 'govFund', 'stateCapital', 'business', 'operating', 'other'],
    note='注：本表金额单位为万元。',
    unit_list=[(CE, '示例部机关', '行政', '本级'), (CM, '示例部信息中心', '事业', '所属'),
               (CK, '示例部机关幼儿园', '事业', '所属')],
    line_list=rekey(EDU_LINES, {E: CE, M: CM, K: CK}) + [
        (CE, '2230104', '39999', 'stateCapital', '特定目标类', 500, '所属企业改革补助')],
    table_names=CENTRAL_TABLES,
    duties=['（一）贯彻落实党中央关于示例工作的方针政策和决策部署；',
            '（二）拟订示例领域发展规划和政策并组织实施；',
            '（三）负责本系统经费的统筹管理和监督。'],
    composition=['示例部部门预算包括部本级预算和所属单位预算。',
                 '纳入2024年部门预算编制范围的单位共3个：示例部机关（行政单位）、示例部信息中心（事业单位）、示例部机关幼儿园（事业单位）。'],
    tables=list(CENTRAL_TABLES),
)

# district-9-yuan: a Shanghai-style district template.
DISTRICT_TABLES = OrderedDict([
    ('budgetSummary', ('一', '部门财务收支预算总表')),
    ('incomeSummary', ('二', '部门收入预算总表')),
    ('expenditureSummary', ('三', '部门支出预算总表')),
    ('fiscalSummary', ('四', '财政拨款收支预算总表')),
    ('gpbExpenditure', ('五', '一般公共预算支出功能分类预算表')),
    ('gpbBasic', ('六', '一般公共预算基本支出部门预算经济分类预算表')),
    ('govFundExpenditure', ('七', '政府性基金预算支出功能分类预算表')),
    ('stateCapitalExpenditure', ('八', '国有资本经营预算支出功能分类预算表')),
    ('threePublic', ('九', '部门“三公”经费和机关运行经费预算表')),
])
DH, DC, DP = '5001', '5002', '5003'
DISTRICT_LINES = [ln for ln in rekey(HEALTH_LINES, {H: DH, C: DC})
                  if ln[3] not in ('stateCapital', 'reserve')] + [
    (DP, '2100402', '30101', 'gpb', 'basic', 356000), (DP, '2100402', '30102', 'gpb', 'basic', 214000),
    (DP, '2080505', '30108', 'gpb', 'basic', 71200), (DP, '2210201', '30113', 'gpb', 'basic', 53400),
    (DP, '2101101', '30110', 'gpb', 'basic', 28700),
    (DP, '2100402', '30201', 'gpb', 'basic', 26000), (DP, '2100402', '30231', 'gpb', 'basic', 12000),
]

DISTRICT = dict(
    HEALTH,
    file='example-shanghai-district-health-2024.xml',
    comment='Synthetic example: a Shanghai-style district bureau (行政, 参公 and 事业 units, counted in the '
            'text only), amounts in 元 with the 三公 table in 万元 (2 decimals); district-9-yuan template: '
            '表一 一、财政拨款收入 subtotal row, 收入总表 by 类/款/项, 支出表 with 基本支出/项目支出 only, '
            'empty 政府性基金 and 国有资本经营 tables, no codes printed.',
    code='050', name='示例区卫生健康委员会', short='示例区卫生健康委员会', mof=None,
    title='示例区卫生健康委员会2024年部门预算', profile='district-9-yuan', published='2024-02-06',
    codes=False, units_listed=False, flat=True, income_by_func=True, fiscal_row=True,
    exp_cols=EXP3, has_reserve=False, tp_unit=('万元', 2),
    t2_cols=['total', 'gpb', 'govFund', 'stateCapital', 'business', 'operating', 'other'],
    unit_list=[(DH, '示例区卫生健康委员会（本级）', '行政', '本级'),
               (DC, '示例区疾病预防控制中心', '事业', '所属'),
               (DP, '示例区卫生健康监督所', '参公', '所属')],
    line_list=DISTRICT_LINES, table_names=DISTRICT_TABLES,
    composition=['示例区卫生健康委员会部门预算包括本级预算和所属单位预算。',
                 '纳入2024年部门预算编制范围的单位共3个，其中：行政单位1个，参照公务员法管理事业单位1个，其他事业单位1个。'],
    prior=dict(HEALTH['prior'], func=dict(HEALTH['prior']['func'], **{'2100402': 580000}),
               office=310000, nonGpb=400000),
    tables=list(DISTRICT_TABLES),
)

NARRATIVE = dict(
    DISTRICT,
    file='example-narrative-only-2024.xml',
    comment='Synthetic example: the text of a disclosure whose tables were published as pictures '
            '(narrative-only template): overview, 情况说明 and 名词解释 only.',
    profile='narrative-only', tables=[],
)


def main():
    for spec in (EDUCATION, HEALTH, PROVINCE, CENTRAL, DISTRICT, NARRATIVE):
        d = Dept(spec)
        path = os.path.join(ROOT, 'samples', spec['file'])
        with open(path, 'w', encoding='utf-8') as f:
            f.write(d.build())
        print(os.path.relpath(path, ROOT))
    return 0


if __name__ == '__main__':
    sys.exit(main())
