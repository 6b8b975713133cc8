#!/usr/bin/env python3
"""Write odd variants of a sample for tests/convert/grid.sh.

    grid_odd.py SAMPLE OUTDIR [--prefix P]

Each variant bends the table rows that grid.xsl (and its C versions in
src/xslt_grid.c) lays out: amounts missing, blank or in a foreign
namespace, codes short, long or of CJK characters, rows nested deeper,
elements the row templates skip (bx:indicator, bx:value) or keep
(bx:note inside a row, foreign elements), T8 with and without unit rows,
T10 with and without project codes.  The documents need not be valid:
budgetx converts them with --no-validate, xsltproc as they are.
"""
import sys
import xml.etree.ElementTree as ET

BX = 'urn:budgetx:disclosure:1'
F = 'urn:example:foreign'
ET.register_namespace('', BX)
ET.register_namespace('f', F)


def q(name):
    return '{%s}%s' % (BX, name)


def load(path):
    return ET.parse(path)


def tables(tree):
    return tree.getroot().find(q('tables'))


def rows(table):
    return [e for e in table.iter() if e is not table
            and e.tag not in (q('note'), q('emptyNote'))]


def missing_and_blank(tree):
    """Every third row loses an amount, every fifth has blank ones."""
    for t in tables(tree):
        for i, r in enumerate(rows(t)):
            amounts = [k for k in r.attrib if k not in (
                'code', 'name', 'dep', 'gov', 'depName', 'govName', 'kind',
                'unitName', 'no', 'title', 'deptName')]
            if i % 3 == 0 and amounts:
                del r.attrib[amounts[0]]
            if i % 5 == 0:
                for k in amounts[1:3]:
                    r.set(k, '')
            if i % 7 == 0:
                r.set('{%s}total' % F, 'foreign')
                # a foreign attribute first in document order
                items = list(r.attrib.items())
                r.attrib.clear()
                r.attrib.update([items[-1]] + items[:-1])


def odd_codes(tree):
    """Codes of 1, 9 and CJK characters; names with markup characters."""
    odd = ['2', '２０５０１０２', '20501020304', '', '2050', '5', '30101x']
    n = 0
    for t in tables(tree):
        for r in rows(t):
            for k in ('code', 'dep', 'gov'):
                if k in r.attrib:
                    r.set(k, odd[n % len(odd)])
                    n += 1
            if 'name' in r.attrib and n % 4 == 0:
                r.set('name', 'A&B <i>"q"</i>, ' + r.get('name'))
            if n % 6 == 0:
                for k in ('code', 'name', 'depName', 'kind', 'unitName'):
                    r.attrib.pop(k, None)


def odd_elements(tree):
    """Skipped and kept elements inside rows; deeper rows; T8 variants."""
    for t in tables(tree):
        rs = rows(t)
        if not rs:
            continue
        first = rs[0]
        ind = ET.SubElement(first, q('indicator'), name='skipped')
        ET.SubElement(ind, q('value')).text = '1'
        ET.SubElement(first, q('value')).text = 'skipped'
        note = ET.SubElement(rs[-1], q('note'), code='N1', name='kept')
        note.text = 'a note inside a row'
        ET.SubElement(rs[-1], '{%s}row' % F, code='F1', name='foreign',
                      total='1.00')
        deep = ET.SubElement(rs[-1], q('unit'), code='999', name='deep',
                             total='2.00')
        ET.SubElement(deep, q('unit'), code='9991', name='deeper',
                      total='3.00')
        if t.tag == q('threePublic'):
            ET.SubElement(t, q('dept'), code='105', name='unit row',
                          total='1.00', abroad='0.00')
            t.insert(0, ET.Element(q('row'), name='second', total='9'))
        if t.tag == q('projectExpenditure'):
            for p in t.iter(q('project')):
                p.attrib.pop('code', None)


def main():
    sample, out = sys.argv[1], sys.argv[2]
    prefix = sys.argv[4] if sys.argv[3:4] == ['--prefix'] else ''
    for name, bend in (('odd-amounts', missing_and_blank),
                       ('odd-codes', odd_codes),
                       ('odd-elements', odd_elements)):
        tree = load(sample)
        bend(tree)
        tree.write('%s/%s%s.xml' % (out, prefix, name), encoding='UTF-8',
                   xml_declaration=True)


if __name__ == '__main__':
    main()
