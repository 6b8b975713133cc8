<?xml version="1.0" encoding="UTF-8"?>
<!--
  common.xsl: what every budgetx rendition shares.  The table registry
  (canonical number, file name, titles: generated from schemas/templates
  into templates.xsl, per template), the names of the amount
  attributes, bilingual labels and small string helpers.  No output of its
  own; included by html.xsl, csv.xsl, json.xsl, platform.xsl and
  platform-import.xsl.  Plain XSLT 1.0 plus exsl:node-set.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:bx="urn:budgetx:disclosure:1"
    xmlns:exsl="http://exslt.org/common"
    xmlns:m="urn:budgetx:xslt:meta"
    xmlns:x="urn:budgetx:xslt:ext"
    extension-element-prefixes="exsl"
    exclude-result-prefixes="bx exsl m x">

  <!--
    budgetx runs these stylesheets with extension functions in C for the
    work done once per table cell (src/xslt_ext.c, namespace
    urn:budgetx:xslt:ext, prefix x): functions, each call guarded by
    $x-ext, and elements that write cells straight into the result, each
    with an xsl:fallback.  The XSLT versions give the same bytes, so
    xsltproc runs the same stylesheets (tests/convert/xsltproc.sh compares
    both).
  -->
  <xsl:variable name="x-ext" select="function-available('x:csv-field')
                                     and function-available('x:csv-row')"/>

  <!--
    The grids of every table, when budgetx has built them once for several
    renditions (xslt/grids.xsl; x:shared-grids() gives them in document
    order).  False with xsltproc: each stylesheet builds its grids.
  -->
  <xsl:variable name="x-grids" select="function-available('x:shared-grids')
                                       and boolean(x:shared-grids())"/>

  <!-- 'zh' (default) or 'en': 'en' prints every fixed label as zh + en. -->
  <xsl:param name="lang" select="'zh'"/>

  <xsl:variable name="bx-ns" select="'urn:budgetx:disclosure:1'"/>

  <!--
    Money attributes: those of type bx:amount (docs/format.md "The
    tables") except quantity (采购数量, a count).  An attribute is an amount
    when its name is listed here AND it sits inside bx:tables (fig/@project
    in the narrative is a project name).  Kept as one space-delimited
    string: a contains() test is much cheaper than a node-set lookup on
    large documents.  tests/convert/check.py compares this list with
    schemas/budgetx.xsd.
  -->
  <xsl:variable name="amount-names" select="concat(' ',
      'total currentTotal gpb gpbFiscal govFund stateCapital ',
      'specialAccount business operating superior subordinate other reserve ',
      'carryTotal carryGpb carryGovFund carryStateCapital ',
      'carrySpecialAccount carryUnit amount basic wages family goods ',
      'capital project projectOperating projectSpecific personnel ',
      'public carry abroad vehicle vehiclePurchase vehicleOperation ',
      'reception officeOperation unitFunds govFunds projectSocial ',
      'projectDebt projectConstruction projectOther ')"/>

  <!--
    The table registry comes from schemas/templates through the generated
    templates.xsl (template "registry": m:table for the canonical order
    T1..T14, m:tpl for each template's printed ordinals and titles).  It
    is called here, not kept in a global variable of its own: libxslt
    builds every global variable for every document, so $meta-rtf
    copying such a variable built the registry twice a document (0.7 Mi
    of the 38 of an html page; tests/convert/check.py global-rtfs).
  -->
  <xsl:include href="templates.xsl"/>

  <xsl:variable name="meta-rtf">
    <xsl:call-template name="registry"/>

    <!-- Fixed labels used by the page, the spreadsheets and the report. -->
    <m:l k="contents" zh="目 录" en="Contents"/>
    <m:l k="part1" zh="第一部分" en="Part I"/>
    <m:l k="part2" zh="第二部分" en="Part II"/>
    <m:l k="part3" zh="第三部分" en="Part III"/>
    <m:l k="annex" zh="附件：" en="Annex:"/>
    <m:l k="annexTables" zh="年部门预算表" en="departmental budget tables"/>
    <m:l k="deptName" zh="部门名称" en="Department"/>
    <m:l k="amountUnit" zh="单位" en="Unit"/>
    <m:l k="published" zh="公开日期" en="Published"/>
    <m:l k="top" zh="返回目录" en="Back to contents"/>

    <!-- Row labels of the fixed rows of T1/T4 (by element name). -->
    <m:l k="row.gpb" zh="一般公共预算" en="General public budget"/>
    <m:l k="row.gpbFiscal" zh="其中：财政拨款" en="of which: appropriations"/>
    <m:l k="row.govFund" zh="政府性基金预算" en="Government fund budget"/>
    <m:l k="row.stateCapital" zh="国有资本经营预算"
        en="State capital operating budget"/>
    <m:l k="row.specialAccount" zh="财政专户管理资金收入"
        en="Special fiscal account funds"/>
    <m:l k="row.business" zh="事业收入" en="Public service revenue"/>
    <m:l k="row.operating" zh="事业单位经营收入"
        en="Business revenue of public institutions"/>
    <m:l k="row.superior" zh="上级补助收入" en="Grants from superiors"/>
    <m:l k="row.subordinate" zh="附属单位上缴收入"
        en="Remittances from subordinate units"/>
    <m:l k="row.other" zh="其他收入" en="Other revenue"/>
    <m:l k="row.currentTotal" zh="本年合计" en="Current-year total"/>
    <m:l k="row.carryForward" zh="上年结转结余"
        en="Carried forward from last year"/>
    <m:l k="row.reserve" zh="用事业基金弥补收支差额"
        en="Covered from the institution fund"/>
    <m:l k="row.grandTotal" zh="总计" en="Grand total"/>
    <m:l k="row.carryOver" zh="年终结转结余" en="Carried over at year end"/>
    <m:l k="row.current" zh="本年" en="Current year"/>
    <m:l k="row.currentGpb" zh="一般公共预算拨款"
        en="General public budget appropriations"/>
    <m:l k="row.currentGpbFiscal" zh="其中：财政拨款"
        en="of which: appropriations"/>
    <m:l k="row.currentGovFund" zh="政府性基金预算拨款"
        en="Government fund appropriations"/>
    <m:l k="row.currentStateCapital" zh="国有资本经营预算拨款"
        en="State capital appropriations"/>
    <m:l k="row.carry" zh="上年结转" en="Carried forward"/>
    <m:l k="row.carryGpb" zh="一般公共预算拨款"
        en="General public budget appropriations"/>
    <m:l k="row.carryGovFund" zh="政府性基金预算拨款"
        en="Government fund appropriations"/>
    <m:l k="row.carryStateCapital" zh="国有资本经营预算拨款"
        en="State capital appropriations"/>
    <m:l k="row.total" zh="合计" en="Total"/>
  </xsl:variable>
  <xsl:variable name="M" select="exsl:node-set($meta-rtf)"/>

  <!--
    $M's labels and tables by name: key() looks in the document of the
    context node, so the lookups run inside <xsl:for-each select="$M">.
    (A filter such as $M/m:l[@k = $k] tests every label: tens of
    thousands of instructions a lookup, paid several times a table.)
  -->
  <xsl:key name="meta-l" match="m:l" use="@k"/>
  <xsl:key name="meta-table" match="m:table" use="@key"/>

  <!--
    256 elements m:i, for counted loops without recursion: 16 x 16.  Not
    a global variable here: libxslt evaluates every global variable of a
    stylesheet before it starts, and html.xsl and csv.xsl need it only in
    XSLT that budgetx runs in C (xslt/seq.xsl has the global $seq of the
    workbook stylesheets).
  -->
  <xsl:variable name="seq16-rtf">
    <m:i/><m:i/><m:i/><m:i/><m:i/><m:i/><m:i/><m:i/>
    <m:i/><m:i/><m:i/><m:i/><m:i/><m:i/><m:i/><m:i/>
  </xsl:variable>

  <xsl:template name="seq-256">
    <xsl:variable name="seq16" select="exsl:node-set($seq16-rtf)/m:i"/>
    <xsl:for-each select="$seq16">
      <xsl:for-each select="$seq16">
        <m:i/>
      </xsl:for-each>
    </xsl:for-each>
  </xsl:template>

  <xsl:variable name="meta" select="/bx:disclosure/bx:metadata"/>
  <!-- The document's template (metadata/profile: id or alias), if known. -->
  <xsl:variable name="profile" select="string($meta/bx:profile)"/>
  <xsl:variable name="T"
      select="$M/m:tpl[@id = $profile or m:alias = $profile][1]"/>
  <xsl:variable name="amount-unit" select="string($meta/bx:amounts/@unit)"/>
  <xsl:variable name="dept-name" select="string($meta/bx:department/@name)"/>

  <!-- Amount unit of a table: its own (@unit), else the document's. -->
  <xsl:template name="table-unit">
    <xsl:param name="t" select="."/>
    <xsl:choose>
      <xsl:when test="string($t/@unit) != ''">
        <xsl:value-of select="$t/@unit"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:value-of select="$amount-unit"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- 部门名称 printed above a table: its own, else the department's. -->
  <xsl:template name="table-dept-name">
    <xsl:param name="t" select="."/>
    <xsl:choose>
      <xsl:when test="string($t/@deptName) != ''">
        <xsl:value-of select="$t/@deptName"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:value-of select="$dept-name"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- "t01-budget-summary" for a table element (unknown: its name). -->
  <xsl:template name="table-id">
    <xsl:param name="t" select="."/>
    <xsl:variable name="k" select="local-name($t)"/>
    <xsl:for-each select="$M">
      <xsl:variable name="e" select="key('meta-table', $k)"/>
      <xsl:choose>
        <xsl:when test="$e">
          <xsl:value-of select="concat('t', $e/@n, '-', $e/@slug)"/>
        </xsl:when>
        <xsl:otherwise>
          <xsl:value-of select="$k"/>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:for-each>
  </xsl:template>

  <!-- Title as printed, else the document's template's, else the reference's. -->
  <xsl:template name="table-title">
    <xsl:param name="t" select="."/>
    <xsl:choose>
      <xsl:when test="string($t/@title) != ''">
        <xsl:value-of select="$t/@title"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:variable name="k" select="local-name($t)"/>
        <xsl:variable name="own" select="$T/m:t[@element = $k]/@zh"/>
        <xsl:choose>
          <xsl:when test="$own">
            <xsl:value-of select="$own"/>
          </xsl:when>
          <xsl:otherwise>
            <xsl:for-each select="$M">
              <xsl:value-of select="key('meta-table', $k)/@zh"/>
            </xsl:for-each>
          </xsl:otherwise>
        </xsl:choose>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- English title: the document's template's, else the reference's. -->
  <xsl:template name="table-title-en">
    <xsl:param name="t" select="."/>
    <xsl:variable name="k" select="local-name($t)"/>
    <xsl:variable name="own" select="$T/m:t[@element = $k]/@en"/>
    <xsl:choose>
      <xsl:when test="$own">
        <xsl:value-of select="$own"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:for-each select="$M">
          <xsl:value-of select="key('meta-table', $k)/@en"/>
        </xsl:for-each>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Ordinal as printed (@no), else the document's template's ("八"). -->
  <xsl:template name="table-no">
    <xsl:param name="t" select="."/>
    <xsl:choose>
      <xsl:when test="string($t/@no) != ''">
        <xsl:value-of select="$t/@no"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:value-of select="$T/m:t[@element = local-name($t)]/@no"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!--
    Plain-text label: zh, or "zh / en" when $lang = 'en'; $colon adds the
    full-width colon that introduces a value ("部门名称 / Department：").
  -->
  <xsl:template name="label-text">
    <xsl:param name="k"/>
    <xsl:param name="colon" select="false()"/>
    <xsl:choose>
      <!-- budgetx: x:label (src/xslt_ext.c), the same string without
           the index key() builds on $M for a page's dozen labels -->
      <xsl:when test="$x-label">
        <xsl:value-of select="x:label($k, $colon)"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:for-each select="$M">
          <xsl:variable name="l" select="key('meta-l', $k)"/>
          <xsl:value-of select="$l/@zh"/>
          <xsl:if test="$lang = 'en' and string($l/@en) != ''">
            <xsl:value-of select="concat(' / ', $l/@en)"/>
          </xsl:if>
        </xsl:for-each>
        <xsl:if test="$colon">：</xsl:if>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:variable name="x-label" select="function-available('x:label')"/>

  <!--
    Replace every occurrence of $from in $s by $to.  Long strings are cut
    in halves first (safe for a one-character $from) so that the
    recursion stays shallow: libxslt stops at 3000 nested templates.
  -->
  <xsl:template name="replace">
    <xsl:param name="s"/>
    <xsl:param name="from"/>
    <xsl:param name="to"/>
    <xsl:variable name="len" select="string-length($s)"/>
    <xsl:choose>
      <xsl:when test="not(contains($s, $from))">
        <xsl:value-of select="$s"/>
      </xsl:when>
      <xsl:when test="$len &gt; 512 and string-length($from) = 1">
        <xsl:variable name="half" select="floor($len div 2)"/>
        <xsl:call-template name="replace">
          <xsl:with-param name="s" select="substring($s, 1, $half)"/>
          <xsl:with-param name="from" select="$from"/>
          <xsl:with-param name="to" select="$to"/>
        </xsl:call-template>
        <xsl:call-template name="replace">
          <xsl:with-param name="s" select="substring($s, $half + 1)"/>
          <xsl:with-param name="from" select="$from"/>
          <xsl:with-param name="to" select="$to"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:value-of select="substring-before($s, $from)"/>
        <xsl:value-of select="$to"/>
        <xsl:call-template name="replace">
          <xsl:with-param name="s" select="substring-after($s, $from)"/>
          <xsl:with-param name="from" select="$from"/>
          <xsl:with-param name="to" select="$to"/>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- The table elements present, in document order. -->
  <xsl:variable name="tables" select="/bx:disclosure/bx:tables/*"/>

</xsl:stylesheet>
