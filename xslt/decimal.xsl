<?xml version="1.0" encoding="UTF-8"?>
<!--
  decimal.xsl: exact decimal scaling by powers of ten, on strings.  XPath
  numbers are IEEE doubles (179.6 * 10000 is 1795999.9999999998), so
  万元 ↔ 元 is done by moving the decimal point, never by number().
  Input: decimals as the schema allows them, -?[0-9]+(\.[0-9]+)?.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:x="urn:budgetx:xslt:ext"
    exclude-result-prefixes="x">

  <xsl:variable name="dec-zeros" select="'0000000000000000'"/>

  <!--
    $v × 10^$k ($k 0..16) in canonical form: no leading zeros in the
    integer part, no trailing zeros in the fraction, no bare point.
    "179.6" × 10^4 → "1796000"; "0.05" → "500"; "-1.23456" → "-12345.6".
  -->
  <xsl:template name="dec-scale-up">
    <xsl:param name="v"/>
    <xsl:param name="k"/>
    <xsl:choose>
      <!-- budgetx: the same in C (src/xslt_ext.c) -->
      <xsl:when test="function-available('x:dec-scale-up')">
        <xsl:value-of select="x:dec-scale-up($v, $k)"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="dec-scale-up-xslt">
          <xsl:with-param name="v" select="$v"/>
          <xsl:with-param name="k" select="$k"/>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="dec-scale-up-xslt">
    <xsl:param name="v"/>
    <xsl:param name="k"/>
    <xsl:variable name="neg" select="starts-with($v, '-')"/>
    <xsl:variable name="abs" select="translate($v, '-+', '')"/>
    <xsl:variable name="int">
      <xsl:choose>
        <xsl:when test="contains($abs, '.')">
          <xsl:value-of select="substring-before($abs, '.')"/>
        </xsl:when>
        <xsl:otherwise>
          <xsl:value-of select="$abs"/>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="frac" select="substring-after($abs, '.')"/>
    <xsl:variable name="new-int">
      <xsl:call-template name="dec-strip-leading">
        <xsl:with-param name="s" select="concat($int,
            substring(concat($frac, $dec-zeros), 1, $k))"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:variable name="new-frac">
      <xsl:call-template name="dec-strip-trailing">
        <xsl:with-param name="s" select="substring($frac, $k + 1)"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:if test="$neg">-</xsl:if>
    <xsl:value-of select="$new-int"/>
    <xsl:if test="$new-frac != ''">
      <xsl:value-of select="concat('.', $new-frac)"/>
    </xsl:if>
  </xsl:template>

  <!--
    $v ÷ 10^$k written with $dp decimals: trailing zeros are added or
    removed to reach $dp (digits that are not zero are never dropped, so
    the result is always exact).  "40000" ÷ 10^4, dp 1 → "4.0";
    "0" ÷ 10^4, dp 0 → "0"; "500" ÷ 10^4, dp 2 → "0.05".
  -->
  <xsl:template name="dec-scale-down">
    <xsl:param name="v"/>
    <xsl:param name="k"/>
    <xsl:param name="dp"/>
    <xsl:variable name="neg" select="starts-with($v, '-')"/>
    <xsl:variable name="abs" select="translate($v, '-+', '')"/>
    <xsl:variable name="int0">
      <xsl:choose>
        <xsl:when test="contains($abs, '.')">
          <xsl:value-of select="substring-before($abs, '.')"/>
        </xsl:when>
        <xsl:otherwise>
          <xsl:value-of select="$abs"/>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <!-- pad so that the integer part keeps at least one digit -->
    <xsl:variable name="int" select="concat(substring($dec-zeros, 1, $k), $int0)"/>
    <xsl:variable name="cut" select="string-length($int) - $k"/>
    <xsl:variable name="new-int">
      <xsl:call-template name="dec-strip-leading">
        <xsl:with-param name="s" select="substring($int, 1, $cut)"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:variable name="new-frac">
      <xsl:call-template name="dec-fit">
        <xsl:with-param name="s" select="concat(substring($int, $cut + 1),
                                         substring-after($abs, '.'))"/>
        <xsl:with-param name="dp" select="$dp"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:if test="$neg">-</xsl:if>
    <xsl:value-of select="$new-int"/>
    <xsl:if test="$new-frac != ''">
      <xsl:value-of select="concat('.', $new-frac)"/>
    </xsl:if>
  </xsl:template>

  <!-- Number of digits after the point ("4.0" → 1, "0" → 0). -->
  <xsl:template name="dec-places">
    <xsl:param name="v"/>
    <xsl:value-of select="string-length(substring-after($v, '.'))"/>
  </xsl:template>

  <!-- "007" → "7"; "" or "000" → "0". -->
  <xsl:template name="dec-strip-leading">
    <xsl:param name="s"/>
    <xsl:choose>
      <xsl:when test="starts-with($s, '0') and string-length($s) &gt; 1">
        <xsl:call-template name="dec-strip-leading">
          <xsl:with-param name="s" select="substring($s, 2)"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:when test="$s = ''">0</xsl:when>
      <xsl:otherwise>
        <xsl:value-of select="$s"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- "500" → "5"; "000" → "". -->
  <xsl:template name="dec-strip-trailing">
    <xsl:param name="s"/>
    <xsl:choose>
      <xsl:when test="substring($s, string-length($s)) = '0'">
        <xsl:call-template name="dec-strip-trailing">
          <xsl:with-param name="s" select="substring($s, 1, string-length($s) - 1)"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:value-of select="$s"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Fraction digits $s made exactly $dp long where only zeros move. -->
  <xsl:template name="dec-fit">
    <xsl:param name="s"/>
    <xsl:param name="dp"/>
    <xsl:choose>
      <xsl:when test="string-length($s) &gt; $dp
                      and substring($s, string-length($s)) = '0'">
        <xsl:call-template name="dec-fit">
          <xsl:with-param name="s" select="substring($s, 1, string-length($s) - 1)"/>
          <xsl:with-param name="dp" select="$dp"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:when test="string-length($s) &lt; $dp">
        <xsl:value-of select="substring(concat($s, $dec-zeros), 1, $dp)"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:value-of select="$s"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

</xsl:stylesheet>
