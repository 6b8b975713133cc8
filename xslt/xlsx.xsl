<?xml version="1.0" encoding="UTF-8"?>
<!--
  xlsx.xsl: the disclosure as the parts of a SpreadsheetML workbook
  (ECMA-376).  One sheet of metadata and narrative, then one sheet per
  table laid out by grid.xsl exactly as printed.  src/xlsx_write.c zips
  the parts; it also writes the hidden sheet "_bx" (the source document
  and the cell map), whose part is announced here as an empty placeholder.

  Result (namespace urn:budgetx:xslt:meta, prefix m):
    <m:parts>
      <m:part name="xl/workbook.xml"><workbook .../></m:part> ...
      <m:part name="xl/worksheets/sheetN.xml" bx="1"/>  (the _bx sheet)
      <m:map s="sheet" r="E12" n="ordinal" a="attribute"/>  an amount
      <m:fix s="sheet" r="A1" v="text"/>                    a fixed cell
      <m:lines>m TAB sheet TAB E12 TAB ordinal TAB attribute LF
               f TAB sheet TAB A1 TAB text LF ...</m:lines>
                  the same as text (a table's cells, when only is a number)
    </m:parts>

  The input is the output of xlsx-tok.xsl: every element carries m:n (its
  ordinal in document order, set by xlsx_write.c), and every amount of the
  tables is a token (U+E000 ordinal ' ' name ' ' value).  grid.xsl never
  looks at the value of an amount, so the grid of the tokens has the shape
  of the real one, and each amount cell says where it came from: the cell
  map names elements by their ordinal.  Parameters: stamp (ISO time of docProps), template ('1': the
  blank workbook to fill in: input cells unlocked, sheets protected),
  only (one part at a time, below).
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:bx="urn:budgetx:disclosure:1"
    xmlns:exsl="http://exslt.org/common"
    xmlns:m="urn:budgetx:xslt:meta"
    extension-element-prefixes="exsl"
    exclude-result-prefixes="bx exsl m">

  <xsl:include href="grid.xsl"/>
  <xsl:include href="seq.xsl"/>
  <xsl:include href="xlsx-parts.xsl"/>
  <xsl:include href="xlsx-notes.xsl"/>
  <xsl:include href="xlsx-add.xsl"/>
  <xsl:include href="xlsx-raw.xsl"/>

  <xsl:output method="xml" encoding="UTF-8"/>

  <xsl:param name="stamp" select="'1980-01-01T00:00:00Z'"/>
  <xsl:param name="template" select="'0'"/>
  <!-- '' every part; 'meta' every part but the table sheets, with
       <m:tables n="N"/> where they go; 'K' the sheet of table K only -->
  <xsl:param name="only" select="''"/>

  <xsl:variable name="root" select="/"/>
  <xsl:variable name="tpl" select="$template = '1'"/>
  <xsl:variable name="tok" select="'&#xE000;'"/>
  <xsl:variable name="letters" select="'ABCDEFGHIJKLMNOPQRSTUVWXYZ'"/>

  <xsl:variable name="declared"
      select="number(concat('0', $meta/bx:amounts/@decimals))"/>

  <!-- Sheet names: 表 + printed ordinal + title, at most 31 characters
       and none of []:*?/\ -->
  <xsl:template name="sheet-name">
    <xsl:param name="t" select="."/>
    <xsl:variable name="title">
      <xsl:call-template name="table-title">
        <xsl:with-param name="t" select="$t"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:variable name="no">
      <xsl:choose>
        <xsl:when test="string($t/@no) != ''">
          <xsl:value-of select="$t/@no"/>
        </xsl:when>
        <xsl:otherwise>
          <xsl:value-of select="number($M/m:table[@key = local-name($t)]/@n)"/>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:value-of select="substring(translate(concat('表', $no, ' ', $title),
                          '[]:*?/\', ''), 1, 31)"/>
  </xsl:template>

  <!-- Column letters of column $i (1-based, up to ZZ). -->
  <xsl:template name="col">
    <xsl:param name="i"/>
    <xsl:if test="$i &gt; 26">
      <xsl:value-of select="substring($letters, floor(($i - 1) div 26), 1)"/>
    </xsl:if>
    <xsl:value-of select="substring($letters, ($i - 1) mod 26 + 1, 1)"/>
  </xsl:template>

  <!-- ============================================================ -->
  <!-- The parts                                                      -->
  <!-- ============================================================ -->
  <xsl:template match="/">
    <xsl:choose>
      <xsl:when test="$only = '' or $only = 'meta'">
        <xsl:call-template name="all-parts"/>
      </xsl:when>
      <xsl:otherwise>
        <!-- one table's sheet: src/xlsx_write.c runs one table at a time,
             so that one sheet's cells are in memory, not the workbook's -->
        <m:parts>
          <xsl:for-each select="$tables[position() = number($only)]">
            <xsl:call-template name="table-sheet">
              <xsl:with-param name="i" select="number($only) + 1"/>
            </xsl:call-template>
          </xsl:for-each>
        </m:parts>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="all-parts">
    <xsl:variable name="n" select="count($tables)"/>
    <!-- sheets: 封面, the tables, [added rows, _codes], [问题清单], _bx -->
    <xsl:variable name="last" select="$n + 2 + number($ann) + $nadd"/>
    <m:parts>
      <m:part name="[Content_Types].xml">
        <xsl:call-template name="content-types">
          <xsl:with-param name="n" select="$last"/>
        </xsl:call-template>
      </m:part>
      <m:part name="_rels/.rels">
        <xsl:call-template name="root-rels"/>
      </m:part>
      <m:part name="docProps/app.xml">
        <xsl:call-template name="app"/>
      </m:part>
      <m:part name="docProps/core.xml">
        <xsl:call-template name="core"/>
      </m:part>
      <m:part name="xl/workbook.xml">
        <xsl:call-template name="workbook">
          <xsl:with-param name="last" select="$last"/>
        </xsl:call-template>
      </m:part>
      <m:part name="xl/_rels/workbook.xml.rels">
        <xsl:call-template name="workbook-rels">
          <xsl:with-param name="n" select="$last"/>
        </xsl:call-template>
      </m:part>
      <m:part name="xl/styles.xml">
        <xsl:call-template name="styles"/>
      </m:part>
      <xsl:call-template name="info-sheet"/>
      <xsl:choose>
        <xsl:when test="$only = 'meta'">
          <m:tables n="{$n}"/>
        </xsl:when>
        <xsl:otherwise>
          <xsl:for-each select="$tables">
            <xsl:call-template name="table-sheet">
              <xsl:with-param name="i" select="position() + 1"/>
            </xsl:call-template>
          </xsl:for-each>
        </xsl:otherwise>
      </xsl:choose>
      <xsl:call-template name="add-sheets">
        <xsl:with-param name="first" select="$n + 2"/>
      </xsl:call-template>
      <xsl:if test="$ann">
        <xsl:call-template name="findings-sheet">
          <xsl:with-param name="i" select="$n + 2"/>
        </xsl:call-template>
        <xsl:call-template name="notes-parts"/>
      </xsl:if>
      <m:part name="xl/worksheets/sheet{$last}.xml" bx="1"/>
    </m:parts>
  </xsl:template>

  <!-- ============================================================ -->
  <!-- Sheet 1: metadata and narrative                                -->
  <!-- ============================================================ -->
  <xsl:variable name="info-name"
      select="'封面'"/>

  <xsl:variable name="info-rows-rtf">
    <m:r k="title" v="{$meta/bx:title}"/>
    <m:r/>
    <xsl:if test="$tpl">
      <m:r k="head" v="填表说明"/>
      <m:r k="text" v="1. 只在着色（浅黄）的金额单元格中填写数字，单位见各表表头的“单位”；其余单元格已锁定（工作表保护，无密码）。"/>
      <m:r k="text" v="2. 金额按表中显示的小数位数读回；空单元格表示未填（不是 0），为 0 的请填 0。"/>
      <m:r k="text" v="3. 可以使用公式，保存时 Excel、WPS 或 LibreOffice 会保存计算结果；请勿增删行列、改名或删除工作表（隐藏的工作表 _bx 记录各单元格对应的数据）。"/>
      <m:r k="text" v="4. 填好后运行：budgetx convert --from xlsx 本工作簿.xlsx -o 公开文件.xml，再按提示修改。"/>
      <xsl:if test="$nadd &gt; 0">
        <m:r k="text" v="5. 表中没有的行（功能分类科目、单位、项目），在对应的“新增行”工作表中逐行填写：功能分类科目编码从下拉列表选择（类3位、款5位、项7位），项目和科目可填所属单位编码；读回时每行成为对应表中的一行（科目放在编码为其前缀的科目之下，单位放在部门之下，项目放在所属单位之下）。"/>
      </xsl:if>
      <m:r/>
    </xsl:if>
    <m:r l="财政区划代码" v="{$meta/bx:mofDivCode}" code="1"/>
    <m:r l="预算年度" v="{$meta/bx:fiscalYear}" code="1"/>
    <m:r l="部门代码" v="{$meta/bx:department/@code}" code="1"/>
    <m:r l="部门名称" v="{$meta/bx:department/@name}"/>
    <m:r l="公开模板" v="{$meta/bx:profile}"/>
    <m:r l="金额单位" v="{$meta/bx:amounts/@unit}"/>
    <m:r l="小数位数" v="{$meta/bx:amounts/@decimals}" code="1"/>
    <m:r l="公开日期" v="{$meta/bx:published}" code="1"/>
    <xsl:for-each select="$meta/bx:units/bx:unit">
      <m:r l="预算单位" v="{concat(@code, ' ', @name)}"/>
    </xsl:for-each>
    <m:r/>
    <xsl:for-each select="/bx:disclosure/*[not(self::bx:metadata or
                          self::bx:tables)]//*[@title or self::bx:para or
                          self::bx:duty or self::bx:item or self::bx:term]">
      <xsl:choose>
        <xsl:when test="@title">
          <m:r k="head" v="{concat(@no, substring('、', 1,
                          string-length(@no)), @title)}"/>
        </xsl:when>
        <xsl:when test="self::bx:term">
          <m:r l="{@name}" v="{normalize-space(.)}"/>
        </xsl:when>
        <xsl:when test="not(ancestor::bx:para or ancestor::bx:item)">
          <m:r k="text" v="{normalize-space(.)}"/>
        </xsl:when>
      </xsl:choose>
    </xsl:for-each>
  </xsl:variable>

  <xsl:template name="info-sheet">
    <xsl:variable name="sheet" select="$info-name"/>
    <xsl:variable name="rows" select="exsl:node-set($info-rows-rtf)/m:r"/>
    <m:part name="xl/worksheets/sheet1.xml">
      <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
          xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
        <sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>
        <sheetViews>
          <sheetView workbookViewId="0" tabSelected="{number(not($ann))}"/>
        </sheetViews>
        <sheetFormatPr defaultRowHeight="15"/>
        <cols>
          <col min="1" max="1" width="18" customWidth="1"/>
          <col min="2" max="2" width="100" customWidth="1"/>
        </cols>
        <sheetData>
          <xsl:for-each select="$rows">
            <xsl:variable name="r" select="position()"/>
            <row r="{$r}">
              <xsl:choose>
                <xsl:when test="@k = 'title' or @k = 'head'">
                  <xsl:call-template name="istr">
              <xsl:with-param name="sheet" select="$sheet"/>
                    <xsl:with-param name="r" select="concat('A', $r)"/>
                    <xsl:with-param name="s" select="1 + 15 * number(@k = 'head')"/>
                    <xsl:with-param name="v" select="@v"/>
                  </xsl:call-template>
                </xsl:when>
                <xsl:when test="@k = 'text'">
                  <xsl:call-template name="istr">
              <xsl:with-param name="sheet" select="$sheet"/>
                    <xsl:with-param name="r" select="concat('B', $r)"/>
                    <xsl:with-param name="s" select="17"/>
                    <xsl:with-param name="v" select="@v"/>
                  </xsl:call-template>
                </xsl:when>
                <xsl:when test="@l">
                  <xsl:call-template name="istr">
              <xsl:with-param name="sheet" select="$sheet"/>
                    <xsl:with-param name="r" select="concat('A', $r)"/>
                    <xsl:with-param name="s" select="16"/>
                    <xsl:with-param name="v" select="@l"/>
                  </xsl:call-template>
                  <xsl:call-template name="istr">
              <xsl:with-param name="sheet" select="$sheet"/>
                    <xsl:with-param name="r" select="concat('B', $r)"/>
                    <xsl:with-param name="s" select="17 - 13 * number(@code = '1')"/>
                    <xsl:with-param name="v" select="@v"/>
                  </xsl:call-template>
                </xsl:when>
              </xsl:choose>
            </row>
          </xsl:for-each>
        </sheetData>
        <xsl:if test="$tpl">
          <sheetProtection sheet="1" objects="1" scenarios="1"/>
        </xsl:if>
        <mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells>
        <pageMargins left="0.5" right="0.5" top="0.75" bottom="0.75"
            header="0.3" footer="0.3"/>
        <pageSetup paperSize="9" orientation="portrait" fitToWidth="1"
            fitToHeight="0"/>
        <xsl:call-template name="header-footer"/>
        <xsl:call-template name="legacy-drawing">
          <xsl:with-param name="sheet" select="$sheet"/>
        </xsl:call-template>
      </worksheet>
    </m:part>
    <xsl:for-each select="$rows">
      <xsl:variable name="r" select="position()"/>
      <xsl:if test="@l">
        <m:fix s="{$info-name}" r="A{$r}" v="{@l}"/>
      </xsl:if>
      <xsl:if test="string(@v) != ''">
        <m:fix s="{$info-name}" r="{concat(substring('AB',
            1 + number(@l or @k = 'text'), 1), $r)}" v="{@v}"/>
      </xsl:if>
    </xsl:for-each>
  </xsl:template>

  <xsl:template name="header-footer">
    <headerFooter xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
      <oddHeader>&amp;L&amp;A</oddHeader>
      <oddFooter>&amp;C第 &amp;P 页，共 &amp;N 页</oddFooter>
    </headerFooter>
  </xsl:template>

  <!-- The s attribute of a cell: style $s, shaded when annotating. -->
  <xsl:template name="style-attr">
    <xsl:param name="sheet"/>
    <xsl:param name="ref"/>
    <xsl:param name="s"/>
    <xsl:attribute name="s">
      <xsl:choose>
        <xsl:when test="$ann">
          <xsl:call-template name="cell-style">
            <xsl:with-param name="sheet" select="$sheet"/>
            <xsl:with-param name="ref" select="$ref"/>
            <xsl:with-param name="s" select="$s"/>
          </xsl:call-template>
        </xsl:when>
        <xsl:otherwise><xsl:value-of select="$s"/></xsl:otherwise>
      </xsl:choose>
    </xsl:attribute>
  </xsl:template>

  <!-- An inline string cell. -->
  <xsl:template name="istr">
    <xsl:param name="sheet"/>
    <xsl:param name="r"/>
    <xsl:param name="s"/>
    <xsl:param name="v"/>
    <c xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        r="{$r}" t="inlineStr">
      <xsl:call-template name="style-attr">
        <xsl:with-param name="sheet" select="$sheet"/>
        <xsl:with-param name="ref" select="$r"/>
        <xsl:with-param name="s" select="$s"/>
      </xsl:call-template>
      <is><t xml:space="preserve"><xsl:value-of select="$v"/></t></is>
    </c>
  </xsl:template>

  <!-- ============================================================ -->
  <!-- Table sheets                                                   -->
  <!-- ============================================================ -->

  <xsl:template name="table-sheet">
    <xsl:param name="i"/>
    <xsl:variable name="t" select="."/>
    <!-- a table printed with its own decimals (the Shanghai 三公 table
         in 万元 with 2): its empty cells take that number format -->
    <xsl:variable name="tdec" select="number(concat('0', $t/@decimals))
        * number(boolean($t/@decimals))
        + $declared * number(not($t/@decimals))"/>
    <xsl:variable name="name">
      <xsl:call-template name="sheet-name"/>
    </xsl:variable>
    <xsl:variable name="sheet" select="string($name)"/>
    <xsl:variable name="g-rtf">
      <xsl:call-template name="grid"/>
    </xsl:variable>
    <xsl:variable name="g" select="exsl:node-set($g-rtf)/m:grid"/>
    <xsl:variable name="cols" select="number($g/@cols)"/>
    <xsl:variable name="h" select="count($g/m:head/m:row)"/>
    <xsl:variable name="last">
      <xsl:call-template name="col">
        <xsl:with-param name="i" select="$cols"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:variable name="title">
      <xsl:call-template name="table-title"/>
    </xsl:variable>
    <xsl:variable name="dept">
      <xsl:call-template name="table-dept-name"/>
    </xsl:variable>
    <!-- the table's own unit (@unit, e.g. 三公 in 万元 in a 元 document) -->
    <xsl:variable name="unit">
      <xsl:call-template name="table-unit"/>
    </xsl:variable>
    <xsl:variable name="half" select="ceiling($cols div 2)"/>
    <xsl:variable name="unit-col">
      <xsl:call-template name="col">
        <xsl:with-param name="i" select="$half + 1"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:variable name="nbody" select="count($g/m:body/m:row)"/>
    <m:part name="xl/worksheets/sheet{$i}.xml">
      <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
          xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
        <sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>
        <sheetViews>
          <sheetView workbookViewId="0">
            <pane ySplit="{2 + $h}" topLeftCell="A{3 + $h}"
                activePane="bottomLeft" state="frozen"/>
            <selection pane="bottomLeft" activeCell="A{3 + $h}"
                sqref="A{3 + $h}"/>
          </sheetView>
        </sheetViews>
        <sheetFormatPr defaultRowHeight="15"/>
        <cols>
          <xsl:for-each select="$seq[position() &lt;= $cols]">
            <xsl:variable name="c" select="position()"/>
            <col min="{$c}" max="{$c}" customWidth="1">
              <xsl:attribute name="width">
                <xsl:call-template name="col-width">
                  <xsl:with-param name="g" select="$g"/>
                  <xsl:with-param name="c" select="$c"/>
                </xsl:call-template>
              </xsl:attribute>
            </col>
          </xsl:for-each>
        </cols>
        <sheetData>
          <row r="1" ht="24" customHeight="1">
            <xsl:call-template name="istr">
              <xsl:with-param name="sheet" select="$sheet"/>
              <xsl:with-param name="r" select="'A1'"/>
              <xsl:with-param name="s" select="1"/>
              <xsl:with-param name="v" select="$title"/>
            </xsl:call-template>
          </row>
          <row r="2">
            <xsl:call-template name="istr">
              <xsl:with-param name="sheet" select="$sheet"/>
              <xsl:with-param name="r" select="'A2'"/>
              <xsl:with-param name="s" select="18"/>
              <xsl:with-param name="v" select="concat('部门名称：', $dept)"/>
            </xsl:call-template>
            <xsl:if test="$cols &gt; 1">
              <xsl:call-template name="istr">
              <xsl:with-param name="sheet" select="$sheet"/>
                <xsl:with-param name="r" select="concat($unit-col, '2')"/>
                <xsl:with-param name="s" select="19"/>
                <xsl:with-param name="v"
                    select="concat('单位：', $unit)"/>
              </xsl:call-template>
            </xsl:if>
          </row>
          <xsl:for-each select="$g/*/m:row">
            <xsl:choose>
              <xsl:when test="$only != '' and not($ann)">
                <xsl:call-template name="grid-row-raw">
                  <xsl:with-param name="dec" select="$tdec"/>
                  <xsl:with-param name="r" select="position() + 2"/>
                  <xsl:with-param name="head" select="position() &lt;= $h"/>
                </xsl:call-template>
              </xsl:when>
              <xsl:otherwise>
                <xsl:call-template name="grid-row">
                  <xsl:with-param name="dec" select="$tdec"/>
                  <xsl:with-param name="sheet" select="$sheet"/>
                  <xsl:with-param name="r" select="position() + 2"/>
                  <xsl:with-param name="head" select="position() &lt;= $h"/>
                </xsl:call-template>
              </xsl:otherwise>
            </xsl:choose>
          </xsl:for-each>
          <xsl:for-each select="bx:note | bx:emptyNote">
            <row r="{2 + $h + $nbody + position()}">
              <xsl:call-template name="istr">
              <xsl:with-param name="sheet" select="$sheet"/>
                <xsl:with-param name="r"
                    select="concat('A', 2 + $h + $nbody + position())"/>
                <xsl:with-param name="s" select="18"/>
                <xsl:with-param name="v" select="normalize-space(.)"/>
              </xsl:call-template>
            </row>
          </xsl:for-each>
        </sheetData>
        <xsl:if test="$tpl">
          <sheetProtection sheet="1" objects="1" scenarios="1"
              formatColumns="0" formatRows="0"/>
        </xsl:if>
        <mergeCells>
          <xsl:variable name="spans"
              select="$g/*/m:row/m:c[@rs or @cs]"/>
          <xsl:attribute name="count">
            <xsl:value-of select="count($spans) + 1 + number($cols &gt; 1)
                                  + number($half + 1 &lt; $cols)"/>
          </xsl:attribute>
          <mergeCell ref="A1:{$last}1"/>
          <xsl:if test="$cols &gt; 1">
            <mergeCell>
              <xsl:attribute name="ref">
                <xsl:text>A2:</xsl:text>
                <xsl:call-template name="col">
                  <xsl:with-param name="i" select="$half"/>
                </xsl:call-template>
                <xsl:text>2</xsl:text>
              </xsl:attribute>
            </mergeCell>
            <xsl:if test="$half + 1 &lt; $cols">
              <mergeCell ref="{$unit-col}2:{$last}2"/>
            </xsl:if>
          </xsl:if>
          <xsl:for-each select="$g/*/m:row">
            <xsl:variable name="r" select="position() + 2"/>
            <xsl:for-each select="*">
              <xsl:if test="self::m:c[@rs or @cs]">
                <mergeCell>
                  <xsl:attribute name="ref">
                    <xsl:call-template name="col">
                      <xsl:with-param name="i" select="position()"/>
                    </xsl:call-template>
                    <xsl:value-of select="concat($r, ':')"/>
                    <xsl:call-template name="col">
                      <xsl:with-param name="i"
                          select="position() + number(concat('0', @cs))
                                  - number(boolean(@cs))"/>
                    </xsl:call-template>
                    <xsl:value-of select="$r + number(concat('0', @rs))
                                          - number(boolean(@rs))"/>
                  </xsl:attribute>
                </mergeCell>
              </xsl:if>
            </xsl:for-each>
          </xsl:for-each>
        </mergeCells>
        <xsl:if test="$tpl">
          <xsl:call-template name="validations">
            <xsl:with-param name="g" select="$g"/>
          </xsl:call-template>
        </xsl:if>
        <printOptions horizontalCentered="1"/>
        <pageMargins left="0.4" right="0.4" top="0.75" bottom="0.75"
            header="0.3" footer="0.3"/>
        <pageSetup paperSize="9" fitToWidth="1" fitToHeight="0">
          <xsl:attribute name="orientation">
            <xsl:choose>
              <xsl:when test="$cols &gt; 8">landscape</xsl:when>
              <xsl:otherwise>portrait</xsl:otherwise>
            </xsl:choose>
          </xsl:attribute>
        </pageSetup>
        <xsl:call-template name="header-footer"/>
        <xsl:call-template name="legacy-drawing">
          <xsl:with-param name="sheet" select="$sheet"/>
        </xsl:call-template>
      </worksheet>
    </m:part>
    <!-- the cell map -->
    <m:fix s="{$sheet}" r="A1" v="{$title}"/>
    <m:fix s="{$sheet}" r="A2" v="{concat('部门名称：', $dept)}"/>
    <xsl:if test="$cols &gt; 1">
      <m:fix s="{$sheet}" r="{$unit-col}2" v="{concat('单位：', $unit)}"/>
    </xsl:if>
    <xsl:for-each select="$g/*/m:row">
      <xsl:variable name="r" select="position() + 2"/>
      <xsl:choose>
        <!-- one table at a time (src/xlsx_write.c packs): the map lines
             as text, far smaller than an element per cell; a row with a
             value the map must escape keeps the elements -->
        <xsl:when test="$only != '' and not(m:c[contains(., '\')
                        or contains(., '&#9;') or contains(., '&#10;')
                        or contains(., '&#13;')])">
          <m:lines>
            <xsl:for-each select="m:c">
              <xsl:variable name="i" select="count(preceding-sibling::*) + 1"/>
              <xsl:variable name="c" select="concat(substring($letters,
                  floor(($i - 1) div 26), number($i &gt; 26)),
                  substring($letters, ($i - 1) mod 26 + 1, 1))"/>
              <xsl:choose>
                <xsl:when test="starts-with(., $tok)">
                  <xsl:value-of select="concat('m&#9;', $sheet, '&#9;', $c, $r,
                      '&#9;', substring-before(substring-after(., $tok), ' '),
                      '&#9;', substring-before(substring-after(., ' '), ' '),
                      '&#10;')"/>
                </xsl:when>
                <xsl:when test="string(.) != ''">
                  <xsl:value-of select="concat('f&#9;', $sheet, '&#9;', $c, $r,
                      '&#9;', ., '&#10;')"/>
                </xsl:when>
              </xsl:choose>
            </xsl:for-each>
          </m:lines>
        </xsl:when>
        <xsl:otherwise>
          <xsl:for-each select="m:c">
            <xsl:variable name="i" select="count(preceding-sibling::*) + 1"/>
            <xsl:variable name="c" select="concat(substring($letters,
                floor(($i - 1) div 26), number($i &gt; 26)),
                substring($letters, ($i - 1) mod 26 + 1, 1))"/>
            <xsl:choose>
              <xsl:when test="starts-with(., $tok)">
                <m:map s="{$sheet}" r="{$c}{$r}"
                    n="{substring-before(substring-after(., $tok), ' ')}"
                    a="{substring-before(substring-after(., ' '), ' ')}"/>
              </xsl:when>
              <xsl:when test="string(.) != ''">
                <m:fix s="{$sheet}" r="{$c}{$r}" v="{.}"/>
              </xsl:when>
            </xsl:choose>
          </xsl:for-each>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:for-each>
    <xsl:for-each select="bx:note | bx:emptyNote">
      <m:fix s="{$sheet}" r="A{2 + $h + $nbody + position()}"
          v="{normalize-space(.)}"/>
    </xsl:for-each>
  </xsl:template>

  <!-- Width of column $c: from its longest text (CJK counts double). -->
  <xsl:template name="col-width">
    <xsl:param name="g"/>
    <xsl:param name="c"/>
    <xsl:variable name="cells"
        select="$g/m:body/m:row[position() &lt;= 200]/*[$c]
                [self::m:c and not(@cs)]"/>
    <xsl:variable name="len">
      <xsl:for-each select="$cells">
        <xsl:sort select="string-length(.)" data-type="number"
            order="descending"/>
        <xsl:if test="position() = 1">
          <xsl:choose>
            <xsl:when test="starts-with(., $tok)">11</xsl:when>
            <xsl:when test="@t = 'code'">
              <xsl:value-of select="string-length(.)"/>
            </xsl:when>
            <xsl:otherwise>
              <xsl:value-of select="2 * string-length(.)"/>
            </xsl:otherwise>
          </xsl:choose>
        </xsl:if>
      </xsl:for-each>
    </xsl:variable>
    <xsl:variable name="w" select="number(concat('0', $len)) + 2"/>
    <xsl:choose>
      <xsl:when test="$w &lt; 8">8</xsl:when>
      <xsl:when test="$w &gt; 50">50</xsl:when>
      <xsl:otherwise><xsl:value-of select="$w"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- One grid row as a sheet row ($r: its row number). -->
  <xsl:template name="grid-row">
    <xsl:param name="dec" select="$declared"/>
    <xsl:param name="sheet"/>
    <xsl:param name="r"/>
    <xsl:param name="head"/>
    <xsl:variable name="bold" select="@kind = 'total' or @kind = 'subtotal'"/>
    <row r="{$r}" xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
      <xsl:if test="$head">
        <!-- header labels wrap to two lines; no viewer grows rows itself -->
        <xsl:attribute name="ht">30</xsl:attribute>
        <xsl:attribute name="customHeight">1</xsl:attribute>
      </xsl:if>
      <xsl:for-each select="*">
        <xsl:variable name="i" select="position()"/>
        <!-- column letters by substring: a node-set lookup per cell
             costs a predicate test per node -->
        <xsl:variable name="ref" select="concat(substring($letters,
            floor(($i - 1) div 26), number($i &gt; 26)),
            substring($letters, ($i - 1) mod 26 + 1, 1), $r)"/>
        <xsl:choose>
          <xsl:when test="self::m:s">
            <c r="{$ref}" s="{3 - number($head)}"/>
          </xsl:when>
          <xsl:when test="starts-with(., $tok)">
            <xsl:call-template name="amount-cell">
              <xsl:with-param name="dec" select="$dec"/>
              <xsl:with-param name="sheet" select="$sheet"/>
              <xsl:with-param name="ref" select="$ref"/>
              <xsl:with-param name="bold" select="$bold"/>
            </xsl:call-template>
          </xsl:when>
          <xsl:when test="@t = 'th'">
            <xsl:call-template name="istr">
              <xsl:with-param name="sheet" select="$sheet"/>
              <xsl:with-param name="r" select="$ref"/>
              <xsl:with-param name="s" select="2"/>
              <xsl:with-param name="v" select="."/>
            </xsl:call-template>
          </xsl:when>
          <xsl:when test="string(.) = ''">
            <c r="{$ref}" s="3"/>
          </xsl:when>
          <xsl:when test="@t = 'num'">
            <c r="{$ref}" s="6" t="n"><v><xsl:value-of select="."/></v></c>
          </xsl:when>
          <xsl:otherwise>
            <xsl:call-template name="istr">
              <xsl:with-param name="sheet" select="$sheet"/>
              <xsl:with-param name="r" select="$ref"/>
              <xsl:with-param name="s" select="3 + number(@t = 'code')
                  + 2 * number(@t != 'code' and (@t = 'label' or $bold))"/>
              <xsl:with-param name="v" select="."/>
            </xsl:call-template>
          </xsl:otherwise>
        </xsl:choose>
      </xsl:for-each>
    </row>
  </xsl:template>

  <!--
    An amount cell: the value of attribute a of element n, a number in
    the number format of its printed decimals (as printed: "0" stays 0,
    "179.60" keeps two places).  Empty: the table's decimals ($dec).
  -->
  <xsl:template name="amount-cell">
    <xsl:param name="dec" select="$declared"/>
    <xsl:param name="sheet"/>
    <xsl:param name="ref"/>
    <xsl:param name="bold"/>
    <xsl:variable name="v" select="substring-after(substring-after(
        substring-after(., $tok), ' '), ' ')"/>
    <xsl:variable name="d" select="number($v = '') * $dec
        + number($v != '') * string-length(substring-after($v, '.'))"/>
    <xsl:variable name="dd" select="$d - ($d - 4) * number($d &gt; 4)"/>
    <xsl:variable name="input" select="$tpl and $v = ''"/>
    <xsl:variable name="s0" select="number($input) * (20 + $dd)
        + number(not($input)) * (6 + $dd + 5 * number($bold))"/>
    <xsl:choose>
      <xsl:when test="$v = ''">
        <c xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
            r="{$ref}">
          <xsl:call-template name="style-attr">
            <xsl:with-param name="sheet" select="$sheet"/>
            <xsl:with-param name="ref" select="$ref"/>
            <xsl:with-param name="s" select="$s0"/>
          </xsl:call-template>
        </c>
      </xsl:when>
      <xsl:when test="string(number($v)) = 'NaN' or $d &gt; 4">
        <xsl:call-template name="istr">
              <xsl:with-param name="sheet" select="$sheet"/>
          <xsl:with-param name="r" select="$ref"/>
          <xsl:with-param name="s" select="3"/>
          <xsl:with-param name="v" select="$v"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <c xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
            r="{$ref}" t="n">
          <xsl:call-template name="style-attr">
            <xsl:with-param name="sheet" select="$sheet"/>
            <xsl:with-param name="ref" select="$ref"/>
            <xsl:with-param name="s" select="$s0"/>
          </xsl:call-template>
          <v><xsl:value-of select="$v"/></v>
        </c>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Template: every input cell takes a decimal number (or nothing). -->
  <xsl:template name="validations">
    <xsl:param name="g"/>
    <xsl:variable name="refs">
      <xsl:for-each select="$g/*/m:row">
        <xsl:variable name="r" select="position() + 2"/>
        <xsl:for-each select="*">
          <xsl:if test="starts-with(., $tok)">
            <xsl:text> </xsl:text>
            <xsl:call-template name="col">
              <xsl:with-param name="i" select="position()"/>
            </xsl:call-template>
            <xsl:value-of select="$r"/>
          </xsl:if>
        </xsl:for-each>
      </xsl:for-each>
    </xsl:variable>
    <xsl:if test="normalize-space($refs) != ''">
      <dataValidations xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
          count="1">
        <dataValidation type="decimal" operator="between" allowBlank="1"
            showErrorMessage="1" errorTitle="金额" sqref="{normalize-space($refs)}"
            error="请输入数字（金额单位见表头“单位”），不要输入文字或千分位以外的符号">
          <formula1>-1000000000000</formula1>
          <formula2>1000000000000</formula2>
        </dataValidation>
      </dataValidations>
    </xsl:if>
  </xsl:template>

</xsl:stylesheet>
