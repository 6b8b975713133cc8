/*
 * Input sniffing: recognise, by its first bytes, a file that is plainly
 * not a disclosure (PDF, zip/xlsx, OLE .xls, CSV, undeclared GBK text)
 * and say what budgetx reads instead of quoting the XML parser.
 */
#ifndef BX_SNIFF_H
#define BX_SNIFF_H

#include <stddef.h>

#include "budgetx.h"

/*
 * When 'buf' is recognisably not XML, append one FATAL finding (code
 * INPUT-PDF, INPUT-ZIP, INPUT-OLE, INPUT-CSV or INPUT-ENCODING, file =
 * 'name') naming what it is and what to do, and return BX_E_PARSE.
 * Otherwise (XML, or nothing recognised) return BX_OK and let the parser
 * decide.
 */
int sniff_refuse(const unsigned char *buf, size_t len, const char *name,
                 struct bx_diags *diags);

#endif /* BX_SNIFF_H */
