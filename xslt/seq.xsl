<?xml version="1.0" encoding="UTF-8"?>
<!--
  seq.xsl: $seq, 256 elements for counted loops without recursion
  (xsl:for-each select="$seq[position() &lt;= $n]"), for the stylesheets
  that count (the workbook).  Include after common.xsl.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:exsl="http://exslt.org/common"
    xmlns:m="urn:budgetx:xslt:meta"
    extension-element-prefixes="exsl"
    exclude-result-prefixes="exsl m">

  <xsl:variable name="seq-rtf">
    <xsl:call-template name="seq-256"/>
  </xsl:variable>
  <xsl:variable name="seq" select="exsl:node-set($seq-rtf)/m:i"/>

</xsl:stylesheet>
