<?xml version="1.0" encoding="UTF-8"?>
<!--
  xlsx-blank.xsl: the skeleton of a blank workbook to fill in.  Copies a
  disclosure (the profile's skeleton, or last year's disclosure) with
  every amount of its tables emptied, the fiscal year, department code
  and name set from the parameters (year, dept, name; '' keeps them) and
  no publication date.  xlsx.xsl then lays it out with template = '1'.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:bx="urn:budgetx:disclosure:1"
    xmlns:exsl="http://exslt.org/common"
    xmlns:m="urn:budgetx:xslt:meta"
    extension-element-prefixes="exsl"
    exclude-result-prefixes="bx exsl m">

  <xsl:include href="common.xsl"/>

  <xsl:output method="xml" encoding="UTF-8"/>

  <xsl:param name="year" select="''"/>
  <xsl:param name="dept" select="''"/>
  <xsl:param name="name" select="''"/>

  <xsl:template match="@* | node()">
    <xsl:copy>
      <xsl:apply-templates select="@* | node()"/>
    </xsl:copy>
  </xsl:template>

  <!-- amounts of the tables: emptied (blank cells to fill in) -->
  <xsl:template match="bx:tables//@*">
    <xsl:choose>
      <xsl:when test="contains($amount-names, concat(' ', local-name(), ' '))
                      and namespace-uri() = ''">
        <xsl:attribute name="{local-name()}"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:copy/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="bx:metadata/bx:published"/>

  <!-- $new when given, else the node as it is -->
  <xsl:template name="set">
    <xsl:param name="new"/>
    <xsl:choose>
      <xsl:when test="$new != '' and count(. | ../@*) = count(../@*)">
        <xsl:attribute name="{local-name()}">
          <xsl:value-of select="$new"/>
        </xsl:attribute>
      </xsl:when>
      <xsl:when test="$new != ''">
        <xsl:copy><xsl:value-of select="$new"/></xsl:copy>
      </xsl:when>
      <xsl:otherwise>
        <xsl:copy-of select="."/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="bx:metadata/bx:fiscalYear">
    <xsl:call-template name="set">
      <xsl:with-param name="new" select="$year"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="bx:metadata/bx:department/@code">
    <xsl:call-template name="set">
      <xsl:with-param name="new" select="$dept"/>
    </xsl:call-template>
  </xsl:template>

  <!-- unit and department codes follow the new department code -->
  <xsl:variable name="old-dept" select="string($meta/bx:department/@code)"/>
  <xsl:template match="bx:unit/@code | bx:dept/@code">
    <xsl:choose>
      <xsl:when test="$dept != '' and $old-dept != ''
                      and starts-with(., $old-dept)">
        <xsl:attribute name="code">
          <xsl:value-of select="concat($dept,
              substring(., string-length($old-dept) + 1))"/>
        </xsl:attribute>
      </xsl:when>
      <xsl:otherwise>
        <xsl:copy/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="bx:metadata/bx:department/@name
                       | bx:tables/*/@deptName">
    <xsl:call-template name="set">
      <xsl:with-param name="new" select="$name"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="bx:metadata/bx:title">
    <xsl:variable name="n">
      <xsl:choose>
        <xsl:when test="$name != ''"><xsl:value-of select="$name"/></xsl:when>
        <xsl:otherwise>
          <xsl:value-of select="$meta/bx:department/@name"/>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="y">
      <xsl:choose>
        <xsl:when test="$year != ''"><xsl:value-of select="$year"/></xsl:when>
        <xsl:otherwise>
          <xsl:value-of select="$meta/bx:fiscalYear"/>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:copy><xsl:value-of select="concat($n, $y, '年部门预算公开')"/></xsl:copy>
  </xsl:template>

</xsl:stylesheet>
