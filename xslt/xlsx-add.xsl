<?xml version="1.0" encoding="UTF-8"?>
<!--
  xlsx-add.xsl (included by xlsx.xsl): in the blank workbook to fill in
  (template = '1'), the sheets where a department adds rows, and the
  hidden sheet of codes their lists take.

  - One sheet "表N 新增行" per table of function, unit, project or
    economic rows (add-kind): the key columns (function code with a list
    of the year's codes, a data validation referring to the hidden sheet
    _codes, and name; unit code and name; the unit's code, project kind,
    code and name; 部门预算 and 政府预算 economic codes, lists on _codes
    C and E, and names; function and economic rows of a table with units
    also say their unit's code), then the table's amount columns (those of its 合计 row, with
    the labels of the table's own header); $add-rows input rows, unlocked,
    everything else locked.  The cell map gets one
    <m:add s="sheet" n="ordinal of the table" rows="N" e="func|unit|project|eco"
           k="key attributes (@unit: the parent unit's code)"
           a="amount attributes"/>
    and src/xlsx_read.c makes every filled row such an element of that
    table (docs/xlsx.md says where it goes).
  - Sheet _codes (hidden): the function codes and names of the year's code
    list (A:B), which src/xlsx_write.c puts into the input as
    codes:codeList (schemas/codes/YEAR/function.xml); with an economic add
    sheet also dep-economic.xml (C:D) and gov-economic.xml (E:F).
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
  <xsl:variable name="codes"
      select="/*/cl:codeList[not(@kind) or @kind = 'function']/cl:code"/>
  <xsl:variable name="dep-codes"
      select="/*/cl:codeList[@kind = 'depEconomic']/cl:code"/>
  <xsl:variable name="gov-codes"
      select="/*/cl:codeList[@kind = 'govEconomic']/cl:code"/>
  <xsl:variable name="add-tables"
      select="$tables[$tpl][self::bx:incomeSummary or self::bx:expenditureSummary
              or self::bx:gpbExpenditure or self::bx:govFundExpenditure
              or self::bx:stateCapitalExpenditure
              or self::bx:projectExpenditure
              or self::bx:gpbBasic or self::bx:economicSummary][bx:total]"/>
  <!-- the economic lists (columns C:D and E:F of _codes) only when a
       table of economic rows has an add sheet -->
  <xsl:variable name="eco-lists"
      select="boolean($add-tables[self::bx:gpbBasic or self::bx:economicSummary])"/>

  <!-- What a table's added rows are: project (项目支出预算表), unit (a
       table of department and unit rows without function rows), else
       func (function rows; with a unit column when the table has units). -->
  <xsl:template name="add-kind">
    <xsl:choose>
      <xsl:when test="self::bx:projectExpenditure">project</xsl:when>
      <xsl:when test="self::bx:gpbBasic or self::bx:economicSummary">eco</xsl:when>
      <xsl:when test="bx:dept and not(.//bx:func)">unit</xsl:when>
      <xsl:otherwise>func</xsl:otherwise>
    </xsl:choose>
  </xsl:template>
  <!-- sheets added: one per table, and _codes when there is one -->
  <xsl:variable name="nadd"
      select="count($add-tables) + number(count($add-tables) &gt; 0)"/>
  <xsl:variable name="codes-name" select="'_codes'"/>
  <xsl:variable name="ncode-rows">
    <xsl:choose>
      <xsl:when test="not($eco-lists) or (count($codes) &gt;= count($dep-codes)
                      and count($codes) &gt;= count($gov-codes))">
        <xsl:value-of select="count($codes)"/>
      </xsl:when>
      <xsl:when test="count($dep-codes) &gt;= count($gov-codes)">
        <xsl:value-of select="count($dep-codes)"/>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="count($gov-codes)"/></xsl:otherwise>
    </xsl:choose>
  </xsl:variable>

  <xsl:template name="add-sheet-name">
    <xsl:variable name="base">
      <xsl:call-template name="sheet-name"/>
    </xsl:variable>
    <xsl:variable name="no">
      <xsl:value-of select="substring-before(concat($base, ' '), ' ')"/>
    </xsl:variable>
    <xsl:value-of select="concat($no, ' 新增行')"/>
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
    <xsl:variable name="kind">
      <xsl:call-template name="add-kind"/>
    </xsl:variable>
    <!-- the key columns: an attribute, or @unit (the unit the row goes
         under, by its code) -->
    <xsl:variable name="keys-rtf">
      <xsl:choose>
        <xsl:when test="$kind = 'project'">
          <m:k n="@unit" l="所属单位编码" code="1"/>
          <m:k n="kind" l="项目类别"/>
          <m:k n="code" l="项目编码" code="1"/>
          <m:k n="name" l="项目名称"/>
        </xsl:when>
        <xsl:when test="$kind = 'unit'">
          <m:k n="code" l="单位编码" code="1"/>
          <m:k n="name" l="单位名称"/>
        </xsl:when>
        <xsl:when test="$kind = 'eco'">
          <xsl:if test="bx:dept or .//bx:unit">
            <m:k n="@unit" l="所属单位编码" code="1"/>
          </xsl:if>
          <m:k n="dep" l="部门预算支出经济分类科目编码" code="1" list="C"/>
          <m:k n="depName" l="部门预算经济分类科目名称"/>
          <m:k n="gov" l="政府预算支出经济分类科目编码" code="1" list="E"/>
          <m:k n="govName" l="政府预算经济分类科目名称"/>
        </xsl:when>
        <xsl:otherwise>
          <xsl:if test="bx:dept or .//bx:unit">
            <m:k n="@unit" l="所属单位编码" code="1"/>
          </xsl:if>
          <m:k n="code" l="功能分类科目编码" code="1" list="1"/>
          <m:k n="name" l="科目名称"/>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="keys" select="exsl:node-set($keys-rtf)/m:k"/>
    <xsl:variable name="nk" select="count($keys)"/>
    <xsl:variable name="what">
      <xsl:choose>
        <xsl:when test="$kind = 'project'">项目</xsl:when>
        <xsl:when test="$kind = 'unit'">单位</xsl:when>
        <xsl:when test="$kind = 'eco'">经济分类科目</xsl:when>
        <xsl:otherwise>功能分类科目</xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="head"
        select="concat($title, '：新增行（在此填写表中没有的', $what, '）')"/>
    <xsl:variable name="list-col">
      <xsl:for-each select="$keys">
        <xsl:if test="@list = '1'">
          <xsl:call-template name="col">
            <xsl:with-param name="i" select="position()"/>
          </xsl:call-template>
        </xsl:if>
      </xsl:for-each>
    </xsl:variable>
    <xsl:variable name="amount-col">
      <xsl:call-template name="col">
        <xsl:with-param name="i" select="$nk + 1"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:variable name="ncols" select="$nk + count($cols)"/>
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
          <xsl:for-each select="$keys">
            <col min="{position()}" max="{position()}" customWidth="1"
                width="{16 + 20 * number(@n = 'name' or @n = 'depName'
                        or @n = 'govName')}"/>
          </xsl:for-each>
          <xsl:if test="$ncols &gt; $nk">
            <col min="{$nk + 1}" max="{$ncols}" width="14" customWidth="1"/>
          </xsl:if>
        </cols>
        <sheetData>
          <row r="1" ht="24" customHeight="1">
            <xsl:call-template name="istr">
              <xsl:with-param name="sheet" select="$sheet"/>
              <xsl:with-param name="r" select="'A1'"/>
              <xsl:with-param name="s" select="1"/>
              <xsl:with-param name="v" select="$head"/>
            </xsl:call-template>
          </row>
          <row r="2" ht="30" customHeight="1">
            <xsl:for-each select="$keys">
              <xsl:call-template name="add-head">
                <xsl:with-param name="sheet" select="$sheet"/>
                <xsl:with-param name="i" select="position()"/>
              </xsl:call-template>
            </xsl:for-each>
            <xsl:for-each select="$cols">
              <xsl:call-template name="add-head">
                <xsl:with-param name="sheet" select="$sheet"/>
                <xsl:with-param name="i" select="position() + $nk"/>
              </xsl:call-template>
            </xsl:for-each>
          </row>
          <xsl:for-each select="$seq[position() &lt;= $add-rows]">
            <xsl:variable name="r" select="position() + 2"/>
            <row r="{$r}">
              <xsl:for-each select="$keys">
                <xsl:variable name="c">
                  <xsl:call-template name="col">
                    <xsl:with-param name="i" select="position()"/>
                  </xsl:call-template>
                </xsl:variable>
                <c r="{$c}{$r}" s="{25 + number(@code = '1')}"/>
              </xsl:for-each>
              <xsl:for-each select="$cols">
                <xsl:variable name="c">
                  <xsl:call-template name="col">
                    <xsl:with-param name="i" select="position() + $nk"/>
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
            <xsl:value-of select="number(count($codes) &gt; 0 and $list-col != '')
                                  + number($ncols &gt; $nk)
                                  + number(count($dep-codes) &gt; 0
                                           and $keys[@list = 'C'])
                                  + number(count($gov-codes) &gt; 0
                                           and $keys[@list = 'E'])"/>
          </xsl:attribute>
          <xsl:if test="count($codes) &gt; 0 and $list-col != ''">
            <dataValidation type="list" allowBlank="1" showErrorMessage="1"
                errorTitle="功能分类科目编码"
                sqref="{$list-col}3:{$list-col}{$end}"
                error="请从列表中选择本年度的功能分类科目编码（类3位、款5位、项7位）">
              <formula1>
                <xsl:value-of select="concat($codes-name, '!$A$1:$A$',
                                      count($codes))"/>
              </formula1>
            </dataValidation>
          </xsl:if>
          <xsl:for-each select="$keys[@list = 'C' or @list = 'E']">
            <xsl:variable name="lc">
              <xsl:call-template name="col">
                <xsl:with-param name="i" select="count(preceding-sibling::m:k) + 1"/>
              </xsl:call-template>
            </xsl:variable>
            <xsl:variable name="n"
                select="count($dep-codes) * number(@list = 'C')
                        + count($gov-codes) * number(@list = 'E')"/>
            <xsl:if test="$n &gt; 0">
              <dataValidation type="list" allowBlank="1" showErrorMessage="1"
                  errorTitle="{@l}" sqref="{$lc}3:{$lc}{$end}"
                  error="请从列表中选择本年度的经济分类科目编码（类3位、款5位）">
                <formula1>
                  <xsl:value-of select="concat($codes-name, '!$', @list,
                                        '$1:$', @list, '$', $n)"/>
                </formula1>
              </dataValidation>
            </xsl:if>
          </xsl:for-each>
          <xsl:if test="$ncols &gt; $nk">
            <dataValidation type="decimal" operator="between" allowBlank="1"
                showErrorMessage="1" errorTitle="金额"
                sqref="{$amount-col}3:{$last}{$end}"
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
    <m:fix s="{$sheet}" r="A1" v="{$head}"/>
    <xsl:for-each select="$keys">
      <xsl:call-template name="add-head-fix">
        <xsl:with-param name="sheet" select="$sheet"/>
        <xsl:with-param name="i" select="position()"/>
      </xsl:call-template>
    </xsl:for-each>
    <xsl:for-each select="$cols">
      <xsl:call-template name="add-head-fix">
        <xsl:with-param name="sheet" select="$sheet"/>
        <xsl:with-param name="i" select="position() + $nk"/>
      </xsl:call-template>
    </xsl:for-each>
    <m:add s="{$sheet}" n="{@m:n}" rows="{$add-rows}" e="{$kind}">
      <xsl:attribute name="k">
        <xsl:for-each select="$keys">
          <xsl:if test="position() &gt; 1"><xsl:text> </xsl:text></xsl:if>
          <xsl:value-of select="@n"/>
        </xsl:for-each>
      </xsl:attribute>
      <xsl:attribute name="a">
        <xsl:for-each select="$cols">
          <xsl:if test="position() &gt; 1"><xsl:text> </xsl:text></xsl:if>
          <xsl:value-of select="@n"/>
        </xsl:for-each>
      </xsl:attribute>
    </m:add>
  </xsl:template>

  <!-- Header cell $i of row 2 (label @l) and its line in the map. -->
  <xsl:template name="add-head">
    <xsl:param name="sheet"/>
    <xsl:param name="i"/>
    <xsl:variable name="c">
      <xsl:call-template name="col">
        <xsl:with-param name="i" select="$i"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:call-template name="istr">
      <xsl:with-param name="sheet" select="$sheet"/>
      <xsl:with-param name="r" select="concat($c, '2')"/>
      <xsl:with-param name="s" select="2"/>
      <xsl:with-param name="v" select="@l"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="add-head-fix">
    <xsl:param name="sheet"/>
    <xsl:param name="i"/>
    <xsl:variable name="c">
      <xsl:call-template name="col">
        <xsl:with-param name="i" select="$i"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:if test="@l != ''">
      <m:fix s="{$sheet}" r="{$c}2" v="{@l}"/>
    </xsl:if>
  </xsl:template>

  <xsl:template name="codes-sheet">
    <xsl:param name="i"/>
    <m:part name="xl/worksheets/sheet{$i}.xml">
      <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
        <sheetData>
          <xsl:for-each select="($codes | $dep-codes[$eco-lists]
                                | $gov-codes[$eco-lists])
                                [position() &lt;= $ncode-rows]">
            <xsl:variable name="p" select="position()"/>
            <row r="{$p}">
              <xsl:for-each select="$codes[$p]">
                <c r="A{$p}" t="inlineStr" s="4">
                  <is><t><xsl:value-of select="@value"/></t></is>
                </c>
                <c r="B{$p}" t="inlineStr" s="3">
                  <is><t><xsl:value-of select="@name"/></t></is>
                </c>
              </xsl:for-each>
              <xsl:for-each select="$dep-codes[$eco-lists][$p]">
                <c r="C{$p}" t="inlineStr" s="4">
                  <is><t><xsl:value-of select="@value"/></t></is>
                </c>
                <c r="D{$p}" t="inlineStr" s="3">
                  <is><t><xsl:value-of select="@name"/></t></is>
                </c>
              </xsl:for-each>
              <xsl:for-each select="$gov-codes[$eco-lists][$p]">
                <c r="E{$p}" t="inlineStr" s="4">
                  <is><t><xsl:value-of select="@value"/></t></is>
                </c>
                <c r="F{$p}" t="inlineStr" s="3">
                  <is><t><xsl:value-of select="@name"/></t></is>
                </c>
              </xsl:for-each>
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
    <xsl:if test="$eco-lists">
      <xsl:for-each select="$dep-codes">
        <m:fix s="{$codes-name}" r="C{position()}" v="{@value}"/>
        <m:fix s="{$codes-name}" r="D{position()}" v="{@name}"/>
      </xsl:for-each>
      <xsl:for-each select="$gov-codes">
        <m:fix s="{$codes-name}" r="E{position()}" v="{@value}"/>
        <m:fix s="{$codes-name}" r="F{position()}" v="{@name}"/>
      </xsl:for-each>
    </xsl:if>
  </xsl:template>

</xsl:stylesheet>
