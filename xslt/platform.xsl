<?xml version="1.0" encoding="UTF-8"?>
<!--
  platform.xsl: disclosure → the provincial platform's exchange XML
  (namespace urn:budgetx:platform:1, schemas/platform.xsd, described in
  docs/convert.md).  Every element becomes a flat record with ID and
  PARENT_ID (dotted positions, "3.1.2"), fields named after the
  预算管理一体化 data elements, and amounts in 元.  It carries everything
  (narrative, labels, printed precision) so platform-import.xsl gives the
  same document back.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:bx="urn:budgetx:disclosure:1"
    xmlns:exsl="http://exslt.org/common"
    xmlns:m="urn:budgetx:xslt:meta"
    xmlns:x="urn:budgetx:xslt:ext"
    xmlns="urn:budgetx:platform:1"
    extension-element-prefixes="exsl x"
    exclude-result-prefixes="bx exsl m x">

  <xsl:include href="platform-map.xsl"/>

  <xsl:output method="xml" encoding="UTF-8" indent="yes"/>

  <!-- Display unit → 元: multiply by 10^$exp. -->
  <xsl:variable name="exp">
    <xsl:call-template name="unit-exp">
      <xsl:with-param name="u" select="$amount-unit"/>
    </xsl:call-template>
  </xsl:variable>
  <xsl:variable name="decimals" select="string($meta/bx:amounts/@decimals)"/>

  <xsl:template match="/">
    <xsl:apply-templates select="bx:disclosure"/>
  </xsl:template>

  <xsl:template match="bx:disclosure">
    <BudgetDisclosure VERSION="1">
      <HEADER>
        <FORMAT_VERSION><xsl:value-of select="@formatVersion"/></FORMAT_VERSION>
        <!-- codes only where the template prints them (docs/templates.md) -->
        <xsl:if test="$meta/bx:mofDivCode">
          <MOF_DIV_CODE><xsl:value-of select="$meta/bx:mofDivCode"/></MOF_DIV_CODE>
        </xsl:if>
        <FISCAL_YEAR><xsl:value-of select="$meta/bx:fiscalYear"/></FISCAL_YEAR>
        <xsl:for-each select="$meta/bx:department">
          <xsl:if test="@code">
            <DEPT_CODE><xsl:value-of select="@code"/></DEPT_CODE>
          </xsl:if>
          <DEPT_NAME><xsl:value-of select="@name"/></DEPT_NAME>
          <xsl:if test="@shortName">
            <DEPT_SHORT_NAME><xsl:value-of select="@shortName"/></DEPT_SHORT_NAME>
          </xsl:if>
        </xsl:for-each>
        <TITLE><xsl:value-of select="$meta/bx:title"/></TITLE>
        <PROFILE><xsl:value-of select="$meta/bx:profile"/></PROFILE>
        <xsl:if test="$meta/bx:published">
          <PUBLISH_DATE><xsl:value-of select="$meta/bx:published"/></PUBLISH_DATE>
        </xsl:if>
        <AMOUNT_UNIT>元</AMOUNT_UNIT>
        <DISPLAY_UNIT><xsl:value-of select="$amount-unit"/></DISPLAY_UNIT>
        <DISPLAY_DECIMALS><xsl:value-of select="$decimals"/></DISPLAY_DECIMALS>
      </HEADER>
      <xsl:if test="$meta/bx:units">
      <AGENCIES>
        <xsl:for-each select="$meta/bx:units/bx:unit">
          <AGENCY>
            <xsl:if test="@code">
              <AGENCY_CODE><xsl:value-of select="@code"/></AGENCY_CODE>
            </xsl:if>
            <AGENCY_NAME><xsl:value-of select="@name"/></AGENCY_NAME>
            <AGENCY_TYPE><xsl:value-of select="@type"/></AGENCY_TYPE>
            <AGENCY_LEVEL><xsl:value-of select="@level"/></AGENCY_LEVEL>
          </AGENCY>
        </xsl:for-each>
      </AGENCIES>
      </xsl:if>
      <xsl:if test="bx:overview | bx:explanation | bx:glossary">
        <PARTS>
          <xsl:for-each select="bx:overview | bx:explanation | bx:glossary">
            <PART TYPE="{local-name()}">
              <xsl:call-template name="fields"/>
              <xsl:call-template name="records">
                <xsl:with-param name="rec" select="'NODE'"/>
                <xsl:with-param name="pid" select="''"/>
              </xsl:call-template>
            </PART>
          </xsl:for-each>
        </PARTS>
      </xsl:if>
      <TABLES>
        <xsl:for-each select="$tables">
          <xsl:variable name="n" select="$M/m:table[@key = local-name(current())]/@n"/>
          <TABLE TYPE="{local-name()}">
            <xsl:if test="$n">
              <xsl:attribute name="TABLE_CODE">
                <xsl:value-of select="concat('T', $n)"/>
              </xsl:attribute>
            </xsl:if>
            <xsl:call-template name="fields"/>
            <xsl:call-template name="records">
              <xsl:with-param name="rec" select="'ROW'"/>
              <xsl:with-param name="pid" select="''"/>
            </xsl:call-template>
          </TABLE>
        </xsl:for-each>
      </TABLES>
    </BudgetDisclosure>
  </xsl:template>

  <!--
    One record per child element of the context, each followed by the
    records of its own children (document order, flat).  $pid is the
    parent's ID ("" under the table or part).
  -->
  <xsl:template name="records">
    <xsl:param name="rec"/>
    <xsl:param name="pid"/>
    <xsl:variable name="mixed" select="bx:fig or (* and text()[normalize-space()])"/>
    <xsl:if test="not($mixed)">
      <xsl:for-each select="*">
        <!-- "$pid.n", or "n" under the table or part (a string, not a
             result tree fragment: this runs for every record) -->
        <xsl:variable name="id"
            select="concat($pid, substring('.', 1, string-length($pid)),
                           position())"/>
        <xsl:element name="{$rec}">
          <xsl:attribute name="ID"><xsl:value-of select="$id"/></xsl:attribute>
          <xsl:attribute name="PARENT_ID"><xsl:value-of select="$pid"/></xsl:attribute>
          <xsl:attribute name="TYPE"><xsl:value-of select="local-name()"/></xsl:attribute>
          <xsl:call-template name="fields"/>
          <xsl:call-template name="content"/>
        </xsl:element>
        <xsl:call-template name="records">
          <xsl:with-param name="rec" select="$rec"/>
          <xsl:with-param name="pid" select="$id"/>
        </xsl:call-template>
      </xsl:for-each>
    </xsl:if>
  </xsl:template>

  <!-- The text of a record: TEXT, or CONTENT for mixed content. -->
  <xsl:template name="content">
    <xsl:variable name="mixed" select="bx:fig or (* and text()[normalize-space()])"/>
    <xsl:choose>
      <xsl:when test="$mixed">
        <CONTENT>
          <xsl:for-each select="node()">
            <xsl:choose>
              <xsl:when test="self::text()">
                <T><xsl:value-of select="."/></T>
              </xsl:when>
              <xsl:when test="self::*">
                <INLINE TYPE="{local-name()}">
                  <xsl:call-template name="fields"/>
                  <TEXT><xsl:value-of select="."/></TEXT>
                </INLINE>
              </xsl:when>
            </xsl:choose>
          </xsl:for-each>
        </CONTENT>
      </xsl:when>
      <xsl:when test="not(*) and text()">
        <TEXT><xsl:value-of select="."/></TEXT>
      </xsl:when>
    </xsl:choose>
  </xsl:template>

  <!-- The attributes of the context element as fields, in order. -->
  <xsl:template name="fields">
    <xsl:variable name="e" select="local-name()"/>
    <xsl:variable name="in-table" select="boolean(ancestor-or-self::bx:tables)"/>
    <!-- 元 = amount × 10^$k: a table printed in its own unit (@unit) has
         its own $k (once per element, not per amount) -->
    <xsl:variable name="k">
      <xsl:if test="$in-table">
        <xsl:variable name="tu"
            select="string(ancestor::*[parent::bx:tables]/@unit)"/>
        <xsl:choose>
          <xsl:when test="$tu != ''">
            <xsl:call-template name="unit-exp">
              <xsl:with-param name="u" select="$tu"/>
            </xsl:call-template>
          </xsl:when>
          <xsl:otherwise><xsl:value-of select="$exp"/></xsl:otherwise>
        </xsl:choose>
      </xsl:if>
    </xsl:variable>
    <!-- budgetx: the same in C (src/xslt_ext.c) -->
    <x:platform-fields>
      <xsl:fallback>
        <xsl:for-each select="@*">
          <xsl:variable name="amt"
              select="$in-table and contains($amount-names,
                                             concat(' ', local-name(), ' '))"/>
          <xsl:variable name="f">
            <xsl:call-template name="field-name">
              <xsl:with-param name="e" select="$e"/>
              <xsl:with-param name="a" select="local-name()"/>
              <xsl:with-param name="amt" select="substring('1', 1, number($amt))"/>
            </xsl:call-template>
          </xsl:variable>
          <xsl:element name="{$f}">
            <xsl:choose>
              <xsl:when test="$amt and string(.) != ''">
                <!-- dec-places, as a string -->
                <xsl:variable name="dp"
                    select="string(string-length(substring-after(., '.')))"/>
                <!-- printed precision, when it is not the declared one -->
                <xsl:if test="$dp != $decimals">
                  <xsl:attribute name="DP"><xsl:value-of select="$dp"/></xsl:attribute>
                </xsl:if>
                <xsl:call-template name="dec-scale-up">
                  <xsl:with-param name="v" select="string(.)"/>
                  <xsl:with-param name="k" select="$k"/>
                </xsl:call-template>
              </xsl:when>
              <xsl:otherwise>
                <xsl:value-of select="."/>
              </xsl:otherwise>
            </xsl:choose>
          </xsl:element>
          <!-- derived: 项目类别代码 next to its name (not read back) -->
          <xsl:if test="$f = 'PRO_CAT_NAME' and $PM/m:cat[@name = current()]">
            <PRO_CAT_CODE><xsl:value-of select="$PM/m:cat[@name = current()]/@code"/></PRO_CAT_CODE>
          </xsl:if>
        </xsl:for-each>
      </xsl:fallback>
    </x:platform-fields>
  </xsl:template>

</xsl:stylesheet>
