<?xml version="1.0" encoding="UTF-8"?>
<!--
  xlsx-tok.xsl: the first pass of a workbook.  Copies the (numbered)
  disclosure with every amount attribute of its tables replaced by a token
  U+E000 ordinal ' ' name ' ' value, where ordinal is the element's m:n
  (set by src/xlsx_write.c).  xlsx.xsl then lays the tables out with
  grid.xsl, which never looks at an amount's value, and finds in each
  amount cell where it came from.  A separate pass (not a copy inside
  xlsx.xsl) so that the grid runs over a real document: libxml2 orders
  nodes of a document in constant time, nodes of a tree fragment not.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:bx="urn:budgetx:disclosure:1"
    xmlns:exsl="http://exslt.org/common"
    xmlns:m="urn:budgetx:xslt:meta"
    extension-element-prefixes="exsl"
    exclude-result-prefixes="bx exsl">

  <xsl:include href="common.xsl"/>

  <xsl:output method="xml" encoding="UTF-8"/>

  <xsl:template match="@* | node()">
    <xsl:copy>
      <xsl:apply-templates select="@* | node()"/>
    </xsl:copy>
  </xsl:template>

  <xsl:template match="bx:tables/*//@*">
    <xsl:choose>
      <xsl:when test="contains($amount-names, concat(' ', local-name(), ' '))
                      and namespace-uri() = ''">
        <xsl:attribute name="{local-name()}">
          <xsl:value-of select="concat('&#xE000;', ../@m:n, ' ',
                                local-name(), ' ', .)"/>
        </xsl:attribute>
      </xsl:when>
      <xsl:otherwise>
        <xsl:copy/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

</xsl:stylesheet>
