<?xml version="1.0" encoding="UTF-8"?>
<!--
  xlsx-add.xsl (included by xlsx.xsl): in the blank workbook to fill in
  (template = '1'), the sheets where a department adds rows, and the
  hidden sheet of codes their lists take.

  - One sheet "表N 新增科目行" per table keyed by function codes (no
    department/unit rows): column A the function code (a list of the
    year's codes: data validation referring to the hidden sheet _codes),
    B the name, then the table's amount columns (those of its 合计 row, with
    the labels of the table's own header); $add-rows input rows, unlocked,
    everything else locked.  The cell map gets one
    <m:add s="sheet" n="ordinal of the table" a="attributes of C, D ..."/>
    and src/xlsx_read.c makes every filled row a bx:func of that table,
    nested under the row whose code is its prefix.
  - Sheet _codes (hidden): the function codes and names of the year's code
    list, which src/xlsx_write.c puts into the input as
    codes:codeList (schemas/codes/YEAR/function.xml).
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:bx="urn:budgetx:disclosure:1"
    xmlns:cl="urn:budgetx:codes:1"
    xmlns:exsl="http://exslt.org/common"
    xmlns:m="urn:budgetx:xslt:meta"
    extension-element-prefixes="exsl"
    exclude-result-prefixes="bx cl exsl m">

  <xsl:variable name="add-rows" select="100"/>
  <xsl:variable name="codes" select="/*/cl:codeList/cl:code"/>
  <xsl:variable name="add-tables"
      select="$tables[$tpl][self::bx:incomeSummary or self::bx:expenditureSummary
              or self::bx:gpbExpenditure or self::bx:govFundExpenditure
              or self::bx:stateCapitalExpenditure]
              [bx:total and not(bx:dept or bx:unit)]"/>
  <!-- sheets added: one per table, and _codes when there is one -->
  <xsl:variable name="nadd"
      select="count($add-tables) + number(count($add-tables) &gt; 0)"/>
  <xsl:variable name="codes-name" select="'_codes'"/>

  <xsl:template name="add-sheet-name">
    <xsl:variable name="base">
      <xsl:call-template name="sheet-name"/>
    </xsl:variable>
    <xsl:variable name="no">
      <xsl:value-of select="substring-before(concat($base, ' '), ' ')"/>
    </xsl:variable>
    <xsl:value-of select="concat($no, ' 新增科目行')"/>
  </xsl:template>

  <!-- <sheet> entries of workbook.xml, from sheetId $first on -->
  <xsl:template name="add-workbook-sheets">
    <xsl:param name="first"/>
    <xsl:for-each select="$add-tables">
      <xsl:variable name="name">
        <xsl:call-template name="add-sheet-name"/>
      </xsl:variable>
      <sheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
          xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"
          name="{$name}" sheetId="{$first + position() - 1}"
          r:id="rId{$first + position() - 1}"/>
    </xsl:for-each>
    <xsl:if test="$nadd &gt; 0">
      <sheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
          xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"
          name="{$codes-name}" sheetId="{$first + $nadd - 1}" state="hidden"
          r:id="rId{$first + $nadd - 1}"/>
    </xsl:if>
  </xsl:template>

  <!-- the parts: sheet $first ... -->
  <xsl:template name="add-sheets">
    <xsl:param name="first"/>
    <xsl:for-each select="$add-tables">
      <xsl:call-template name="add-sheet">
        <xsl:with-param name="i" select="$first + position() - 1"/>
      </xsl:call-template>
    </xsl:for-each>
    <xsl:if test="$nadd &gt; 0">
      <xsl:call-template name="codes-sheet">
        <xsl:with-param name="i" select="$first + $nadd - 1"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

  <xsl:template name="add-sheet">
    <xsl:param name="i"/>
    <xsl:variable name="name">
      <xsl:call-template name="add-sheet-name"/>
    </xsl:variable>
    <xsl:variable name="sheet" select="string($name)"/>
    <xsl:variable name="title">
      <xsl:call-template name="table-title"/>
    </xsl:variable>
    <xsl:variable name="g-rtf">
      <xsl:call-template name="grid"/>
    </xsl:variable>
    <xsl:variable name="g" select="exsl:node-set($g-rtf)/m:grid"/>
    <!-- the amount columns: the token cells of the first row with any -->
    <xsl:variable name="first-row"
        select="($g/m:body/m:row[m:c[starts-with(., $tok)]])[1]"/>
    <xsl:variable name="cols-rtf">
      <xsl:for-each select="$first-row/*">
        <xsl:variable name="p" select="position()"/>
        <xsl:if test="starts-with(., $tok)">
          <xsl:variable name="l">
            <xsl:for-each select="$g/m:head/m:row/*[$p][self::m:c]
                                  [normalize-space(.) != '']">
              <xsl:if test="position() &gt; 1"><xsl:text> </xsl:text></xsl:if>
              <xsl:value-of select="normalize-space(.)"/>
            </xsl:for-each>
          </xsl:variable>
          <m:a n="{substring-before(substring-after(., ' '), ' ')}" l="{$l}"/>
        </xsl:if>
      </xsl:for-each>
    </xsl:variable>
    <xsl:variable name="cols" select="exsl:node-set($cols-rtf)/m:a"/>
    <xsl:variable name="ncols" select="2 + count($cols)"/>
    <xsl:variable name="last">
      <xsl:call-template name="col">
        <xsl:with-param name="i" select="$ncols"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:variable name="end" select="2 + $add-rows"/>
    <m:part name="xl/worksheets/sheet{$i}.xml">
      <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
          xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
        <sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>
        <sheetViews>
          <sheetView workbookViewId="0">
            <pane ySplit="2" topLeftCell="A3" activePane="bottomLeft"
                state="frozen"/>
            <selection pane="bottomLeft" activeCell="A3" sqref="A3"/>
          </sheetView>
        </sheetViews>
        <sheetFormatPr defaultRowHeight="15"/>
        <cols>
          <col min="1" max="1" width="16" customWidth="1"/>
          <col min="2" max="2" width="36" customWidth="1"/>
          <xsl:if test="$ncols &gt; 2">
            <col min="3" max="{$ncols}" width="14" customWidth="1"/>
          </xsl:if>
        </cols>
        <sheetData>
          <row r="1" ht="24" customHeight="1">
            <xsl:call-template name="istr">
              <xsl:with-param name="sheet" select="$sheet"/>
              <xsl:with-param name="r" select="'A1'"/>
              <xsl:with-param name="s" select="1"/>
              <xsl:with-param name="v"
                  select="concat($title, '：新增科目行（在此填写表中没有的功能分类科目）')"/>
            </xsl:call-template>
          </row>
          <row r="2" ht="30" customHeight="1">
            <xsl:call-template name="istr">
              <xsl:with-param name="sheet" select="$sheet"/>
              <xsl:with-param name="r" select="'A2'"/>
              <xsl:with-param name="s" select="2"/>
              <xsl:with-param name="v" select="'功能分类科目编码'"/>
            </xsl:call-template>
            <xsl:call-template name="istr">
              <xsl:with-param name="sheet" select="$sheet"/>
              <xsl:with-param name="r" select="'B2'"/>
              <xsl:with-param name="s" select="2"/>
              <xsl:with-param name="v" select="'科目名称'"/>
            </xsl:call-template>
            <xsl:for-each select="$cols">
              <xsl:variable name="c">
                <xsl:call-template name="col">
                  <xsl:with-param name="i" select="position() + 2"/>
                </xsl:call-template>
              </xsl:variable>
              <xsl:call-template name="istr">
                <xsl:with-param name="sheet" select="$sheet"/>
                <xsl:with-param name="r" select="concat($c, '2')"/>
                <xsl:with-param name="s" select="2"/>
                <xsl:with-param name="v" select="@l"/>
              </xsl:call-template>
            </xsl:for-each>
          </row>
          <xsl:for-each select="$seq[position() &lt;= $add-rows]">
            <xsl:variable name="r" select="position() + 2"/>
            <row r="{$r}">
              <c r="A{$r}" s="26"/>
              <c r="B{$r}" s="25"/>
              <xsl:for-each select="$cols">
                <xsl:variable name="c">
                  <xsl:call-template name="col">
                    <xsl:with-param name="i" select="position() + 2"/>
                  </xsl:call-template>
                </xsl:variable>
                <c r="{$c}{$r}" s="{20 + $declared - ($declared - 4) * number($declared &gt; 4)}"/>
              </xsl:for-each>
            </row>
          </xsl:for-each>
        </sheetData>
        <sheetProtection sheet="1" objects="1" scenarios="1"
            formatColumns="0" formatRows="0"/>
        <mergeCells count="1"><mergeCell ref="A1:{$last}1"/></mergeCells>
        <dataValidations>
          <xsl:attribute name="count">
            <xsl:value-of select="number(count($codes) &gt; 0)
                                  + number($ncols &gt; 2)"/>
          </xsl:attribute>
          <xsl:if test="count($codes) &gt; 0">
            <dataValidation type="list" allowBlank="1" showErrorMessage="1"
                errorTitle="功能分类科目编码" sqref="A3:A{$end}"
                error="请从列表中选择本年度的功能分类科目编码（类3位、款5位、项7位）">
              <formula1>
                <xsl:value-of select="concat($codes-name, '!$A$1:$A$',
                                      count($codes))"/>
              </formula1>
            </dataValidation>
          </xsl:if>
          <xsl:if test="$ncols &gt; 2">
            <dataValidation type="decimal" operator="between" allowBlank="1"
                showErrorMessage="1" errorTitle="金额"
                sqref="C3:{$last}{$end}"
                error="请输入数字（金额单位见对应表的表头“单位”）">
              <formula1>-1000000000000</formula1>
              <formula2>1000000000000</formula2>
            </dataValidation>
          </xsl:if>
        </dataValidations>
        <pageMargins left="0.4" right="0.4" top="0.75" bottom="0.75"
            header="0.3" footer="0.3"/>
        <pageSetup paperSize="9" orientation="landscape" fitToWidth="1"
            fitToHeight="0"/>
        <xsl:call-template name="header-footer"/>
      </worksheet>
    </m:part>
    <m:fix s="{$sheet}" r="A1"
        v="{concat($title, '：新增科目行（在此填写表中没有的功能分类科目）')}"/>
    <m:fix s="{$sheet}" r="A2" v="功能分类科目编码"/>
    <m:fix s="{$sheet}" r="B2" v="科目名称"/>
    <xsl:for-each select="$cols">
      <xsl:variable name="c">
        <xsl:call-template name="col">
          <xsl:with-param name="i" select="position() + 2"/>
        </xsl:call-template>
      </xsl:variable>
      <xsl:if test="@l != ''">
        <m:fix s="{$sheet}" r="{$c}2" v="{@l}"/>
      </xsl:if>
    </xsl:for-each>
    <m:add s="{$sheet}" n="{@m:n}" rows="{$add-rows}">
      <xsl:attribute name="a">
        <xsl:for-each select="$cols">
          <xsl:if test="position() &gt; 1"><xsl:text> </xsl:text></xsl:if>
          <xsl:value-of select="@n"/>
        </xsl:for-each>
      </xsl:attribute>
    </m:add>
  </xsl:template>

  <xsl:template name="codes-sheet">
    <xsl:param name="i"/>
    <m:part name="xl/worksheets/sheet{$i}.xml">
      <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
        <sheetData>
          <xsl:for-each select="$codes">
            <row r="{position()}">
              <c r="A{position()}" t="inlineStr" s="4">
                <is><t><xsl:value-of select="@value"/></t></is>
              </c>
              <c r="B{position()}" t="inlineStr" s="3">
                <is><t><xsl:value-of select="@name"/></t></is>
              </c>
            </row>
          </xsl:for-each>
        </sheetData>
        <sheetProtection sheet="1" objects="1" scenarios="1"/>
      </worksheet>
    </m:part>
    <xsl:for-each select="$codes">
      <m:fix s="{$codes-name}" r="A{position()}" v="{@value}"/>
      <m:fix s="{$codes-name}" r="B{position()}" v="{@name}"/>
    </xsl:for-each>
  </xsl:template>

</xsl:stylesheet>
