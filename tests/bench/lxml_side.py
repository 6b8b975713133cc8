#!/usr/bin/python3
"""The python3-lxml side of make bench: the same libxml2/libxslt work as
budgetx, in one process, every schema and stylesheet compiled once.

    lxml_side.py JOB ROOT OUT FILE...

JOB validate: parse + XSD of each file.
JOB html:     parse + XSD + html.xsl, one OUT/NAME.html per file.
JOB bundle:   parse + XSD + html.xsl + csv.xsl, SHA-256 of every member,
              one deflated zip OUT/bundle.zip.
An invalid file or a failed transform exits 1: the bench fails with it.
(Business rules have no lxml counterpart: this side does less work.)
"""
import hashlib
import os
import sys
import zipfile

from lxml import etree


def main(argv):
    job, root, out, files = argv[1], argv[2], argv[3], argv[4:]
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    schema = etree.XMLSchema(etree.parse(os.path.join(root, 'schemas', 'budgetx.xsd')))
    sheets = {}
    if job in ('html', 'bundle'):
        sheets['html'] = etree.XSLT(etree.parse(os.path.join(root, 'xslt', 'html.xsl')))
    if job == 'bundle':
        sheets['csv'] = etree.XSLT(etree.parse(os.path.join(root, 'xslt', 'csv.xsl')))
    zf = None
    if job == 'bundle':
        zf = zipfile.ZipFile(os.path.join(out, 'bundle.zip'), 'w', zipfile.ZIP_DEFLATED)
    sums = []
    for path in files:
        with open(path, 'rb') as f:
            data = f.read()
        doc = etree.fromstring(data, parser).getroottree()
        if not schema.validate(doc):
            sys.stderr.write('%s: %s\n' % (path, schema.error_log.last_error))
            return 1
        base = os.path.basename(path)
        if job == 'html':
            res = sheets['html'](doc, lang="'zh'")
            with open(os.path.join(out, base + '.html'), 'wb') as f:
                f.write(bytes(res))
        elif job == 'bundle':
            members = [(base, data)]
            for fmt in ('html', 'csv'):
                res = bytes(sheets[fmt](doc, lang="'zh'"))
                members.append(('%s.%s' % (base, fmt), res))
            for name, body in members:
                sums.append('%s  %s\n' % (hashlib.sha256(body).hexdigest(), name))
                zf.writestr(name, body)
    if zf is not None:
        zf.writestr('SHA256SUMS', ''.join(sums))
        zf.close()
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
