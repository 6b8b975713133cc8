<?xml version="1.0" encoding="UTF-8"?>
<!--
  xlsx-parts.xsl: the fixed parts of a budgetx workbook (content types,
  relationships, document properties, workbook, styles).  Included by
  xlsx.xsl, which supplies $tables, $meta, $stamp, $info-name and the
  sheet-name template.  docs/xlsx.md lists the cell styles by index: the
  C side (annotated workbooks) relies on that numbering.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:bx="urn:budgetx:disclosure:1"
    xmlns:exsl="http://exslt.org/common"
    xmlns:m="urn:budgetx:xslt:meta"
    extension-element-prefixes="exsl"
    exclude-result-prefixes="bx exsl m">

  <xsl:variable name="ct-sheet"
      select="'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml'"/>
  <xsl:variable name="rel-base"
      select="'http://schemas.openxmlformats.org/officeDocument/2006/relationships'"/>

  <xsl:template name="content-types">
    <xsl:param name="n"/>
    <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
      <Default Extension="rels"
          ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
      <Default Extension="xml" ContentType="application/xml"/>
      <Default Extension="vml"
          ContentType="application/vnd.openxmlformats-officedocument.vmlDrawing"/>
      <Override PartName="/xl/workbook.xml"
          ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
      <xsl:for-each select="$seq[position() &lt;= $n]">
        <Override PartName="/xl/worksheets/sheet{position()}.xml"
            ContentType="{$ct-sheet}"/>
      </xsl:for-each>
      <Override PartName="/xl/styles.xml"
          ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
      <Override PartName="/docProps/core.xml"
          ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
      <Override PartName="/docProps/app.xml"
          ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>
      <xsl:call-template name="notes-content-types"/>
    </Types>
  </xsl:template>

  <xsl:template name="root-rels">
    <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
      <Relationship Id="rId1" Target="xl/workbook.xml"
          Type="{$rel-base}/officeDocument"/>
      <Relationship Id="rId2" Target="docProps/core.xml"
          Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"/>
      <Relationship Id="rId3" Target="docProps/app.xml"
          Type="{$rel-base}/extended-properties"/>
    </Relationships>
  </xsl:template>

  <xsl:template name="app">
    <Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">
      <Application>budgetx</Application>
      <DocSecurity>0</DocSecurity>
      <Company><xsl:value-of select="$meta/bx:department/@name"/></Company>
    </Properties>
  </xsl:template>

  <xsl:template name="core">
    <cp:coreProperties
        xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
        xmlns:dc="http://purl.org/dc/elements/1.1/"
        xmlns:dcterms="http://purl.org/dc/terms/"
        xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
      <dc:title><xsl:value-of select="$meta/bx:title"/></dc:title>
      <dc:creator><xsl:value-of select="$meta/bx:department/@name"/></dc:creator>
      <dc:language>zh-CN</dc:language>
      <cp:keywords><xsl:value-of
          select="concat($meta/bx:mofDivCode, ' ', $meta/bx:department/@code,
                  ' ', $meta/bx:fiscalYear)"/></cp:keywords>
      <dcterms:created xsi:type="dcterms:W3CDTF"><xsl:value-of
          select="$stamp"/></dcterms:created>
      <dcterms:modified xsi:type="dcterms:W3CDTF"><xsl:value-of
          select="$stamp"/></dcterms:modified>
    </cp:coreProperties>
  </xsl:template>

  <!-- 'name' quoted for a formula reference. -->
  <xsl:template name="quoted">
    <xsl:param name="s"/>
    <xsl:text>'</xsl:text>
    <xsl:call-template name="replace">
      <xsl:with-param name="s" select="$s"/>
      <xsl:with-param name="from" select='"&apos;"'/>
      <xsl:with-param name="to" select='"&apos;&apos;"'/>
    </xsl:call-template>
    <xsl:text>'</xsl:text>
  </xsl:template>

  <xsl:template name="workbook">
    <xsl:param name="last"/>
    <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
      <workbookPr date1904="0"/>
      <bookViews>
        <workbookView activeTab="{($last - 2) * number($ann)}"/>
      </bookViews>
      <sheets>
        <sheet name="{$info-name}" sheetId="1" r:id="rId1"/>
        <xsl:for-each select="$tables">
          <xsl:variable name="name">
            <xsl:call-template name="sheet-name"/>
          </xsl:variable>
          <sheet name="{$name}" sheetId="{position() + 1}"
              r:id="rId{position() + 1}"/>
        </xsl:for-each>
        <xsl:call-template name="add-workbook-sheets">
          <xsl:with-param name="first" select="count($tables) + 2"/>
        </xsl:call-template>
        <xsl:if test="$ann">
          <sheet name="{$findings-name}" sheetId="{$last - 1}"
              r:id="rId{$last - 1}"/>
        </xsl:if>
        <sheet name="_bx" sheetId="{$last}" state="hidden" r:id="rId{$last}"/>
      </sheets>
      <definedNames>
        <xsl:for-each select="$tables">
          <xsl:variable name="def-rtf">
            <xsl:apply-templates select="." mode="head"/>
          </xsl:variable>
          <xsl:variable name="h"
              select="count(exsl:node-set($def-rtf)/m:h/m:r)"/>
          <xsl:variable name="name">
            <xsl:call-template name="sheet-name"/>
          </xsl:variable>
          <xsl:if test="$h &gt; 0">
            <definedName name="_xlnm.Print_Titles"
                localSheetId="{position()}">
              <xsl:call-template name="quoted">
                <xsl:with-param name="s" select="$name"/>
              </xsl:call-template>
              <xsl:value-of select="concat('!$3:$', 2 + $h)"/>
            </definedName>
          </xsl:if>
        </xsl:for-each>
      </definedNames>
      <calcPr calcId="0" fullCalcOnLoad="0"/>
    </workbook>
  </xsl:template>

  <xsl:template name="workbook-rels">
    <xsl:param name="n"/>
    <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
      <xsl:for-each select="$seq[position() &lt;= $n]">
        <Relationship Id="rId{position()}"
            Target="worksheets/sheet{position()}.xml"
            Type="{$rel-base}/worksheet"/>
      </xsl:for-each>
      <Relationship Id="rId{$n + 1}" Target="styles.xml"
          Type="{$rel-base}/styles"/>
    </Relationships>
  </xsl:template>

  <!--
    Cell styles (cellXfs index):
      0 default            1 sheet title        2 header cell
      3 text               4 code (text format) 5 bold label
      6-10 amount, 0-4 decimals                 11-15 the same, bold
      16 bold label (no border)  17 wrapped text  18 部门名称 line
      19 单位 line (right)
      20-24 input amount, 0-4 decimals (unlocked) 25 input text
      26 input code
      27 + 7*s + k  finding shading, s = 0 error, 1 warning, 2 info;
                    k = 0-4 amount decimals, 5 text, 6 code
      48 hyperlink
  -->
  <xsl:template name="styles">
    <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
      <numFmts count="5">
        <numFmt numFmtId="164" formatCode="#,##0"/>
        <numFmt numFmtId="165" formatCode="0.0"/>
        <numFmt numFmtId="166" formatCode="0.00"/>
        <numFmt numFmtId="167" formatCode="0.000"/>
        <numFmt numFmtId="168" formatCode="0.0000"/>
      </numFmts>
      <fonts count="4">
        <font><sz val="11"/><name val="宋体"/><charset val="134"/></font>
        <font><b/><sz val="11"/><name val="宋体"/><charset val="134"/></font>
        <font><b/><sz val="14"/><name val="宋体"/><charset val="134"/></font>
        <font><u/><sz val="11"/><color rgb="FF0563C1"/><name val="宋体"/>
          <charset val="134"/></font>
      </fonts>
      <fills count="7">
        <fill><patternFill patternType="none"/></fill>
        <fill><patternFill patternType="gray125"/></fill>
        <xsl:for-each select="exsl:node-set($fill-rtf)/m:f">
          <fill>
            <patternFill patternType="solid">
              <fgColor rgb="{@rgb}"/><bgColor indexed="64"/>
            </patternFill>
          </fill>
        </xsl:for-each>
      </fills>
      <borders count="2">
        <border><left/><right/><top/><bottom/><diagonal/></border>
        <border>
          <left style="thin"><color auto="1"/></left>
          <right style="thin"><color auto="1"/></right>
          <top style="thin"><color auto="1"/></top>
          <bottom style="thin"><color auto="1"/></bottom>
          <diagonal/>
        </border>
      </borders>
      <cellStyleXfs count="1">
        <xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>
      </cellStyleXfs>
      <cellXfs count="49">
        <xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
        <xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0"
            applyFont="1" applyAlignment="1">
          <alignment horizontal="center" vertical="center"/>
        </xf>
        <xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0"
            applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1">
          <alignment horizontal="center" vertical="center" wrapText="1"/>
        </xf>
        <xsl:call-template name="xf-text"/>
        <xsl:call-template name="xf-code"/>
        <xf numFmtId="0" fontId="1" fillId="0" borderId="1" xfId="0"
            applyFont="1" applyBorder="1" applyAlignment="1">
          <alignment vertical="center" wrapText="1"/>
        </xf>
        <xsl:for-each select="$seq[position() &lt;= 10]">
          <xsl:call-template name="xf-amount">
            <xsl:with-param name="d" select="(position() - 1) mod 5"/>
            <xsl:with-param name="font" select="number(position() &gt; 5)"/>
          </xsl:call-template>
        </xsl:for-each>
        <xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0"
            applyFont="1" applyAlignment="1">
          <alignment vertical="top" wrapText="1"/>
        </xf>
        <xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"
            applyAlignment="1">
          <alignment vertical="top" wrapText="1"/>
        </xf>
        <xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"
            applyAlignment="1">
          <alignment horizontal="left" vertical="center"/>
        </xf>
        <xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"
            applyAlignment="1">
          <alignment horizontal="right" vertical="center"/>
        </xf>
        <!-- 20-26: input cells of a template -->
        <xsl:for-each select="$seq[position() &lt;= 5]">
          <xsl:call-template name="xf-amount">
            <xsl:with-param name="d" select="position() - 1"/>
            <xsl:with-param name="fill" select="6"/>
            <xsl:with-param name="unlocked" select="true()"/>
          </xsl:call-template>
        </xsl:for-each>
        <xsl:call-template name="xf-text">
          <xsl:with-param name="fill" select="6"/>
          <xsl:with-param name="unlocked" select="true()"/>
        </xsl:call-template>
        <xsl:call-template name="xf-code">
          <xsl:with-param name="fill" select="6"/>
          <xsl:with-param name="unlocked" select="true()"/>
        </xsl:call-template>
        <!-- 27-47: shaded by severity -->
        <xsl:for-each select="$seq[position() &lt;= 3]">
          <xsl:variable name="fill" select="position() + 2"/>
          <xsl:for-each select="$seq[position() &lt;= 5]">
            <xsl:call-template name="xf-amount">
              <xsl:with-param name="d" select="position() - 1"/>
              <xsl:with-param name="fill" select="$fill"/>
            </xsl:call-template>
          </xsl:for-each>
          <xsl:call-template name="xf-text">
            <xsl:with-param name="fill" select="$fill"/>
          </xsl:call-template>
          <xsl:call-template name="xf-code">
            <xsl:with-param name="fill" select="$fill"/>
          </xsl:call-template>
        </xsl:for-each>
        <xf numFmtId="0" fontId="3" fillId="0" borderId="0" xfId="0"
            applyFont="1"/>
      </cellXfs>
      <cellStyles count="1">
        <cellStyle name="Normal" xfId="0" builtinId="0"/>
      </cellStyles>
    </styleSheet>
  </xsl:template>

  <!-- Fills 2-6: header grey, error red, warning yellow, info blue,
       input cells pale yellow. -->
  <xsl:variable name="fill-rtf">
    <m:f rgb="FFD9D9D9"/><m:f rgb="FFFFC7CE"/><m:f rgb="FFFFEB9C"/>
    <m:f rgb="FFDDEBF7"/><m:f rgb="FFFFF2CC"/>
  </xsl:variable>

  <xsl:template name="xf-protection">
    <xsl:param name="unlocked"/>
    <xsl:if test="$unlocked">
      <protection xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
          locked="0"/>
    </xsl:if>
  </xsl:template>

  <xsl:template name="xf-amount">
    <xsl:param name="d"/>
    <xsl:param name="font" select="0"/>
    <xsl:param name="fill" select="0"/>
    <xsl:param name="unlocked" select="false()"/>
    <xf xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        numFmtId="{164 + $d}" fontId="{$font}" fillId="{$fill}"
        borderId="1" xfId="0" applyNumberFormat="1" applyFont="1"
        applyFill="1" applyBorder="1" applyProtection="1">
      <xsl:call-template name="xf-protection">
        <xsl:with-param name="unlocked" select="$unlocked"/>
      </xsl:call-template>
    </xf>
  </xsl:template>

  <xsl:template name="xf-text">
    <xsl:param name="fill" select="0"/>
    <xsl:param name="unlocked" select="false()"/>
    <xf xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        numFmtId="0" fontId="0" fillId="{$fill}" borderId="1" xfId="0"
        applyFill="1" applyBorder="1" applyAlignment="1"
        applyProtection="1">
      <alignment vertical="center" wrapText="1"/>
      <xsl:call-template name="xf-protection">
        <xsl:with-param name="unlocked" select="$unlocked"/>
      </xsl:call-template>
    </xf>
  </xsl:template>

  <xsl:template name="xf-code">
    <xsl:param name="fill" select="0"/>
    <xsl:param name="unlocked" select="false()"/>
    <xf xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        numFmtId="49" fontId="0" fillId="{$fill}" borderId="1" xfId="0"
        applyNumberFormat="1" applyFill="1" applyBorder="1"
        applyAlignment="1" applyProtection="1">
      <alignment horizontal="left" vertical="center"/>
      <xsl:call-template name="xf-protection">
        <xsl:with-param name="unlocked" select="$unlocked"/>
      </xsl:call-template>
    </xf>
  </xsl:template>

</xsl:stylesheet>
