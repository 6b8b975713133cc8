<?xml version="1.0" encoding="UTF-8"?>
<!--
  xlsx-skeleton.xsl: the skeleton of a blank workbook, made from the
  template registry.  Input: schemas/templates/<id>.xml (the template the
  profile names).  Output: a disclosure whose tables are the template's,
  in its order, with its printed ordinals, titles and amount columns
  (every amount empty): the fixed rows of 收支总表 and 财政拨款收支总表
  (income items, the function classes; labels and any further rows from
  the template's table/row), a 合计 row and the department's
  row for keyed tables, the budget row of 整体绩效目标表.  xlsx-blank.xsl
  then sets year, department code and name, and xlsx.xsl lays it out
  (src/xlsx_write.c).  Rows of functions, economic classes, units and
  projects are added in the workbook (docs/xlsx.md).
  Parameters: year, dept, name ('' for none).
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:t="urn:budgetx:template:1"
    xmlns:m="urn:budgetx:xslt:meta"
    xmlns:exsl="http://exslt.org/common"
    xmlns="urn:budgetx:disclosure:1"
    extension-element-prefixes="exsl"
    exclude-result-prefixes="t m exsl">

  <xsl:output method="xml" encoding="UTF-8" indent="yes"/>

  <xsl:param name="year" select="''"/>
  <xsl:param name="dept" select="''"/>
  <xsl:param name="name" select="''"/>

  <xsl:variable name="t" select="/t:template"/>
  <xsl:variable name="dname">
    <xsl:choose>
      <xsl:when test="$name != ''"><xsl:value-of select="$name"/></xsl:when>
      <xsl:otherwise>（部门名称）</xsl:otherwise>
    </xsl:choose>
  </xsl:variable>
  <xsl:variable name="dcode">
    <xsl:choose>
      <xsl:when test="$dept != ''"><xsl:value-of select="$dept"/></xsl:when>
      <xsl:otherwise>000</xsl:otherwise>
    </xsl:choose>
  </xsl:variable>

  <!-- The function classes (类) of the expenditure classification, as
       printed in 收支总表 and 财政拨款收支总表 (schemas/codes/). -->
  <xsl:variable name="classes-rtf">
    <m:class code="201" name="一般公共服务支出"/>
    <m:class code="202" name="外交支出"/>
    <m:class code="203" name="国防支出"/>
    <m:class code="204" name="公共安全支出"/>
    <m:class code="205" name="教育支出"/>
    <m:class code="206" name="科学技术支出"/>
    <m:class code="207" name="文化旅游体育与传媒支出"/>
    <m:class code="208" name="社会保障和就业支出"/>
    <m:class code="209" name="社会保险基金支出"/>
    <m:class code="210" name="卫生健康支出"/>
    <m:class code="211" name="节能环保支出"/>
    <m:class code="212" name="城乡社区支出"/>
    <m:class code="213" name="农林水支出"/>
    <m:class code="214" name="交通运输支出"/>
    <m:class code="215" name="资源勘探工业信息等支出"/>
    <m:class code="216" name="商业服务业等支出"/>
    <m:class code="217" name="金融支出"/>
    <m:class code="219" name="援助其他地区支出"/>
    <m:class code="220" name="自然资源海洋气象等支出"/>
    <m:class code="221" name="住房保障支出"/>
    <m:class code="222" name="粮油物资储备支出"/>
    <m:class code="223" name="国有资本经营预算支出"/>
    <m:class code="224" name="灾害防治及应急管理支出"/>
    <m:class code="227" name="预备费支出"/>
    <m:class code="229" name="其他支出"/>
    <m:class code="230" name="转移性支出"/>
    <m:class code="231" name="债务还本支出"/>
    <m:class code="232" name="债务付息支出"/>
    <m:class code="233" name="债务发行费用支出"/>
    <m:class code="234" name="抗疫特别国债安排的支出"/>
  </xsl:variable>
  <xsl:variable name="classes" select="exsl:node-set($classes-rtf)/m:class"/>

  <xsl:template match="/">
    <disclosure formatVersion="1.0">
      <metadata>
        <title><xsl:value-of select="concat($dname, $year, '年部门预算公开')"/></title>
        <fiscalYear><xsl:value-of select="$year"/></fiscalYear>
        <department code="{$dcode}" name="{$dname}" shortName="{$dname}"/>
        <profile><xsl:value-of select="$t/@id"/></profile>
        <amounts unit="{$t/t:amounts/@unit}" decimals="{$t/t:amounts/@decimals}"/>
      </metadata>
      <tables>
        <xsl:apply-templates select="$t/t:table[not(@picture = 'true')]"/>
      </tables>
    </disclosure>
  </xsl:template>

  <!-- the empty amount columns of a table's rows -->
  <xsl:template name="amounts">
    <xsl:param name="tb"/>
    <xsl:for-each select="$tb/t:column[not(@type = 'code')]">
      <xsl:attribute name="{@name}"/>
    </xsl:for-each>
  </xsl:template>

  <xsl:template match="t:table">
    <xsl:element name="{@element}">
      <xsl:attribute name="no"><xsl:value-of select="@ordinal"/></xsl:attribute>
      <xsl:attribute name="title">
        <xsl:value-of select="t:title[lang('zh')]"/>
      </xsl:attribute>
      <xsl:attribute name="deptName"><xsl:value-of select="$dname"/></xsl:attribute>
      <xsl:apply-templates select="." mode="rows"/>
    </xsl:element>
  </xsl:template>

  <xsl:template match="t:table[@element = 'budgetSummary']" mode="rows">
    <xsl:variable name="tb" select="."/>
    <income>
      <xsl:call-template name="extra-rows">
        <xsl:with-param name="tb" select="."/>
        <xsl:with-param name="side" select="'income'"/>
        <xsl:with-param name="known" select="' gpb gpbFiscal govFund stateCapital specialAccount business operating superior subordinate other currentTotal carryForward grandTotal '"/>
        <xsl:with-param name="cols" select="'0'"/>
      </xsl:call-template>
      <xsl:call-template name="fixed">
        <xsl:with-param name="tb" select="."/>
        <xsl:with-param name="side" select="'income'"/>
        <xsl:with-param name="el" select="'gpb'"/>
        <xsl:with-param name="label" select="'一、一般公共预算'"/>
        <xsl:with-param name="cols" select="'0'"/>
      </xsl:call-template>
      <xsl:call-template name="fixed">
        <xsl:with-param name="tb" select="."/>
        <xsl:with-param name="side" select="'income'"/>
        <xsl:with-param name="el" select="'gpbFiscal'"/>
        <xsl:with-param name="label" select="'其中：财政拨款'"/>
        <xsl:with-param name="cols" select="'0'"/>
      </xsl:call-template>
      <xsl:call-template name="fixed">
        <xsl:with-param name="tb" select="."/>
        <xsl:with-param name="side" select="'income'"/>
        <xsl:with-param name="el" select="'govFund'"/>
        <xsl:with-param name="label" select="'二、政府性基金预算拨款收入'"/>
        <xsl:with-param name="cols" select="'0'"/>
      </xsl:call-template>
      <xsl:call-template name="fixed">
        <xsl:with-param name="tb" select="."/>
        <xsl:with-param name="side" select="'income'"/>
        <xsl:with-param name="el" select="'stateCapital'"/>
        <xsl:with-param name="label" select="'三、国有资本经营预算拨款收入'"/>
        <xsl:with-param name="cols" select="'0'"/>
      </xsl:call-template>
      <xsl:call-template name="fixed">
        <xsl:with-param name="tb" select="."/>
        <xsl:with-param name="side" select="'income'"/>
        <xsl:with-param name="el" select="'specialAccount'"/>
        <xsl:with-param name="label" select="'四、财政专户管理资金收入'"/>
        <xsl:with-param name="cols" select="'0'"/>
      </xsl:call-template>
      <xsl:call-template name="fixed">
        <xsl:with-param name="tb" select="."/>
        <xsl:with-param name="side" select="'income'"/>
        <xsl:with-param name="el" select="'business'"/>
        <xsl:with-param name="label" select="'五、事业收入'"/>
        <xsl:with-param name="cols" select="'0'"/>
      </xsl:call-template>
      <xsl:call-template name="fixed">
        <xsl:with-param name="tb" select="."/>
        <xsl:with-param name="side" select="'income'"/>
        <xsl:with-param name="el" select="'operating'"/>
        <xsl:with-param name="label" select="'六、事业单位经营收入'"/>
        <xsl:with-param name="cols" select="'0'"/>
      </xsl:call-template>
      <xsl:call-template name="fixed">
        <xsl:with-param name="tb" select="."/>
        <xsl:with-param name="side" select="'income'"/>
        <xsl:with-param name="el" select="'superior'"/>
        <xsl:with-param name="label" select="'七、上级补助收入'"/>
        <xsl:with-param name="cols" select="'0'"/>
      </xsl:call-template>
      <xsl:call-template name="fixed">
        <xsl:with-param name="tb" select="."/>
        <xsl:with-param name="side" select="'income'"/>
        <xsl:with-param name="el" select="'subordinate'"/>
        <xsl:with-param name="label" select="'八、附属单位上缴收入'"/>
        <xsl:with-param name="cols" select="'0'"/>
      </xsl:call-template>
      <xsl:call-template name="fixed">
        <xsl:with-param name="tb" select="."/>
        <xsl:with-param name="side" select="'income'"/>
        <xsl:with-param name="el" select="'other'"/>
        <xsl:with-param name="label" select="'九、其他收入'"/>
        <xsl:with-param name="cols" select="'0'"/>
      </xsl:call-template>
      <xsl:call-template name="fixed">
        <xsl:with-param name="tb" select="."/>
        <xsl:with-param name="side" select="'income'"/>
        <xsl:with-param name="el" select="'currentTotal'"/>
        <xsl:with-param name="label" select="'本年收入合计'"/>
        <xsl:with-param name="cols" select="'0'"/>
      </xsl:call-template>
      <xsl:call-template name="fixed">
        <xsl:with-param name="tb" select="."/>
        <xsl:with-param name="side" select="'income'"/>
        <xsl:with-param name="el" select="'carryForward'"/>
        <xsl:with-param name="label" select="'上年结转结余'"/>
        <xsl:with-param name="cols" select="'0'"/>
      </xsl:call-template>
      <xsl:call-template name="fixed">
        <xsl:with-param name="tb" select="."/>
        <xsl:with-param name="side" select="'income'"/>
        <xsl:with-param name="el" select="'grandTotal'"/>
        <xsl:with-param name="label" select="'收入总计'"/>
        <xsl:with-param name="cols" select="'0'"/>
      </xsl:call-template>
    </income>
    <expenditure>
      <xsl:call-template name="extra-rows">
        <xsl:with-param name="tb" select="."/>
        <xsl:with-param name="side" select="'expenditure'"/>
        <xsl:with-param name="known" select="' class currentTotal carryOver grandTotal '"/>
        <xsl:with-param name="cols" select="'0'"/>
      </xsl:call-template>
      <xsl:for-each select="$classes">
        <class code="{@code}" label="{@name}" amount=""/>
      </xsl:for-each>
      <xsl:for-each select="$tb">
      <xsl:call-template name="fixed">
        <xsl:with-param name="tb" select="."/>
        <xsl:with-param name="side" select="'expenditure'"/>
        <xsl:with-param name="el" select="'currentTotal'"/>
        <xsl:with-param name="label" select="'本年支出合计'"/>
        <xsl:with-param name="cols" select="'0'"/>
      </xsl:call-template>
      <xsl:call-template name="fixed">
        <xsl:with-param name="tb" select="."/>
        <xsl:with-param name="side" select="'expenditure'"/>
        <xsl:with-param name="el" select="'carryOver'"/>
        <xsl:with-param name="label" select="'年终结转结余'"/>
        <xsl:with-param name="cols" select="'0'"/>
      </xsl:call-template>
      <xsl:call-template name="fixed">
        <xsl:with-param name="tb" select="."/>
        <xsl:with-param name="side" select="'expenditure'"/>
        <xsl:with-param name="el" select="'grandTotal'"/>
        <xsl:with-param name="label" select="'支出总计'"/>
        <xsl:with-param name="cols" select="'0'"/>
      </xsl:call-template>
      </xsl:for-each>
    </expenditure>
  </xsl:template>

  <xsl:template match="t:table[@element = 'fiscalSummary']" mode="rows">
    <xsl:variable name="tb" select="."/>
    <income>
      <xsl:call-template name="extra-rows">
        <xsl:with-param name="tb" select="."/>
        <xsl:with-param name="side" select="'income'"/>
        <xsl:with-param name="known" select="' current currentGpb currentGpbFiscal currentGovFund currentStateCapital carry carryGpb carryGovFund carryStateCapital grandTotal '"/>
        <xsl:with-param name="cols" select="'0'"/>
      </xsl:call-template>
      <xsl:call-template name="fixed">
        <xsl:with-param name="tb" select="."/>
        <xsl:with-param name="side" select="'income'"/>
        <xsl:with-param name="el" select="'current'"/>
        <xsl:with-param name="label" select="'一、本年收入'"/>
        <xsl:with-param name="cols" select="'0'"/>
      </xsl:call-template>
      <xsl:call-template name="fixed">
        <xsl:with-param name="tb" select="."/>
        <xsl:with-param name="side" select="'income'"/>
        <xsl:with-param name="el" select="'currentGpb'"/>
        <xsl:with-param name="label" select="'（一）一般公共预算拨款'"/>
        <xsl:with-param name="cols" select="'0'"/>
      </xsl:call-template>
      <xsl:call-template name="fixed">
        <xsl:with-param name="tb" select="."/>
        <xsl:with-param name="side" select="'income'"/>
        <xsl:with-param name="el" select="'currentGpbFiscal'"/>
        <xsl:with-param name="label" select="'其中：财政拨款'"/>
        <xsl:with-param name="cols" select="'0'"/>
      </xsl:call-template>
      <xsl:call-template name="fixed">
        <xsl:with-param name="tb" select="."/>
        <xsl:with-param name="side" select="'income'"/>
        <xsl:with-param name="el" select="'currentGovFund'"/>
        <xsl:with-param name="label" select="'（二）政府性基金预算拨款'"/>
        <xsl:with-param name="cols" select="'0'"/>
      </xsl:call-template>
      <xsl:call-template name="fixed">
        <xsl:with-param name="tb" select="."/>
        <xsl:with-param name="side" select="'income'"/>
        <xsl:with-param name="el" select="'currentStateCapital'"/>
        <xsl:with-param name="label" select="'（三）国有资本经营预算拨款'"/>
        <xsl:with-param name="cols" select="'0'"/>
      </xsl:call-template>
      <xsl:call-template name="fixed">
        <xsl:with-param name="tb" select="."/>
        <xsl:with-param name="side" select="'income'"/>
        <xsl:with-param name="el" select="'carry'"/>
        <xsl:with-param name="label" select="'二、上年结转'"/>
        <xsl:with-param name="cols" select="'0'"/>
      </xsl:call-template>
      <xsl:call-template name="fixed">
        <xsl:with-param name="tb" select="."/>
        <xsl:with-param name="side" select="'income'"/>
        <xsl:with-param name="el" select="'carryGpb'"/>
        <xsl:with-param name="label" select="'（一）一般公共预算拨款'"/>
        <xsl:with-param name="cols" select="'0'"/>
      </xsl:call-template>
      <xsl:call-template name="fixed">
        <xsl:with-param name="tb" select="."/>
        <xsl:with-param name="side" select="'income'"/>
        <xsl:with-param name="el" select="'carryGovFund'"/>
        <xsl:with-param name="label" select="'（二）政府性基金预算拨款'"/>
        <xsl:with-param name="cols" select="'0'"/>
      </xsl:call-template>
      <xsl:call-template name="fixed">
        <xsl:with-param name="tb" select="."/>
        <xsl:with-param name="side" select="'income'"/>
        <xsl:with-param name="el" select="'carryStateCapital'"/>
        <xsl:with-param name="label" select="'（三）国有资本经营预算拨款'"/>
        <xsl:with-param name="cols" select="'0'"/>
      </xsl:call-template>
      <xsl:call-template name="fixed">
        <xsl:with-param name="tb" select="."/>
        <xsl:with-param name="side" select="'income'"/>
        <xsl:with-param name="el" select="'grandTotal'"/>
        <xsl:with-param name="label" select="'收入合计'"/>
        <xsl:with-param name="cols" select="'0'"/>
      </xsl:call-template>
    </income>
    <expenditure>
      <xsl:call-template name="extra-rows">
        <xsl:with-param name="tb" select="."/>
        <xsl:with-param name="side" select="'expenditure'"/>
        <xsl:with-param name="known" select="' class current carryOver grandTotal '"/>
        <xsl:with-param name="cols" select="'1'"/>
      </xsl:call-template>
      <xsl:call-template name="fixed">
        <xsl:with-param name="tb" select="."/>
        <xsl:with-param name="side" select="'expenditure'"/>
        <xsl:with-param name="el" select="'current'"/>
        <xsl:with-param name="label" select="'一、本年支出'"/>
        <xsl:with-param name="cols" select="'1'"/>
      </xsl:call-template>
      <xsl:for-each select="$classes">
        <class code="{@code}" label="{@name}">
          <xsl:for-each select="$tb">
            <xsl:call-template name="fiscal-amounts"/>
          </xsl:for-each>
        </class>
      </xsl:for-each>
      <xsl:for-each select="$tb">
      <xsl:call-template name="fixed">
        <xsl:with-param name="tb" select="."/>
        <xsl:with-param name="side" select="'expenditure'"/>
        <xsl:with-param name="el" select="'carryOver'"/>
        <xsl:with-param name="label" select="'二、年终结转结余'"/>
        <xsl:with-param name="cols" select="'1'"/>
      </xsl:call-template>
      <xsl:call-template name="fixed">
        <xsl:with-param name="tb" select="."/>
        <xsl:with-param name="side" select="'expenditure'"/>
        <xsl:with-param name="el" select="'grandTotal'"/>
        <xsl:with-param name="label" select="'支出合计'"/>
        <xsl:with-param name="cols" select="'1'"/>
      </xsl:call-template>
      </xsl:for-each>
    </expenditure>
  </xsl:template>


  <!-- A fixed row of 收支总表/财政拨款收支总表: element $el at $path, its
       label the registry's (table/row) where it names one, else $label;
       one amount, or the table's expenditure columns ($cols = '1'). -->
  <xsl:template name="fixed">
    <xsl:param name="tb"/>
    <xsl:param name="side"/>
    <xsl:param name="el"/>
    <xsl:param name="label"/>
    <xsl:param name="cols" select="'0'"/>
    <xsl:param name="code" select="''"/>
    <xsl:variable name="reg"
        select="$tb/t:row[@path = concat($side, '/', $el)]/t:label[lang('zh')]"/>
    <xsl:element name="{$el}">
      <xsl:if test="$code != ''">
        <xsl:attribute name="code"><xsl:value-of select="$code"/></xsl:attribute>
      </xsl:if>
      <xsl:attribute name="label">
        <xsl:choose>
          <xsl:when test="$reg"><xsl:value-of select="$reg"/></xsl:when>
          <xsl:otherwise><xsl:value-of select="$label"/></xsl:otherwise>
        </xsl:choose>
      </xsl:attribute>
      <xsl:choose>
        <xsl:when test="$cols = '1'">
          <xsl:for-each select="$tb">
            <xsl:call-template name="fiscal-amounts"/>
          </xsl:for-each>
        </xsl:when>
        <xsl:otherwise>
          <xsl:attribute name="amount"/>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:element>
  </xsl:template>

  <!-- Rows the registry requires on $side that the default set lacks
       ($known: ' a b c '), first on their side. -->
  <xsl:template name="extra-rows">
    <xsl:param name="tb"/>
    <xsl:param name="side"/>
    <xsl:param name="known"/>
    <xsl:param name="cols" select="'0'"/>
    <xsl:for-each select="$tb/t:row[starts-with(@path, concat($side, '/'))]">
      <xsl:variable name="el" select="substring-after(@path, '/')"/>
      <xsl:if test="not(contains($known, concat(' ', $el, ' ')))">
        <xsl:call-template name="fixed">
          <xsl:with-param name="tb" select="$tb"/>
          <xsl:with-param name="side" select="$side"/>
          <xsl:with-param name="el" select="$el"/>
          <xsl:with-param name="label" select="''"/>
          <xsl:with-param name="cols" select="$cols"/>
        </xsl:call-template>
      </xsl:if>
    </xsl:for-each>
  </xsl:template>

  <!-- 财政拨款收支总表: the expenditure columns (not the income amount) -->
  <xsl:template name="fiscal-amounts">
    <xsl:for-each select="t:column[not(@type = 'code') and @name != 'amount']">
      <xsl:attribute name="{@name}"/>
    </xsl:for-each>
  </xsl:template>

  <xsl:template match="t:table[@element = 'threePublic']" mode="rows">
    <row name="合计">
      <xsl:call-template name="amounts">
        <xsl:with-param name="tb" select="."/>
      </xsl:call-template>
    </row>
  </xsl:template>

  <xsl:template match="t:table[@element = 'deptPerformance']" mode="rows">
    <budget>
      <xsl:call-template name="amounts">
        <xsl:with-param name="tb" select="."/>
      </xsl:call-template>
    </budget>
  </xsl:template>

  <xsl:template match="t:table[@element = 'projectPerformance']" mode="rows"/>

  <!-- keyed rows: 合计, then the department -->
  <xsl:template match="t:table" mode="rows">
    <total name="合计">
      <xsl:call-template name="amounts">
        <xsl:with-param name="tb" select="."/>
      </xsl:call-template>
    </total>
    <xsl:if test="@rows = 'unit' or @rows = 'project'">
      <dept code="{$dcode}" name="{$dname}">
        <xsl:call-template name="amounts">
          <xsl:with-param name="tb" select="."/>
        </xsl:call-template>
      </dept>
    </xsl:if>
  </xsl:template>

</xsl:stylesheet>
