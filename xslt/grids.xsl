<?xml version="1.0" encoding="UTF-8"?>
<!--
  grids.xsl: the neutral grid (grid.xsl) of every table, in document
  order, as one document: <m:grids><m:grid .../>...</m:grids>.  budgetx
  builds it once when a bundle holds several renditions made from grids
  (html and csv) and lends it to their stylesheets (src/transform.c,
  x:shared-grids() in src/xslt_ext.c); without it each stylesheet builds
  the same grids itself.  Parameter lang as in html.xsl and csv.xsl.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:bx="urn:budgetx:disclosure:1"
    xmlns:exsl="http://exslt.org/common"
    xmlns:m="urn:budgetx:xslt:meta"
    extension-element-prefixes="exsl"
    exclude-result-prefixes="bx exsl">

  <xsl:include href="grid.xsl"/>

  <xsl:output method="xml" encoding="UTF-8"/>

  <xsl:template match="/">
    <m:grids>
      <xsl:for-each select="$tables">
        <xsl:call-template name="grid"/>
      </xsl:for-each>
    </m:grids>
  </xsl:template>

</xsl:stylesheet>
