<?xml version="1.0" encoding="UTF-8"?>
<!--
  grid.xsl: lay out each table as printed in the official template, as a
  neutral grid that html.xsl and csv.xsl serialise.  Knows the multi-level
  headers (rowspan/colspan) and which cells each row prints; knows nothing
  about HTML or CSV.

  Grid model (namespace urn:budgetx:xslt:meta, prefix m):
    <m:grid cols="N" key="budgetSummary">
      <m:head><m:row>cells</m:row>...</m:head>
      <m:body><m:row kind="total|dept|unit|func|..." depth="0">cells</m:row>
    </m:grid>
  Every row holds exactly N children: <m:c> (a cell, with optional rs/cs,
  t = th|amt|code|text|label, en = English header text) or <m:s/> (a
  position covered by a span from the left or from above).
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:bx="urn:budgetx:disclosure:1"
    xmlns:exsl="http://exslt.org/common"
    xmlns:m="urn:budgetx:xslt:meta"
    xmlns:x="urn:budgetx:xslt:ext"
    extension-element-prefixes="exsl x"
    exclude-result-prefixes="bx exsl m x">

  <xsl:include href="common.xsl"/>

  <!-- ============================================================ -->
  <!-- Entry point: the grid of table element $t as a node-set        -->
  <!-- (call with exsl:node-set on the result).                       -->
  <!-- ============================================================ -->
  <xsl:template name="grid">
    <xsl:param name="t" select="."/>
    <!-- budgetx: x:head-def($t) (src/xslt_ext.c) is the m:h of the
         template of mode "head" as it stands in the stylesheet when that
         template is literal (what instantiating it would make), else
         empty; xsltproc, and budgetx then, instantiate it -->
    <xsl:choose>
      <xsl:when test="$x-head-def">
        <xsl:variable name="def-lit" select="x:head-def($t)"/>
        <xsl:choose>
          <xsl:when test="$def-lit">
            <xsl:call-template name="grid-of">
              <xsl:with-param name="t" select="$t"/>
              <xsl:with-param name="def" select="$def-lit"/>
            </xsl:call-template>
          </xsl:when>
          <xsl:otherwise>
            <xsl:call-template name="grid-def">
              <xsl:with-param name="t" select="$t"/>
            </xsl:call-template>
          </xsl:otherwise>
        </xsl:choose>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="grid-def">
          <xsl:with-param name="t" select="$t"/>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:variable name="x-head-def" select="function-available('x:head-def')"/>

  <!-- The grid of $t with its header definition instantiated. -->
  <xsl:template name="grid-def">
    <xsl:param name="t"/>
    <xsl:variable name="def-rtf">
      <xsl:apply-templates select="$t" mode="head"/>
    </xsl:variable>
    <xsl:call-template name="grid-of">
      <xsl:with-param name="t" select="$t"/>
      <xsl:with-param name="def" select="exsl:node-set($def-rtf)/m:h"/>
    </xsl:call-template>
  </xsl:template>

  <!-- The grid of $t by header definition $def (an m:h). -->
  <xsl:template name="grid-of">
    <xsl:param name="t"/>
    <xsl:param name="def"/>
    <!-- "table-unit" as one expression (no result tree fragment a
         table): $t/@unit, else $amount-unit -->
    <xsl:variable name="t-unit" select="concat(string($t/@unit),
        substring($amount-unit, 1 div (string($t/@unit) = '')))"/>
    <xsl:variable name="cols" select="number($def/@cols)"/>
    <m:grid cols="{$def/@cols}" key="{local-name($t)}">
      <m:head>
        <!-- budgetx: x:head-rows in src/xslt_grid.c (reads $def, $cols,
             $t-unit); xsltproc: -->
        <x:head-rows>
          <xsl:fallback>
            <!-- each row's cells in column order (the head templates list
                 them so), a covered position m:s before each and after the
                 last: one step per cell, not one scan per column -->
            <xsl:for-each select="$def/m:r">
              <m:row>
                <xsl:for-each select="m:c">
                  <xsl:call-template name="skip">
                    <xsl:with-param name="n"
                        select="@c - 1 - sum(preceding-sibling::m:c[1]/@c)"/>
                  </xsl:call-template>
                  <m:c t="th">
                    <xsl:copy-of select="@rs | @cs | @en"/>
                    <xsl:value-of select="@zh"/>
                    <xsl:if test="@unit">
                      <xsl:value-of select="concat('（', $t-unit, '）')"/>
                    </xsl:if>
                  </m:c>
                </xsl:for-each>
                <xsl:call-template name="skip">
                  <xsl:with-param name="n" select="$cols - sum(m:c[last()]/@c)"/>
                </xsl:call-template>
              </m:row>
            </xsl:for-each>
          </xsl:fallback>
        </x:head-rows>
      </m:head>
      <m:body>
        <xsl:apply-templates select="$t" mode="body">
          <xsl:with-param name="def" select="$def"/>
        </xsl:apply-templates>
      </m:body>
    </m:grid>
  </xsl:template>

  <!-- ============================================================ -->
  <!-- Cell helpers                                                   -->
  <!-- ============================================================ -->

  <!-- One amount cell per <m:a n="..."/> of $def, read from $row. -->
  <xsl:template name="amounts">
    <xsl:param name="row"/>
    <xsl:param name="def"/>
    <xsl:param name="rs" select="''"/>
    <!-- budgetx: src/xslt_ext.c (reads $row, $def, $rs); xsltproc: -->
    <x:amount-cells>
      <xsl:fallback>
        <xsl:for-each select="$def/m:a">
          <xsl:variable name="n" select="@n"/>
          <m:c t="amt">
            <xsl:if test="$rs != ''">
              <xsl:attribute name="rs"><xsl:value-of select="$rs"/></xsl:attribute>
            </xsl:if>
            <xsl:value-of select="$row/@*[local-name() = $n]"/>
          </m:c>
        </xsl:for-each>
      </xsl:fallback>
    </x:amount-cells>
  </xsl:template>

  <!-- $n covered positions. -->
  <!-- (recursion: $n is small, a filter of $seq tests all 256 nodes) -->
  <xsl:template name="skip">
    <xsl:param name="n"/>
    <xsl:if test="$n &gt; 0">
      <m:s/>
      <xsl:call-template name="skip">
        <xsl:with-param name="n" select="$n - 1"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

  <!-- $n empty cells. -->
  <xsl:template name="blank">
    <xsl:param name="n"/>
    <xsl:if test="$n &gt; 0">
      <m:c t="text"/>
      <xsl:call-template name="blank">
        <xsl:with-param name="n" select="$n - 1"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

  <!-- A cell spanning $cs columns (followed by its covered positions). -->
  <xsl:template name="span">
    <xsl:param name="cs"/>
    <xsl:param name="v"/>
    <xsl:param name="t" select="'text'"/>
    <m:c t="{$t}" cs="{$cs}"><xsl:value-of select="$v"/></m:c>
    <xsl:call-template name="skip">
      <xsl:with-param name="n" select="$cs - 1"/>
    </xsl:call-template>
  </xsl:template>

  <!-- Function code split into its 类 / 款 / 项 columns. -->
  <xsl:template name="func-code">
    <xsl:param name="code"/>
    <m:c t="code"><xsl:value-of select="substring($code, 1, 3)"/></m:c>
    <m:c t="code"><xsl:value-of select="substring($code, 4, 2)"/></m:c>
    <m:c t="code"><xsl:value-of select="substring($code, 6, 2)"/></m:c>
  </xsl:template>

  <!-- Row kind: element name; func rows also carry their level. -->
  <xsl:template name="row-attrs">
    <xsl:param name="r" select="."/>
    <xsl:attribute name="kind">
      <xsl:value-of select="local-name($r)"/>
      <xsl:if test="local-name($r) = 'func'">
        <xsl:value-of select="string-length($r/@code)"/>
      </xsl:if>
    </xsl:attribute>
    <xsl:attribute name="depth">
      <xsl:value-of select="count($r/ancestor::*) - 3"/>
    </xsl:attribute>
  </xsl:template>

  <!-- ============================================================ -->
  <!-- Headers: <m:h cols="N"><m:r><m:c c="start" rs cs zh en/>...    -->
  <!-- plus <m:a n="attr"/> naming the amount columns in order.      -->
  <!-- ============================================================ -->

  <!-- T1 部门收支总体情况表 -->
  <xsl:template match="bx:budgetSummary" mode="head">
    <m:h cols="4">
      <m:r>
        <m:c c="1" cs="2" zh="收入" en="Revenue"/>
        <m:c c="3" cs="2" zh="支出" en="Expenditure"/>
      </m:r>
      <m:r>
        <m:c c="1" zh="项目" en="Item"/>
        <m:c c="2" zh="金额" en="Amount"/>
        <m:c c="3" zh="项目" en="Item"/>
        <m:c c="4" zh="金额" en="Amount"/>
      </m:r>
    </m:h>
  </xsl:template>

  <!--
    T2 部门收入总体情况表.  Templates that print 用事业基金弥补收支差额 put
    it between 本年收入 and 上年结转结余 ($r = 1 shifts the carry block).
  -->
  <xsl:template match="bx:incomeSummary" mode="head">
    <xsl:variable name="r" select="number(boolean(.//@reserve))"/>
    <m:h cols="{20 + $r}">
      <m:r>
        <m:c c="1" rs="3" zh="部门代码" en="Code"/>
        <m:c c="2" rs="3" zh="部门名称" en="Name"/>
        <m:c c="3" rs="3" zh="总计" en="Grand total"/>
        <m:c c="4" cs="11" zh="本年收入" en="Current-year revenue"/>
        <xsl:if test="$r">
          <m:c c="15" rs="3" zh="用事业基金弥补收支差额"
              en="Covered from the institution fund"/>
        </xsl:if>
        <m:c c="{15 + $r}" cs="6" zh="上年结转结余"
            en="Carried forward from last year"/>
      </m:r>
      <m:r>
        <m:c c="4" rs="2" zh="合计" en="Total"/>
        <m:c c="5" cs="2" zh="一般公共预算" en="General public budget"/>
        <m:c c="7" rs="2" zh="政府性基金" en="Government funds"/>
        <m:c c="8" rs="2" zh="国有资本经营预算" en="State capital"/>
        <m:c c="9" rs="2" zh="财政专户管理资金收入"
            en="Special fiscal account"/>
        <m:c c="10" rs="2" zh="事业收入" en="Public service revenue"/>
        <m:c c="11" rs="2" zh="事业单位经营收入" en="Business revenue"/>
        <m:c c="12" rs="2" zh="上级补助收入" en="Grants from superiors"/>
        <m:c c="13" rs="2" zh="附属单位上缴收入"
            en="From subordinate units"/>
        <m:c c="14" rs="2" zh="其他收入" en="Other revenue"/>
        <m:c c="{15 + $r}" rs="2" zh="合计" en="Total"/>
        <m:c c="{16 + $r}" rs="2" zh="一般公共预算"
            en="General public budget"/>
        <m:c c="{17 + $r}" rs="2" zh="政府性基金" en="Government funds"/>
        <m:c c="{18 + $r}" rs="2" zh="国有资本经营预算" en="State capital"/>
        <m:c c="{19 + $r}" rs="2" zh="财政专户管理资金"
            en="Special fiscal account"/>
        <m:c c="{20 + $r}" rs="2" zh="单位资金" en="Unit funds"/>
      </m:r>
      <m:r>
        <m:c c="5" zh="小计" en="Subtotal"/>
        <m:c c="6" zh="其中：财政拨款" en="of which: appropriations"/>
      </m:r>
      <m:a n="total"/><m:a n="currentTotal"/><m:a n="gpb"/>
      <m:a n="gpbFiscal"/><m:a n="govFund"/><m:a n="stateCapital"/>
      <m:a n="specialAccount"/><m:a n="business"/><m:a n="operating"/>
      <m:a n="superior"/><m:a n="subordinate"/><m:a n="other"/>
      <xsl:if test="$r">
        <m:a n="reserve"/>
      </xsl:if>
      <m:a n="carryTotal"/><m:a n="carryGpb"/><m:a n="carryGovFund"/>
      <m:a n="carryStateCapital"/><m:a n="carrySpecialAccount"/>
      <m:a n="carryUnit"/>
    </m:h>
  </xsl:template>

  <!-- T3 / T5 / T9: function rows, basic and project spending. -->
  <xsl:template mode="head" match="bx:expenditureSummary | bx:gpbExpenditure
                                   | bx:govFundExpenditure">
    <m:h cols="14">
      <m:r>
        <m:c c="1" cs="3" zh="科目编码" en="Function code"/>
        <m:c c="4" rs="3" zh="单位代码" en="Unit code"/>
        <m:c c="5" rs="3" zh="单位（科目名称）" en="Unit (function)"/>
        <m:c c="6" rs="3" zh="合计" en="Total"/>
        <m:c c="7" cs="5" zh="基本支出" en="Basic expenditure"/>
        <m:c c="12" cs="3" zh="项目支出" en="Project expenditure"/>
      </m:r>
      <m:r>
        <m:c c="1" rs="2" zh="类" en="Class"/>
        <m:c c="2" rs="2" zh="款" en="Section"/>
        <m:c c="3" rs="2" zh="项" en="Item"/>
        <m:c c="7" rs="2" zh="小计" en="Subtotal"/>
        <m:c c="8" cs="2" zh="人员经费" en="Personnel"/>
        <m:c c="10" cs="2" zh="公用经费" en="Public expenses"/>
        <m:c c="12" rs="2" zh="小计" en="Subtotal"/>
        <m:c c="13" rs="2" zh="其他运转类" en="Other operating"/>
        <m:c c="14" rs="2" zh="特定目标类" en="Specific purpose"/>
      </m:r>
      <m:r>
        <m:c c="8" zh="工资福利支出" en="Wages and benefits"/>
        <m:c c="9" zh="对个人和家庭的补助"
            en="Subsidies to individuals and families"/>
        <m:c c="10" zh="商品和服务支出" en="Goods and services"/>
        <m:c c="11" zh="资本性支出" en="Capital"/>
      </m:r>
      <m:a n="total"/><m:a n="basic"/><m:a n="wages"/><m:a n="family"/>
      <m:a n="goods"/><m:a n="capital"/><m:a n="project"/>
      <m:a n="projectOperating"/><m:a n="projectSpecific"/>
    </m:h>
  </xsl:template>

  <!-- T4 财政拨款收支总体情况表 -->
  <xsl:template match="bx:fiscalSummary" mode="head">
    <m:h cols="8">
      <m:r>
        <m:c c="1" cs="2" zh="收入" en="Revenue"/>
        <m:c c="3" cs="6" zh="支出" en="Expenditure"/>
      </m:r>
      <m:r>
        <m:c c="1" rs="2" zh="项目" en="Item"/>
        <m:c c="2" rs="2" zh="金额" en="Amount"/>
        <m:c c="3" rs="2" zh="项目" en="Item"/>
        <m:c c="4" rs="2" zh="合计" en="Total"/>
        <m:c c="5" cs="2" zh="一般公共预算" en="General public budget"/>
        <m:c c="7" rs="2" zh="政府性基金" en="Government funds"/>
        <m:c c="8" rs="2" zh="国有资本经营预算" en="State capital"/>
      </m:r>
      <m:r>
        <m:c c="5" zh="小计" en="Subtotal"/>
        <m:c c="6" zh="其中：财政拨款" en="of which: appropriations"/>
      </m:r>
      <m:a n="total"/><m:a n="gpb"/><m:a n="gpbFiscal"/><m:a n="govFund"/>
      <m:a n="stateCapital"/>
    </m:h>
  </xsl:template>

  <!-- T6 一般公共预算基本支出表 -->
  <xsl:template match="bx:gpbBasic" mode="head">
    <m:h cols="7">
      <m:r>
        <m:c c="1" cs="2" zh="部门预算支出经济分类科目"
            en="Departmental economic class"/>
        <m:c c="3" cs="2" zh="政府预算支出经济分类科目编码"
            en="Government economic class"/>
        <m:c c="5" cs="3" zh="本年一般公共预算基本支出"
            en="General public budget basic expenditure"/>
      </m:r>
      <m:r>
        <m:c c="1" zh="科目编码" en="Code"/>
        <m:c c="2" zh="科目名称" en="Name"/>
        <m:c c="3" zh="科目编码" en="Code"/>
        <m:c c="4" zh="科目名称" en="Name"/>
        <m:c c="5" zh="合计" en="Total"/>
        <m:c c="6" zh="人员经费" en="Personnel"/>
        <m:c c="7" zh="公用经费" en="Public expenses"/>
      </m:r>
      <m:a n="total"/><m:a n="personnel"/><m:a n="public"/>
    </m:h>
  </xsl:template>

  <!-- T7 支出经济分类汇总表 -->
  <xsl:template match="bx:economicSummary" mode="head">
    <m:h cols="18">
      <m:r>
        <m:c c="1" cs="3" zh="部门预算经济分类"
            en="Departmental economic class"/>
        <m:c c="4" cs="3" zh="政府预算经济分类"
            en="Government economic class"/>
        <m:c c="7" rs="3" zh="总计" en="Grand total"/>
        <m:c c="8" cs="2" zh="一般公共预算" en="General public budget"/>
        <m:c c="10" rs="3" zh="政府性基金" en="Government funds"/>
        <m:c c="11" rs="3" zh="国有资本经营预算" en="State capital"/>
        <m:c c="12" rs="3" zh="上年结转结余" en="Carried forward"/>
        <m:c c="13" rs="3" zh="财政专户管理资金收入"
            en="Special fiscal account"/>
        <m:c c="14" rs="3" zh="事业收入" en="Public service revenue"/>
        <m:c c="15" rs="3" zh="上级补助收入" en="Grants from superiors"/>
        <m:c c="16" rs="3" zh="附属单位上缴收入"
            en="From subordinate units"/>
        <m:c c="17" rs="3" zh="事业单位经营收入" en="Business revenue"/>
        <m:c c="18" rs="3" zh="其他收入" en="Other revenue"/>
      </m:r>
      <m:r>
        <m:c c="1" cs="2" zh="科目编码" en="Code"/>
        <m:c c="3" rs="2" zh="科目名称" en="Name"/>
        <m:c c="4" cs="2" zh="科目编码" en="Code"/>
        <m:c c="6" rs="2" zh="科目名称" en="Name"/>
        <m:c c="8" rs="2" zh="小计" en="Subtotal"/>
        <m:c c="9" rs="2" zh="其中：财政拨款" en="of which: appropriations"/>
      </m:r>
      <m:r>
        <m:c c="1" zh="类" en="Class"/>
        <m:c c="2" zh="款" en="Section"/>
        <m:c c="4" zh="类" en="Class"/>
        <m:c c="5" zh="款" en="Section"/>
      </m:r>
      <m:a n="total"/><m:a n="gpb"/><m:a n="gpbFiscal"/><m:a n="govFund"/>
      <m:a n="stateCapital"/><m:a n="carry"/><m:a n="specialAccount"/>
      <m:a n="business"/><m:a n="superior"/><m:a n="subordinate"/>
      <m:a n="operating"/><m:a n="other"/>
    </m:h>
  </xsl:template>

  <!--
    T8 “三公”: a single row in the Henan template; some templates add a
    机关运行经费 column or break the figures down by unit, so the header is
    built from what the table holds.
  -->
  <xsl:template match="bx:threePublic" mode="head">
    <xsl:variable name="u" select="2 * number(boolean(bx:dept | bx:unit))"/>
    <xsl:variable name="o" select="boolean(.//@officeOperation)"/>
    <m:h cols="{6 + $u + number($o)}">
      <m:r>
        <xsl:if test="$u">
          <m:c c="1" rs="2" zh="单位代码" en="Code"/>
          <m:c c="2" rs="2" zh="单位名称" en="Name"/>
        </xsl:if>
        <m:c c="{$u + 1}" rs="2" zh="“三公”经费合计"
            en="Three public expenses total"/>
        <m:c c="{$u + 2}" rs="2" zh="因公出国（境）费"
            en="Official travel abroad"/>
        <m:c c="{$u + 3}" cs="3" zh="公务用车购置及运行费"
            en="Official vehicles"/>
        <m:c c="{$u + 6}" rs="2" zh="公务接待费" en="Official reception"/>
        <xsl:if test="$o">
          <m:c c="{$u + 7}" rs="2" zh="机关运行经费"
              en="Office operating costs"/>
        </xsl:if>
      </m:r>
      <m:r>
        <m:c c="{$u + 3}" zh="小计" en="Subtotal"/>
        <m:c c="{$u + 4}" zh="公务用车购置费" en="Purchase"/>
        <m:c c="{$u + 5}" zh="公务用车运行费" en="Operation"/>
      </m:r>
      <m:a n="total"/><m:a n="abroad"/><m:a n="vehicle"/>
      <m:a n="vehiclePurchase"/><m:a n="vehicleOperation"/>
      <m:a n="reception"/>
      <xsl:if test="$o">
        <m:a n="officeOperation"/>
      </xsl:if>
    </m:h>
  </xsl:template>

  <!-- T10 项目支出预算表; a 项目编码 column only when codes are given. -->
  <xsl:template match="bx:projectExpenditure" mode="head">
    <xsl:variable name="k" select="number(boolean(.//bx:project/@code))"/>
    <m:h cols="{12 + $k}">
      <m:r>
        <m:c c="1" rs="2" zh="类型" en="Category"/>
        <xsl:if test="$k">
          <m:c c="2" rs="2" zh="项目编码" en="Project code"/>
        </xsl:if>
        <m:c c="{$k + 2}" rs="2" zh="项目名称" en="Project"/>
        <m:c c="{$k + 3}" rs="2" zh="项目单位" en="Unit"/>
        <m:c c="{$k + 4}" rs="2" zh="合计" en="Total"/>
        <m:c c="{$k + 5}" cs="3" zh="本年拨款"
            en="Current-year appropriations"/>
        <m:c c="{$k + 8}" cs="3" zh="财政拨款结转结余"
            en="Appropriations carried forward"/>
        <m:c c="{$k + 11}" rs="2" zh="财政专户管理资金"
            en="Special fiscal account"/>
        <m:c c="{$k + 12}" rs="2" zh="单位资金" en="Unit funds"/>
      </m:r>
      <m:r>
        <m:c c="{$k + 5}" zh="一般公共预算" en="General public budget"/>
        <m:c c="{$k + 6}" zh="政府性基金预算" en="Government funds"/>
        <m:c c="{$k + 7}" zh="国有资本经营预算" en="State capital"/>
        <m:c c="{$k + 8}" zh="一般公共预算" en="General public budget"/>
        <m:c c="{$k + 9}" zh="政府性基金预算" en="Government funds"/>
        <m:c c="{$k + 10}" zh="国有资本经营预算" en="State capital"/>
      </m:r>
      <m:a n="total"/><m:a n="gpb"/><m:a n="govFund"/>
      <m:a n="stateCapital"/><m:a n="carryGpb"/><m:a n="carryGovFund"/>
      <m:a n="carryStateCapital"/><m:a n="specialAccount"/>
      <m:a n="unitFunds"/>
    </m:h>
  </xsl:template>

  <!-- T11 整体绩效目标表: a form; its grid has no header rows. -->
  <xsl:template match="bx:deptPerformance" mode="head">
    <m:h cols="5"/>
  </xsl:template>

  <!-- T12 项目绩效目标表 -->
  <xsl:template match="bx:projectPerformance" mode="head">
    <m:h cols="14">
      <m:r>
        <m:c c="1" rs="3" zh="单位编码（项目编码）" en="Unit (project) code"/>
        <m:c c="2" rs="3" zh="项目单位（项目名称）" en="Unit (project)"/>
        <m:c c="3" cs="4" zh="项目金额" unit="1" en="Project amount"/>
        <m:c c="7" cs="8" zh="绩效目标" en="Performance targets"/>
      </m:r>
      <m:r>
        <m:c c="3" rs="2" zh="资金总额" en="Total"/>
        <m:c c="4" rs="2" zh="政府预算资金" en="Government budget funds"/>
        <m:c c="5" rs="2" zh="财政专户管理资金" en="Special fiscal account"/>
        <m:c c="6" rs="2" zh="单位资金" en="Unit funds"/>
        <m:c c="7" cs="2" zh="成本指标" en="Cost"/>
        <m:c c="9" cs="2" zh="产出指标" en="Output"/>
        <m:c c="11" cs="2" zh="效益指标" en="Effect"/>
        <m:c c="13" cs="2" zh="满意度指标" en="Satisfaction"/>
      </m:r>
      <m:r>
        <m:c c="7" zh="三级指标" en="Indicator"/>
        <m:c c="8" zh="指标值" en="Target"/>
        <m:c c="9" zh="三级指标" en="Indicator"/>
        <m:c c="10" zh="指标值" en="Target"/>
        <m:c c="11" zh="三级指标" en="Indicator"/>
        <m:c c="12" zh="指标值" en="Target"/>
        <m:c c="13" zh="三级指标" en="Indicator"/>
        <m:c c="14" zh="指标值" en="Target"/>
      </m:r>
      <m:a n="total"/><m:a n="govFunds"/><m:a n="specialAccount"/>
      <m:a n="unitFunds"/>
    </m:h>
  </xsl:template>

  <!-- T13 国有资本经营预算支出情况表 -->
  <xsl:template match="bx:stateCapitalExpenditure" mode="head">
    <m:h cols="15">
      <m:r>
        <m:c c="1" cs="3" zh="科目编码" en="Function code"/>
        <m:c c="4" rs="2" zh="单位（科目名称）" en="Unit (function)"/>
        <m:c c="5" rs="2" zh="总计" en="Grand total"/>
        <m:c c="6" cs="5" zh="基本支出" en="Basic expenditure"/>
        <m:c c="11" cs="5" zh="项目支出" en="Project expenditure"/>
      </m:r>
      <m:r>
        <m:c c="1" zh="类" en="Class"/>
        <m:c c="2" zh="款" en="Section"/>
        <m:c c="3" zh="项" en="Item"/>
        <m:c c="6" zh="小计" en="Subtotal"/>
        <m:c c="7" zh="工资福利支出" en="Wages and benefits"/>
        <m:c c="8" zh="商品服务支出" en="Goods and services"/>
        <m:c c="9" zh="对个人和家庭的补助"
            en="Subsidies to individuals and families"/>
        <m:c c="10" zh="资本性支出" en="Capital"/>
        <m:c c="11" zh="小计" en="Subtotal"/>
        <m:c c="12" zh="社会事业和经济发展项目"
            en="Social and economic development"/>
        <m:c c="13" zh="债务项目" en="Debt"/>
        <m:c c="14" zh="基本建设项目" en="Capital construction"/>
        <m:c c="15" zh="其他项目" en="Other"/>
      </m:r>
      <m:a n="total"/><m:a n="basic"/><m:a n="wages"/><m:a n="goods"/>
      <m:a n="family"/><m:a n="capital"/><m:a n="project"/>
      <m:a n="projectSocial"/><m:a n="projectDebt"/>
      <m:a n="projectConstruction"/><m:a n="projectOther"/>
    </m:h>
  </xsl:template>

  <!-- T14 政府采购汇总表 -->
  <xsl:template match="bx:procurement" mode="head">
    <m:h cols="10">
      <m:r>
        <m:c c="1" cs="3" zh="科目编码" en="Function code"/>
        <m:c c="4" rs="2" zh="单位名称" en="Unit"/>
        <m:c c="5" rs="2" zh="采购项目" en="Purchase"/>
        <m:c c="6" rs="2" zh="采购目录" en="Catalogue"/>
        <m:c c="7" rs="2" zh="规格" en="Specification"/>
        <m:c c="8" rs="2" zh="计量单位" en="Measure"/>
        <m:c c="9" rs="2" zh="采购数量" en="Quantity"/>
        <m:c c="10" rs="2" zh="金额" en="Amount"/>
      </m:r>
      <m:r>
        <m:c c="1" zh="类" en="Class"/>
        <m:c c="2" zh="款" en="Section"/>
        <m:c c="3" zh="项" en="Item"/>
      </m:r>
    </m:h>
  </xsl:template>

  <!-- ============================================================ -->
  <!-- Bodies                                                         -->
  <!-- ============================================================ -->

  <!-- Label cell of a fixed row (T1/T4), with the English name. -->
  <xsl:template name="fixed-label">
    <xsl:param name="r"/>
    <m:c t="item">
      <xsl:if test="$lang = 'en'">
        <xsl:attribute name="en">
          <xsl:value-of
              select="$M/m:l[@k = concat('row.', local-name($r))]/@en"/>
        </xsl:attribute>
      </xsl:if>
      <xsl:value-of select="$r/@label"/>
    </m:c>
  </xsl:template>

  <!--
    Side-by-side tables (T1, T4): row i of the page shows left[i] and
    right[i].  Left cells: label + amount; right cells: label + $def
    amounts (or @amount).
  -->
  <xsl:template name="pair-rows">
    <xsl:param name="left"/>
    <xsl:param name="right"/>
    <xsl:param name="def"/>
    <xsl:param name="kind" select="'item'"/>
    <xsl:variable name="n">
      <xsl:choose>
        <xsl:when test="count($left) &gt; count($right)">
          <xsl:value-of select="count($left)"/>
        </xsl:when>
        <xsl:otherwise>
          <xsl:value-of select="count($right)"/>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="nr">
      <xsl:choose>
        <xsl:when test="$def/m:a">
          <xsl:value-of select="count($def/m:a)"/>
        </xsl:when>
        <xsl:otherwise>1</xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="rows" select="number($n)"/>
    <!-- budgetx: x:pair-rows in src/xslt_grid.c (reads $left, $right,
         $def, $kind, $lang, $M); xsltproc: -->
    <x:pair-rows>
      <xsl:fallback>
        <xsl:variable name="seq-rtf">
          <xsl:call-template name="seq-256"/>
        </xsl:variable>
        <xsl:variable name="seq" select="exsl:node-set($seq-rtf)/m:i"/>
        <xsl:for-each select="$seq[position() &lt;= $rows]">
          <xsl:variable name="i" select="position()"/>
          <xsl:variable name="l" select="$left[$i]"/>
          <xsl:variable name="r" select="$right[$i]"/>
          <m:row kind="{$kind}" depth="0">
            <xsl:choose>
              <xsl:when test="$l">
                <xsl:call-template name="fixed-label">
                  <xsl:with-param name="r" select="$l"/>
                </xsl:call-template>
                <m:c t="amt"><xsl:value-of select="$l/@amount"/></m:c>
              </xsl:when>
              <xsl:otherwise>
                <xsl:call-template name="blank">
                  <xsl:with-param name="n" select="2"/>
                </xsl:call-template>
              </xsl:otherwise>
            </xsl:choose>
            <xsl:choose>
              <xsl:when test="$r">
                <xsl:call-template name="fixed-label">
                  <xsl:with-param name="r" select="$r"/>
                </xsl:call-template>
                <xsl:choose>
                  <xsl:when test="$def/m:a">
                    <xsl:call-template name="amounts">
                      <xsl:with-param name="row" select="$r"/>
                      <xsl:with-param name="def" select="$def"/>
                    </xsl:call-template>
                  </xsl:when>
                  <xsl:otherwise>
                    <m:c t="amt"><xsl:value-of select="$r/@amount"/></m:c>
                  </xsl:otherwise>
                </xsl:choose>
              </xsl:when>
              <xsl:otherwise>
                <xsl:call-template name="blank">
                  <xsl:with-param name="n" select="1 + $nr"/>
                </xsl:call-template>
              </xsl:otherwise>
            </xsl:choose>
          </m:row>
        </xsl:for-each>
      </xsl:fallback>
    </x:pair-rows>
  </xsl:template>

  <!--
    T1: income items beside expenditure classes, then the totals aligned:
    本年收入合计 | 本年支出合计, the middle rows (上年结转结余,
    用事业基金弥补收支差额 | 年终结转结余), 收入总计 | 支出总计.
  -->
  <xsl:template match="bx:budgetSummary" mode="body">
    <xsl:param name="def"/>
    <xsl:variable name="in" select="bx:income/*"/>
    <xsl:variable name="out" select="bx:expenditure/*"/>
    <xsl:variable name="in-cur" select="bx:income/bx:currentTotal"/>
    <xsl:variable name="out-cur" select="bx:expenditure/bx:currentTotal"/>
    <xsl:call-template name="pair-rows">
      <xsl:with-param name="left"
          select="$in[not($in-cur) or following-sibling::bx:currentTotal]"/>
      <xsl:with-param name="right"
          select="$out[not($out-cur) or following-sibling::bx:currentTotal]"/>
      <xsl:with-param name="def" select="$def"/>
    </xsl:call-template>
    <xsl:call-template name="pair-rows">
      <xsl:with-param name="left" select="$in-cur"/>
      <xsl:with-param name="right" select="$out-cur"/>
      <xsl:with-param name="def" select="$def"/>
      <xsl:with-param name="kind" select="'subtotal'"/>
    </xsl:call-template>
    <xsl:call-template name="pair-rows">
      <xsl:with-param name="left"
          select="$in-cur/following-sibling::*[not(self::bx:grandTotal)]"/>
      <xsl:with-param name="right"
          select="$out-cur/following-sibling::*[not(self::bx:grandTotal)]"/>
      <xsl:with-param name="def" select="$def"/>
    </xsl:call-template>
    <xsl:call-template name="pair-rows">
      <xsl:with-param name="left" select="bx:income/bx:grandTotal"/>
      <xsl:with-param name="right" select="bx:expenditure/bx:grandTotal"/>
      <xsl:with-param name="def" select="$def"/>
      <xsl:with-param name="kind" select="'total'"/>
    </xsl:call-template>
  </xsl:template>

  <!-- T4: rows paired in order; 收入合计 | 支出合计 on the last line. -->
  <xsl:template match="bx:fiscalSummary" mode="body">
    <xsl:param name="def"/>
    <xsl:call-template name="pair-rows">
      <xsl:with-param name="left"
          select="bx:income/*[not(self::bx:grandTotal)]"/>
      <xsl:with-param name="right"
          select="bx:expenditure/*[not(self::bx:grandTotal)]"/>
      <xsl:with-param name="def" select="$def"/>
    </xsl:call-template>
    <xsl:call-template name="pair-rows">
      <xsl:with-param name="left" select="bx:income/bx:grandTotal"/>
      <xsl:with-param name="right" select="bx:expenditure/bx:grandTotal"/>
      <xsl:with-param name="def" select="$def"/>
      <xsl:with-param name="kind" select="'total'"/>
    </xsl:call-template>
  </xsl:template>

  <!--
    Tables made of keyed rows: walk the row tree in document order.  The
    rows of these tables are written by the templates of mode "row"
    below (x:keyed-rows in src/xslt_grid.c writes the same rows in one
    step; xsltproc runs the fallback).
  -->
  <xsl:template mode="body" match="bx:incomeSummary | bx:expenditureSummary
      | bx:gpbExpenditure | bx:govFundExpenditure | bx:gpbBasic
      | bx:economicSummary | bx:threePublic | bx:projectExpenditure
      | bx:projectPerformance | bx:stateCapitalExpenditure
      | bx:procurement">
    <xsl:param name="def"/>
    <x:keyed-rows>
      <xsl:fallback>
        <xsl:call-template name="keyed-rows">
          <xsl:with-param name="def" select="$def"/>
        </xsl:call-template>
      </xsl:fallback>
    </x:keyed-rows>
  </xsl:template>

  <!-- read by x:keyed-rows (T8's unkeyed row): one string a page, not a
       result tree fragment a table -->
  <xsl:variable name="total-label"
      select="string($M/m:l[@k = 'row.total']/@zh)"/>

  <xsl:template name="keyed-rows">
    <xsl:param name="def"/>
    <xsl:apply-templates mode="row"
        select="*[not(self::bx:note or self::bx:emptyNote)]">
      <xsl:with-param name="def" select="$def"/>
      <xsl:with-param name="table" select="local-name()"/>
      <!-- T10 prints a 项目编码 column when some project has a code;
           computed once here, not once per row -->
      <xsl:with-param name="codes" select="boolean(.//bx:project/@code)"/>
    </xsl:apply-templates>
  </xsl:template>

  <!--
    One grid row for a keyed row, then its child rows.  The key cells
    depend on the table; the amount cells come from $def.
  -->
  <xsl:template match="*" mode="row">
    <xsl:param name="def"/>
    <xsl:param name="table"/>
    <xsl:param name="codes" select="false()"/>
    <m:row>
      <xsl:call-template name="row-attrs"/>
      <xsl:call-template name="key-cells">
        <xsl:with-param name="table" select="$table"/>
        <xsl:with-param name="codes" select="$codes"/>
      </xsl:call-template>
      <xsl:call-template name="amounts">
        <xsl:with-param name="row" select="."/>
        <xsl:with-param name="def" select="$def"/>
      </xsl:call-template>
    </m:row>
    <xsl:apply-templates select="*" mode="row">
      <xsl:with-param name="def" select="$def"/>
      <xsl:with-param name="table" select="$table"/>
      <xsl:with-param name="codes" select="$codes"/>
    </xsl:apply-templates>
  </xsl:template>

  <!-- Key (non-amount) cells of a keyed row, per table. -->
  <xsl:template name="key-cells">
    <xsl:param name="table"/>
    <xsl:param name="codes" select="false()"/>
    <xsl:variable name="k" select="local-name()"/>
    <xsl:choose>
      <!-- T2: 部门代码 | 部门名称 -->
      <xsl:when test="$table = 'incomeSummary'">
        <m:c t="code"><xsl:value-of select="@code"/></m:c>
        <m:c t="text"><xsl:value-of select="@name"/></m:c>
      </xsl:when>
      <!-- T3/T5/T9: 类 款 项 | 单位代码 | 单位（科目名称） -->
      <xsl:when test="$table = 'expenditureSummary'
                      or $table = 'gpbExpenditure'
                      or $table = 'govFundExpenditure'">
        <xsl:choose>
          <xsl:when test="$k = 'func'">
            <xsl:call-template name="func-code">
              <xsl:with-param name="code" select="@code"/>
            </xsl:call-template>
            <m:c t="code"/>
          </xsl:when>
          <xsl:otherwise>
            <xsl:call-template name="blank">
              <xsl:with-param name="n" select="3"/>
            </xsl:call-template>
            <m:c t="code"><xsl:value-of select="@code"/></m:c>
          </xsl:otherwise>
        </xsl:choose>
        <m:c t="text"><xsl:value-of select="@name"/></m:c>
      </xsl:when>
      <!-- T13: 类 款 项 | 单位（科目名称） -->
      <xsl:when test="$table = 'stateCapitalExpenditure'">
        <xsl:choose>
          <xsl:when test="$k = 'func'">
            <xsl:call-template name="func-code">
              <xsl:with-param name="code" select="@code"/>
            </xsl:call-template>
          </xsl:when>
          <xsl:otherwise>
            <xsl:call-template name="span">
              <xsl:with-param name="cs" select="3"/>
              <xsl:with-param name="v" select="@code"/>
              <xsl:with-param name="t" select="'code'"/>
            </xsl:call-template>
          </xsl:otherwise>
        </xsl:choose>
        <m:c t="text"><xsl:value-of select="@name"/></m:c>
      </xsl:when>
      <!-- T6: 部门经济 code, name | 政府经济 code, name -->
      <xsl:when test="$table = 'gpbBasic'">
        <xsl:choose>
          <xsl:when test="$k = 'eco'">
            <m:c t="code"><xsl:value-of select="@dep"/></m:c>
            <m:c t="text"><xsl:value-of select="@depName"/></m:c>
            <m:c t="code"><xsl:value-of select="@gov"/></m:c>
            <m:c t="text"><xsl:value-of select="@govName"/></m:c>
          </xsl:when>
          <xsl:when test="$k = 'total'">
            <xsl:call-template name="blank">
              <xsl:with-param name="n" select="3"/>
            </xsl:call-template>
            <m:c t="label"><xsl:value-of select="@name"/></m:c>
          </xsl:when>
          <xsl:otherwise>
            <m:c t="code"><xsl:value-of select="@code"/></m:c>
            <xsl:call-template name="span">
              <xsl:with-param name="cs" select="3"/>
              <xsl:with-param name="v" select="@name"/>
            </xsl:call-template>
          </xsl:otherwise>
        </xsl:choose>
      </xsl:when>
      <!-- T7: 类 款 名称 | 类 款 名称 -->
      <xsl:when test="$table = 'economicSummary'">
        <xsl:choose>
          <xsl:when test="$k = 'eco'">
            <m:c t="code"><xsl:value-of select="substring(@dep, 1, 3)"/></m:c>
            <m:c t="code"><xsl:value-of select="substring(@dep, 4)"/></m:c>
            <m:c t="text"><xsl:value-of select="@depName"/></m:c>
            <m:c t="code"><xsl:value-of select="substring(@gov, 1, 3)"/></m:c>
            <m:c t="code"><xsl:value-of select="substring(@gov, 4)"/></m:c>
            <m:c t="text"><xsl:value-of select="@govName"/></m:c>
          </xsl:when>
          <xsl:when test="$k = 'total'">
            <xsl:call-template name="span">
              <xsl:with-param name="cs" select="6"/>
              <xsl:with-param name="v" select="@name"/>
              <xsl:with-param name="t" select="'label'"/>
            </xsl:call-template>
          </xsl:when>
          <xsl:otherwise>
            <xsl:call-template name="span">
              <xsl:with-param name="cs" select="2"/>
              <xsl:with-param name="v" select="@code"/>
              <xsl:with-param name="t" select="'code'"/>
            </xsl:call-template>
            <xsl:call-template name="span">
              <xsl:with-param name="cs" select="4"/>
              <xsl:with-param name="v" select="@name"/>
            </xsl:call-template>
          </xsl:otherwise>
        </xsl:choose>
      </xsl:when>
      <!-- T8 broken down by unit: 单位代码 | 单位名称 -->
      <xsl:when test="$table = 'threePublic'">
        <m:c t="code"><xsl:value-of select="@code"/></m:c>
        <m:c t="text"><xsl:value-of select="@name"/></m:c>
      </xsl:when>
      <!-- T10: 类型 [项目编码] 项目名称 项目单位 -->
      <xsl:when test="$table = 'projectExpenditure'">
        <xsl:choose>
          <xsl:when test="$k = 'project'">
            <m:c t="text"><xsl:value-of select="@kind"/></m:c>
            <xsl:if test="$codes">
              <m:c t="code"><xsl:value-of select="@code"/></m:c>
            </xsl:if>
            <m:c t="text"><xsl:value-of select="@name"/></m:c>
            <m:c t="text"><xsl:value-of select="@unitName"/></m:c>
          </xsl:when>
          <xsl:when test="$k = 'total'">
            <xsl:call-template name="blank">
              <xsl:with-param name="n" select="2 + number($codes)"/>
            </xsl:call-template>
            <m:c t="label"><xsl:value-of select="@name"/></m:c>
          </xsl:when>
          <xsl:otherwise>
            <m:c t="text"/>
            <xsl:if test="$codes">
              <m:c t="text"/>
            </xsl:if>
            <m:c t="code"><xsl:value-of select="@code"/></m:c>
            <m:c t="text"><xsl:value-of select="@name"/></m:c>
          </xsl:otherwise>
        </xsl:choose>
      </xsl:when>
      <!-- T14 (rows handled by their own template) -->
      <xsl:otherwise>
        <m:c t="code"><xsl:value-of select="@code"/></m:c>
        <m:c t="text"><xsl:value-of select="@name"/></m:c>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- T8: the unkeyed single row. -->
  <xsl:template match="bx:threePublic/bx:row" mode="row">
    <xsl:param name="def"/>
    <m:row kind="total" depth="0">
      <xsl:if test="../bx:dept | ../bx:unit">
        <m:c t="code"/>
        <m:c t="label"><xsl:value-of select="$M/m:l[@k = 'row.total']/@zh"/></m:c>
      </xsl:if>
      <xsl:call-template name="amounts">
        <xsl:with-param name="row" select="."/>
        <xsl:with-param name="def" select="$def"/>
      </xsl:call-template>
    </m:row>
  </xsl:template>

  <!-- T14 rows -->
  <xsl:template match="bx:procurement/bx:total" mode="row">
    <m:row kind="total" depth="0">
      <xsl:call-template name="blank">
        <xsl:with-param name="n" select="3"/>
      </xsl:call-template>
      <m:c t="label"><xsl:value-of select="@name"/></m:c>
      <xsl:call-template name="blank">
        <xsl:with-param name="n" select="5"/>
      </xsl:call-template>
      <m:c t="amt"><xsl:value-of select="@amount"/></m:c>
    </m:row>
  </xsl:template>

  <xsl:template match="bx:procurement//bx:item" mode="row">
    <m:row kind="item" depth="0">
      <xsl:call-template name="func-code">
        <xsl:with-param name="code" select="@func"/>
      </xsl:call-template>
      <m:c t="text"><xsl:value-of select="@unitName"/></m:c>
      <m:c t="text"><xsl:value-of select="@name"/></m:c>
      <m:c t="text"><xsl:value-of select="@catalogue"/></m:c>
      <m:c t="text"><xsl:value-of select="@spec"/></m:c>
      <m:c t="text"><xsl:value-of select="@measure"/></m:c>
      <m:c t="num"><xsl:value-of select="@quantity"/></m:c>
      <m:c t="amt"><xsl:value-of select="@amount"/></m:c>
    </m:row>
  </xsl:template>

  <!-- T14 may group items by unit (dept/unit rows). -->
  <xsl:template match="bx:procurement/bx:dept | bx:procurement//bx:unit"
      mode="row">
    <m:row kind="{local-name()}" depth="0">
      <xsl:call-template name="span">
        <xsl:with-param name="cs" select="3"/>
        <xsl:with-param name="v" select="@code"/>
        <xsl:with-param name="t" select="'code'"/>
      </xsl:call-template>
      <m:c t="text"><xsl:value-of select="@name"/></m:c>
      <xsl:call-template name="blank">
        <xsl:with-param name="n" select="5"/>
      </xsl:call-template>
      <m:c t="amt"><xsl:value-of select="@amount"/></m:c>
    </m:row>
    <xsl:apply-templates select="*" mode="row"/>
  </xsl:template>

  <!-- T12: a project prints as many lines as its longest category. -->
  <xsl:template match="bx:projectPerformance//bx:project" mode="row">
    <xsl:param name="def"/>
    <xsl:variable name="p" select="."/>
    <xsl:variable name="counts-rtf">
      <m:n><xsl:value-of select="count(bx:indicator[@category = 'cost'])"/></m:n>
      <m:n><xsl:value-of select="count(bx:indicator[@category = 'output'])"/></m:n>
      <m:n><xsl:value-of select="count(bx:indicator[@category = 'effect'])"/></m:n>
      <m:n><xsl:value-of
          select="count(bx:indicator[@category = 'satisfaction'])"/></m:n>
      <m:n>1</m:n>
    </xsl:variable>
    <xsl:variable name="lines">
      <xsl:for-each select="exsl:node-set($counts-rtf)/m:n">
        <xsl:sort select="." data-type="number" order="descending"/>
        <xsl:if test="position() = 1">
          <xsl:value-of select="."/>
        </xsl:if>
      </xsl:for-each>
    </xsl:variable>
    <xsl:variable name="nlines" select="number($lines)"/>
    <xsl:variable name="seq-rtf">
      <xsl:call-template name="seq-256"/>
    </xsl:variable>
    <xsl:variable name="seq" select="exsl:node-set($seq-rtf)/m:i"/>
    <xsl:for-each select="$seq[position() &lt;= $nlines]">
      <xsl:variable name="i" select="position()"/>
      <m:row kind="{local-name($p)}" depth="0">
        <xsl:if test="$i &gt; 1">
          <xsl:attribute name="cont">1</xsl:attribute>
        </xsl:if>
        <xsl:choose>
          <xsl:when test="$i = 1">
            <m:c t="code" rs="{$lines}"><xsl:value-of select="$p/@code"/></m:c>
            <m:c t="text" rs="{$lines}"><xsl:value-of select="$p/@name"/></m:c>
            <xsl:call-template name="amounts">
              <xsl:with-param name="row" select="$p"/>
              <xsl:with-param name="def" select="$def"/>
              <xsl:with-param name="rs" select="$lines"/>
            </xsl:call-template>
          </xsl:when>
          <xsl:otherwise>
            <xsl:call-template name="skip">
              <xsl:with-param name="n" select="6"/>
            </xsl:call-template>
          </xsl:otherwise>
        </xsl:choose>
        <xsl:call-template name="indicator-pair">
          <xsl:with-param name="ind"
              select="$p/bx:indicator[@category = 'cost'][$i]"/>
        </xsl:call-template>
        <xsl:call-template name="indicator-pair">
          <xsl:with-param name="ind"
              select="$p/bx:indicator[@category = 'output'][$i]"/>
        </xsl:call-template>
        <xsl:call-template name="indicator-pair">
          <xsl:with-param name="ind"
              select="$p/bx:indicator[@category = 'effect'][$i]"/>
        </xsl:call-template>
        <xsl:call-template name="indicator-pair">
          <xsl:with-param name="ind"
              select="$p/bx:indicator[@category = 'satisfaction'][$i]"/>
        </xsl:call-template>
      </m:row>
    </xsl:for-each>
  </xsl:template>

  <xsl:template name="indicator-pair">
    <xsl:param name="ind"/>
    <m:c t="text"><xsl:value-of select="$ind/@name"/></m:c>
    <m:c t="val"><xsl:value-of select="$ind/bx:value"/></m:c>
  </xsl:template>

  <!-- T12 dept and unit rows: code, name, amounts, no indicators. -->
  <xsl:template mode="row" match="bx:projectPerformance//bx:dept
                                  | bx:projectPerformance//bx:unit">
    <xsl:param name="def"/>
    <m:row>
      <xsl:call-template name="row-attrs"/>
      <m:c t="code"><xsl:value-of select="@code"/></m:c>
      <m:c t="text"><xsl:value-of select="@name"/></m:c>
      <xsl:call-template name="amounts">
        <xsl:with-param name="row" select="."/>
        <xsl:with-param name="def" select="$def"/>
      </xsl:call-template>
      <xsl:call-template name="blank">
        <xsl:with-param name="n" select="8"/>
      </xsl:call-template>
    </m:row>
    <xsl:apply-templates select="*" mode="row">
      <xsl:with-param name="def" select="$def"/>
    </xsl:apply-templates>
  </xsl:template>

  <!-- Indicators are printed by their project row. -->
  <xsl:template match="bx:indicator | bx:value" mode="row"/>

  <!-- ============================================================ -->
  <!-- T11: the performance form, 5 columns                          -->
  <!-- ============================================================ -->
  <xsl:template match="bx:deptPerformance" mode="body">
    <!-- budgetx: x:dept-form in src/xslt_grid.c (reads $amount-unit);
         xsltproc: -->
    <x:dept-form>
      <xsl:fallback>
        <xsl:variable name="b" select="bx:budget"/>
        <xsl:variable name="u" select="concat('（', $amount-unit, '）')"/>
        <m:row kind="form" depth="0">
          <m:c t="th" en="Annual goal">年度履职目标</m:c>
          <xsl:call-template name="span">
            <xsl:with-param name="cs" select="4"/>
            <xsl:with-param name="v" select="bx:annualGoal"/>
          </xsl:call-template>
        </m:row>
        <m:row kind="form" depth="0">
          <m:c t="th" rs="{1 + count(bx:tasks/bx:task)}" en="Main tasks"
              >年度主要任务</m:c>
          <m:c t="th" cs="2" en="Task">任务名称</m:c><m:s/>
          <m:c t="th" cs="2" en="Content">主要内容</m:c><m:s/>
        </m:row>
        <xsl:for-each select="bx:tasks/bx:task">
          <m:row kind="form" depth="0">
            <m:s/>
            <m:c t="text" cs="2"><xsl:value-of select="@name"/></m:c><m:s/>
            <m:c t="text" cs="2"><xsl:value-of select="."/></m:c><m:s/>
          </m:row>
        </xsl:for-each>
        <m:row kind="form" depth="0">
          <m:c t="th" rs="6" en="Budget">预算情况</m:c>
          <m:c t="th" cs="2" en="Total budget"
              ><xsl:value-of select="concat('部门预算总额', $u)"/></m:c><m:s/>
          <m:c t="famt" cs="2"><xsl:value-of select="$b/@total"/></m:c><m:s/>
        </m:row>
        <xsl:call-template name="form-money">
          <xsl:with-param name="group" select="'1、资金来源：'"/>
          <xsl:with-param name="group-en" select="'Sources'"/>
          <xsl:with-param name="rs" select="3"/>
          <xsl:with-param name="label" select="'（1）政府预算资金'"/>
          <xsl:with-param name="en" select="'Government budget funds'"/>
          <xsl:with-param name="v" select="$b/@govFunds"/>
        </xsl:call-template>
        <xsl:call-template name="form-money">
          <xsl:with-param name="label" select="'（2）财政专户管理资金'"/>
          <xsl:with-param name="en" select="'Special fiscal account'"/>
          <xsl:with-param name="v" select="$b/@specialAccount"/>
        </xsl:call-template>
        <xsl:call-template name="form-money">
          <xsl:with-param name="label" select="'（3）单位资金'"/>
          <xsl:with-param name="en" select="'Unit funds'"/>
          <xsl:with-param name="v" select="$b/@unitFunds"/>
        </xsl:call-template>
        <xsl:call-template name="form-money">
          <xsl:with-param name="group" select="'2、资金结构：'"/>
          <xsl:with-param name="group-en" select="'Structure'"/>
          <xsl:with-param name="rs" select="2"/>
          <xsl:with-param name="label" select="'（1）基本支出'"/>
          <xsl:with-param name="en" select="'Basic expenditure'"/>
          <xsl:with-param name="v" select="$b/@basic"/>
        </xsl:call-template>
        <xsl:call-template name="form-money">
          <xsl:with-param name="label" select="'（2）项目支出'"/>
          <xsl:with-param name="en" select="'Project expenditure'"/>
          <xsl:with-param name="v" select="$b/@project"/>
        </xsl:call-template>
        <xsl:if test="bx:indicators">
          <m:row kind="head" depth="0">
            <m:c t="th" en="Level 1">一级指标</m:c>
            <m:c t="th" en="Level 2">二级指标</m:c>
            <m:c t="th" en="Level 3">三级指标</m:c>
            <m:c t="th" en="Target">指标值</m:c>
            <m:c t="th" en="Explanation">指标值说明</m:c>
          </m:row>
          <xsl:for-each select="bx:indicators//bx:indicator">
            <xsl:variable name="l2" select="parent::bx:level2"/>
            <xsl:variable name="l1" select="ancestor::bx:level1[1]"/>
            <m:row kind="indicator" depth="0">
              <xsl:choose>
                <xsl:when test="not($l1)">
                  <m:c t="text"/>
                </xsl:when>
                <xsl:when test="generate-id($l1//bx:indicator[1])
                                = generate-id(.)">
                  <m:c t="text" rs="{count($l1//bx:indicator)}"
                      ><xsl:value-of select="$l1/@name"/></m:c>
                </xsl:when>
                <xsl:otherwise>
                  <m:s/>
                </xsl:otherwise>
              </xsl:choose>
              <xsl:choose>
                <xsl:when test="not($l2)">
                  <m:c t="text"/>
                </xsl:when>
                <xsl:when test="not(preceding-sibling::bx:indicator)">
                  <m:c t="text" rs="{count($l2/bx:indicator)}"
                      ><xsl:value-of select="$l2/@name"/></m:c>
                </xsl:when>
                <xsl:otherwise>
                  <m:s/>
                </xsl:otherwise>
              </xsl:choose>
              <m:c t="text"><xsl:value-of select="@name"/></m:c>
              <m:c t="val"><xsl:value-of select="bx:value"/></m:c>
              <m:c t="text"><xsl:value-of select="bx:explanation"/></m:c>
            </m:row>
          </xsl:for-each>
        </xsl:if>
      </xsl:fallback>
    </x:dept-form>
  </xsl:template>

  <!-- One money line of the T11 预算情况 block. -->
  <xsl:template name="form-money">
    <xsl:param name="group" select="''"/>
    <xsl:param name="group-en" select="''"/>
    <xsl:param name="rs" select="1"/>
    <xsl:param name="label"/>
    <xsl:param name="en"/>
    <xsl:param name="v"/>
    <m:row kind="form" depth="0">
      <m:s/>
      <xsl:choose>
        <xsl:when test="$group != ''">
          <m:c t="th" rs="{$rs}" en="{$group-en}"
              ><xsl:value-of select="$group"/></m:c>
        </xsl:when>
        <xsl:otherwise>
          <m:s/>
        </xsl:otherwise>
      </xsl:choose>
      <m:c t="th" en="{$en}"><xsl:value-of select="$label"/></m:c>
      <m:c t="famt" cs="2"><xsl:value-of select="$v"/></m:c><m:s/>
    </m:row>
  </xsl:template>

</xsl:stylesheet>
