#!/usr/bin/env python3
"""Deterministic bench inputs, built with samples/tools/gen_examples.py.

    gen.py batch DIR N            N varied submissions of the sample's shape
    gen.py large DIR UNITS...     one document per unit count (many units)
    gen.py projects DIR ROWS...   one document per 表十 project-row count

Every document is internally consistent by construction (the example
generator derives every table, total and narrative figure from a list of
budget lines), so each one passes `budgetx validate` with 0 errors; the
bench checks that before it times anything.  Variation: department and
unit codes and names, project codes and names, amounts (a factor per
document plus noise per basic line), the year-before figures.  The same
arguments always give the same bytes (random.Random seeded per document).
"""
import copy
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', '..', 'samples', 'tools'))
import gen_examples as G  # noqa: E402

BASE = G.EDUCATION
COUNTIES = ['东风县', '青山县', '白河县', '南湖区', '北岭县', '西川县', '金沙县',
            '龙泉县', '石桥区', '桃源县', '清水县', '长岭县', '新安县', '平原县']
SCHOOLS = ['第一初级中学', '第二初级中学', '实验小学', '职业高中', '实验幼儿园',
           '第三小学', '特殊教育学校', '教师进修学校', '第一高级中学']
E, M, K = '105001', '105002', '105003'


def scaled(v, f):
    return max(1, int(v * f + 0.5)) if v else 0


def unit_lines(tmpl_unit, code, f, rnd, tag):
    """The lines of the template unit 'tmpl_unit' for unit 'code'."""
    out = []
    for ln in G.EDU_LINES:
        if ln[0] != tmpl_unit:
            continue
        noise = 1.0 if len(ln) > 6 else rnd.uniform(0.85, 1.2)
        amount = scaled(ln[5], f * noise)
        row = (code,) + ln[1:5] + (amount,)
        if len(ln) > 6:
            row += (ln[6] + tag,)
        out.append(row)
    return out


def spec_for(seed, units=3, extra_projects=0):
    """A variant of the education example: 'units' units (cycling through
    the sample's three unit shapes), each with its projects, plus
    'extra_projects' more small projects spread over the units."""
    rnd = random.Random(seed)
    s = copy.deepcopy(BASE)
    dcode = '%03d' % (100 + seed % 900)
    county = COUNTIES[seed % len(COUNTIES)]
    f = rnd.uniform(0.6, 1.8)
    s['code'] = dcode
    s['name'] = s['short'] = county + '教育局'
    s['title'] = county + '教育局2024年部门预算公开'
    ulist, lines, pinfo, purchases = [], [], {}, []
    tmpl = [(E, '行政', '本级'), (M, '事业', '所属'), (K, '事业', '所属')]
    pcount = [0]

    def pcode():
        pcount[0] += 1
        return G.code(seed * 1000000 + pcount[0])

    for u in range(units):
        t, typ, lvl = tmpl[u % 3] if u < 3 else tmpl[1 + u % 2]
        code = dcode + '%03d' % (u + 1) if units < 1000 else dcode + '%05d' % (u + 1)
        if u == 0:
            name = county + '教育局机关'
        else:
            name = county + SCHOOLS[u % len(SCHOOLS)] + ('' if u < len(SCHOOLS) else str(u))
        ulist.append((code, name, typ, lvl))
        tag = '' if u < 3 else '（%d）' % (u + 1)
        lines += unit_lines(t, code, f, rnd, tag)
        for name0, info in BASE['project_info'].items():
            if any(len(ln) > 6 and ln[0] == t and ln[6] == name0 for ln in G.EDU_LINES):
                pinfo[name0 + tag] = dict(code=pcode(), indicators=info['indicators'])
        if u < 3:
            for p in BASE['purchases']:
                if p['unit'] == t:
                    q = dict(p, unit=code, amount=scaled(p['amount'], f))
                    purchases.append(q)
    pfunc = {E: '2050102', M: '2050203', K: '2050201'}
    for i in range(extra_projects):
        code = ulist[i % units][0]
        t = tmpl[i % units % 3][0] if i % units < 3 else tmpl[1 + i % units % 2][0]
        name = '专项业务工作经费%06d' % (i + 1)
        lines.append((code, pfunc[t], '30227', 'gpb', '其他运转类',
                      rnd.randint(5, 400), name))
        pinfo[name] = dict(code=pcode(), indicators=[
            G.ind('output', '完成工作任务', '≥95%'),
            G.ind('satisfaction', '服务对象满意度', '≥90%')])
    # cost caps follow the scaled amounts (BR-034 compares them)
    totals = {}
    for ln in lines:
        if len(ln) > 6:
            totals[ln[6]] = totals.get(ln[6], 0) + ln[5]
    for name, info in pinfo.items():
        cap = totals[name] // 100 + 1
        info['indicators'] = [G.ind(c, n, '≤%d万元' % cap) if c == 'cost'
                              else (c, n, v, p) for c, n, v, p in info['indicators']]
    s['unit_list'], s['line_list'] = ulist, lines
    s['project_info'], s['purchases'] = pinfo, purchases
    s['prior'] = copy.deepcopy(BASE['prior'])
    # the year before: per function, in proportion to this year's amount
    # (functions absent this year are left out, as the narrative does)
    cur, orig = {}, {}
    for ln in lines:
        cur[ln[1]] = cur.get(ln[1], 0) + ln[5]
    for ln in G.EDU_LINES:
        orig[ln[1]] = orig.get(ln[1], 0) + ln[5]
    s['prior']['func'] = {k: scaled(v, cur[k] / orig[k])
                          for k, v in BASE['prior']['func'].items() if k in cur}
    s['prior']['nonGpb'] = scaled(BASE['prior']['nonGpb'], f)
    s['prior']['office'] = scaled(BASE['prior']['office'], f)
    s['prior']['threePublic'] = {k: scaled(v, f) for k, v in
                                 BASE['prior']['threePublic'].items()}
    s['composition'] = [p.replace('示例县', county) for p in BASE['composition']]
    return s, county


def document(seed, units=3, extra_projects=0):
    s, county = spec_for(seed, units, extra_projects)
    text = G.Dept(s).build()
    return text.replace('示例县', county)


def write(path, text):
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    mode, out = argv[1], argv[2]
    os.makedirs(out, exist_ok=True)
    if mode == 'batch':
        for i in range(int(argv[3])):
            write(os.path.join(out, 's%04d.xml' % i), document(i + 1))
    elif mode == 'large':
        for n in argv[3:]:
            write(os.path.join(out, 'units-%05d.xml' % int(n)),
                  document(7, units=int(n)))
    elif mode == 'projects':
        for n in argv[3:]:
            write(os.path.join(out, 'projects-%06d.xml' % int(n)),
                  document(11, units=3, extra_projects=int(n)))
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
