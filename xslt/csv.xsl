<?xml version="1.0" encoding="UTF-8"?>
<!--
  csv.xsl: one table as RFC 4180 CSV (CRLF line ends, fields quoted only
  when they hold a quote, comma, CR or LF).  The header rows are printed
  as in the official table: a spanned header cell appears once, in its
  first column, the positions it covers are empty.  Codes and amounts are
  written exactly as stored.  index.csv lists the tables (file, table,
  no, title, department, unit, header_rows, body_rows, notes, empty_note).

  XSLT 1.0 yields one result per run, so every file is wrapped in an
  <m:file name="..."> element of the result tree, which src/transform.c
  splits (the text output method ignores the wrappers).  With the
  parameter table = 'gpbBasic' (an element name) only that table is
  written: handy with xsltproc.  The byte order mark and the GB18030
  re-encoding are added by transform.c.  Parameter lang: 'en' gives
  "zh / en" header labels.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:bx="urn:budgetx:disclosure:1"
    xmlns:exsl="http://exslt.org/common"
    xmlns:m="urn:budgetx:xslt:meta"
    xmlns:x="urn:budgetx:xslt:ext"
    extension-element-prefixes="exsl"
    exclude-result-prefixes="bx exsl m x">

  <xsl:include href="grid.xsl"/>

  <xsl:output method="text" encoding="UTF-8"/>

  <xsl:param name="table" select="''"/>

  <xsl:variable name="eol" select="'&#13;&#10;'"/>

  <!-- read by x:head-rows and x:keyed-rows (src/xslt_grid.c): the rows
       they make are written at once as CSV lines (each ended by $eol),
       in one <m:csv rows="N"> of m:head or m:body, so the grid of a
       table never holds its rows.  The XSLT (xsltproc) ignores it: its
       grid has the rows, which "csv-grid" writes and table-file counts
       (with the m:csv, budgetx's grid gives the same lines and numbers). -->
  <xsl:variable name="x-csv-direct" select="true()"/>

  <xsl:template match="/">
    <xsl:choose>
      <xsl:when test="$table != ''">
        <xsl:apply-templates select="$tables[local-name() = $table][1]"
            mode="csv"/>
      </xsl:when>
      <xsl:otherwise>
        <!-- one table at a time: a table's grid is dropped once its file
             is written (index.csv needs only the row counts), so memory
             holds one grid, not all of them (grids lent by budgetx for a
             bundle are kept by their owner anyway) -->
        <xsl:variable name="files-rtf">
          <xsl:for-each select="$tables">
            <xsl:choose>
              <xsl:when test="$x-grids">
                <xsl:call-template name="table-file">
                  <xsl:with-param name="g" select="x:shared-grids()
                      [count(current()/preceding-sibling::*) + 1]"/>
                </xsl:call-template>
              </xsl:when>
              <xsl:otherwise>
                <xsl:variable name="g-rtf">
                  <xsl:call-template name="grid"/>
                </xsl:variable>
                <xsl:call-template name="table-file">
                  <xsl:with-param name="g"
                      select="exsl:node-set($g-rtf)/m:grid"/>
                </xsl:call-template>
              </xsl:otherwise>
            </xsl:choose>
          </xsl:for-each>
        </xsl:variable>
        <xsl:call-template name="files">
          <xsl:with-param name="files"
              select="exsl:node-set($files-rtf)/m:file"/>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!--
    The CSV file of the context table from its grid $g, with the numbers
    of header and body rows that index.csv lists.
  -->
  <xsl:template name="table-file">
    <xsl:param name="g"/>
    <xsl:variable name="id">
      <xsl:call-template name="table-id"/>
    </xsl:variable>
    <m:file name="{$id}.csv"
        head="{count($g/m:head/m:row) + sum($g/m:head/m:csv/@rows)}"
        body="{count($g/m:body/m:row) + sum($g/m:body/m:csv/@rows)}">
      <xsl:call-template name="csv-grid">
        <xsl:with-param name="g" select="$g"/>
      </xsl:call-template>
    </m:file>
  </xsl:template>

  <!-- index.csv, then the file of each table ($files, from table-file). -->
  <xsl:template name="files">
    <xsl:param name="files"/>
    <m:file name="index.csv">
      <xsl:call-template name="index">
        <xsl:with-param name="files" select="$files"/>
      </xsl:call-template>
    </m:file>
    <xsl:for-each select="$files">
      <m:file name="{@name}"><xsl:value-of select="."/></m:file>
    </xsl:for-each>
  </xsl:template>

  <!--
    index.csv: file, table (element name), no, title, department, unit,
    header_rows, body_rows, notes (joined by CRLF), empty_note.
  -->
  <xsl:template name="index">
    <xsl:param name="files"/>
    <xsl:text>file,table,no,title,department,unit,header_rows,body_rows,notes,empty_note</xsl:text>
    <xsl:value-of select="$eol"/>
    <xsl:for-each select="$tables">
      <xsl:variable name="p" select="position()"/>
      <xsl:variable name="f" select="$files[$p]"/>
      <xsl:choose>
        <xsl:when test="$x-ext and string(@title) != '' and not(bx:note[2])">
          <!-- the common table (printed title, a note or none) in one
               expression: no result tree fragment a field (the templates
               of the otherwise below, inlined) -->
          <xsl:value-of select="concat(x:csv-field(string($f/@name)), ',',
              x:csv-field(local-name()), ',', x:csv-field(string(@no)), ',',
              x:csv-field(string(@title)), ',',
              x:csv-field(concat(string(@deptName), substring($dept-name,
                  1 div (string(@deptName) = '')))), ',',
              x:csv-field(concat(string(@unit), substring($amount-unit,
                  1 div (string(@unit) = '')))), ',',
              string($f/@head), ',', string($f/@body), ',',
              x:csv-field(string(bx:note)), ',',
              x:csv-field(string(bx:emptyNote)), $eol)"/>
        </xsl:when>
        <xsl:otherwise>
          <xsl:call-template name="index-line">
            <xsl:with-param name="f" select="$f"/>
          </xsl:call-template>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:for-each>
  </xsl:template>

  <!-- The line of index.csv of the context table ($f: its m:file). -->
  <xsl:template name="index-line">
    <xsl:param name="f"/>
    <xsl:variable name="title">
      <xsl:call-template name="table-title"/>
    </xsl:variable>
    <xsl:variable name="dept">
      <xsl:call-template name="table-dept-name"/>
    </xsl:variable>
    <xsl:variable name="notes">
      <xsl:for-each select="bx:note">
        <xsl:if test="position() &gt; 1">
          <xsl:value-of select="$eol"/>
        </xsl:if>
        <xsl:value-of select="."/>
      </xsl:for-each>
    </xsl:variable>
    <xsl:call-template name="line">
      <xsl:with-param name="f1" select="string($f/@name)"/>
      <xsl:with-param name="f2" select="local-name()"/>
      <xsl:with-param name="f3" select="string(@no)"/>
      <xsl:with-param name="f4" select="$title"/>
      <xsl:with-param name="f5" select="$dept"/>
      <xsl:with-param name="f6">
        <xsl:call-template name="table-unit"/>
      </xsl:with-param>
      <xsl:with-param name="f7" select="string($f/@head)"/>
      <xsl:with-param name="f8" select="string($f/@body)"/>
      <xsl:with-param name="f9" select="$notes"/>
      <xsl:with-param name="f10" select="string(bx:emptyNote)"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="line">
    <xsl:param name="f1"/><xsl:param name="f2"/><xsl:param name="f3"/>
    <xsl:param name="f4"/><xsl:param name="f5"/><xsl:param name="f6"/>
    <xsl:param name="f7"/><xsl:param name="f8"/><xsl:param name="f9"/>
    <xsl:param name="f10"/>
    <xsl:choose>
      <xsl:when test="$x-ext">
        <!-- the fields below in one expression (no template per field) -->
        <xsl:value-of select="concat(x:csv-field($f1), ',',
            x:csv-field($f2), ',', x:csv-field($f3), ',', x:csv-field($f4),
            ',', x:csv-field($f5), ',', x:csv-field($f6), ',', $f7, ',', $f8,
            ',', x:csv-field($f9), ',', x:csv-field($f10), $eol)"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="line-xslt">
          <xsl:with-param name="f1" select="$f1"/>
          <xsl:with-param name="f2" select="$f2"/>
          <xsl:with-param name="f3" select="$f3"/>
          <xsl:with-param name="f4" select="$f4"/>
          <xsl:with-param name="f5" select="$f5"/>
          <xsl:with-param name="f6" select="$f6"/>
          <xsl:with-param name="f7" select="$f7"/>
          <xsl:with-param name="f8" select="$f8"/>
          <xsl:with-param name="f9" select="$f9"/>
          <xsl:with-param name="f10" select="$f10"/>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- The same, field by field (xsltproc). -->
  <xsl:template name="line-xslt">
    <xsl:param name="f1"/><xsl:param name="f2"/><xsl:param name="f3"/>
    <xsl:param name="f4"/><xsl:param name="f5"/><xsl:param name="f6"/>
    <xsl:param name="f7"/><xsl:param name="f8"/><xsl:param name="f9"/>
    <xsl:param name="f10"/>
    <xsl:call-template name="field"><xsl:with-param name="raw" select="$f1"/></xsl:call-template>,<xsl:call-template name="field"><xsl:with-param name="raw" select="$f2"/></xsl:call-template>,<xsl:call-template name="field"><xsl:with-param name="raw" select="$f3"/></xsl:call-template>,<xsl:call-template name="field"><xsl:with-param name="raw" select="$f4"/></xsl:call-template>,<xsl:call-template name="field"><xsl:with-param name="raw" select="$f5"/></xsl:call-template>,<xsl:call-template name="field"><xsl:with-param name="raw" select="$f6"/></xsl:call-template>,<xsl:value-of select="$f7"/>,<xsl:value-of select="$f8"/>,<xsl:call-template name="field"><xsl:with-param name="raw" select="$f9"/></xsl:call-template>,<xsl:call-template name="field"><xsl:with-param name="raw" select="$f10"/></xsl:call-template>
    <xsl:value-of select="$eol"/>
  </xsl:template>

  <xsl:template match="*" mode="csv">
    <xsl:variable name="g-rtf">
      <xsl:call-template name="grid"/>
    </xsl:variable>
    <xsl:call-template name="csv-grid">
      <xsl:with-param name="g" select="exsl:node-set($g-rtf)/m:grid"/>
    </xsl:call-template>
  </xsl:template>

  <!-- The rows of grid $g as CSV lines (with $x-csv-direct, m:head and
       m:body hold either their lines as m:csv or rows, never both). -->
  <xsl:template name="csv-grid">
    <xsl:param name="g"/>
    <xsl:value-of select="$g/m:head/m:csv"/>
    <xsl:choose>
      <xsl:when test="function-available('x:csv-rows')">
        <!-- the whole grid in one call (src/xslt_ext.c) -->
        <xsl:value-of select="x:csv-rows($g, $lang, $eol)"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="csv-grid-rows">
          <xsl:with-param name="g" select="$g"/>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
    <xsl:value-of select="$g/m:body/m:csv"/>
  </xsl:template>

  <!-- The same row by row (x:csv-row), and in XSLT (xsltproc). -->
  <xsl:template name="csv-grid-rows">
    <xsl:param name="g"/>
    <xsl:for-each select="$g/m:head/m:row | $g/m:body/m:row">
      <xsl:choose>
        <xsl:when test="$x-ext">
          <xsl:value-of select="x:csv-row(., $lang)"/>
        </xsl:when>
        <xsl:otherwise>
          <!-- the same in XSLT (xsltproc): x:csv-row in src/xslt_ext.c -->
          <xsl:for-each select="*">
            <xsl:if test="position() &gt; 1">,</xsl:if>
            <xsl:if test="self::m:c">
              <!-- "zh / en" with lang=en; a string, not a fragment (speed) -->
              <xsl:call-template name="field">
                <xsl:with-param name="raw" select="concat(., substring(
                    concat(' / ', @en), 1,
                    (string-length(@en) + 3)
                    * number($lang = 'en' and string(@en) != '')))"/>
              </xsl:call-template>
            </xsl:if>
          </xsl:for-each>
        </xsl:otherwise>
      </xsl:choose>
      <xsl:value-of select="$eol"/>
    </xsl:for-each>
  </xsl:template>

  <!-- One RFC 4180 field ($raw, defused as below). -->
  <xsl:template name="field">
    <xsl:param name="raw"/>
    <xsl:choose>
      <xsl:when test="$x-ext">
        <xsl:value-of select="x:csv-field($raw)"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="field-xslt">
          <xsl:with-param name="raw" select="$raw"/>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- The same in XSLT (xsltproc): x:csv-field in src/xslt_ext.c. -->
  <xsl:template name="field-xslt">
    <xsl:param name="raw"/>
    <!-- Formula injection (OWASP, docs/convert.md): a field that starts
         with = + - @ TAB or CR and is not a plain number gets a leading
         ' so that spreadsheet programs show it as text and never run it.
         Numbers such as -12.5 stay numbers. -->
    <xsl:variable name="v" select="concat(substring(&quot;'&quot;, 1, number(
        string-length($raw) &gt; 0
        and contains('=+-@&#9;&#13;', substring($raw, 1, 1))
        and string(number($raw)) = 'NaN')), $raw)"/>
    <xsl:choose>
      <xsl:when test="contains($v, '&quot;') or contains($v, ',')
                      or contains($v, '&#10;') or contains($v, '&#13;')">
        <xsl:text>"</xsl:text>
        <xsl:call-template name="replace">
          <xsl:with-param name="s" select="$v"/>
          <xsl:with-param name="from" select="'&quot;'"/>
          <xsl:with-param name="to" select="'&quot;&quot;'"/>
        </xsl:call-template>
        <xsl:text>"</xsl:text>
      </xsl:when>
      <xsl:otherwise>
        <xsl:value-of select="$v"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

</xsl:stylesheet>
