<?xml version="1.0" encoding="UTF-8"?>
<!--
  xlsx-raw.xsl (included by xlsx.xsl): a grid row as the markup of its
  sheet row, one text node written as it is (disable-output-escaping),
  for the table runs of src/xlsx_write.c (parameter only = a table's
  number).  The same bytes as grid-row in xlsx.xsl, which builds an
  element per cell: a sheet of many thousand cells then holds a text per
  row instead of some ten nodes per cell.  Values are escaped here (& < >
  and CR, as libxml2 writes text).  Not used when annotating (cell styles
  then depend on findings: grid-row).
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:m="urn:budgetx:xslt:meta"
    exclude-result-prefixes="m">

  <!-- $s with & < > CR escaped as libxml2 escapes text. -->
  <xsl:template name="raw-escape">
    <xsl:param name="s"/>
    <xsl:choose>
      <xsl:when test="not(contains($s, '&amp;') or contains($s, '&lt;')
                      or contains($s, '&gt;') or contains($s, '&#13;'))">
        <xsl:value-of select="$s"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:variable name="c" select="substring($s, 1, 1)"/>
        <xsl:choose>
          <xsl:when test="$c = '&amp;'">&amp;amp;</xsl:when>
          <xsl:when test="$c = '&lt;'">&amp;lt;</xsl:when>
          <xsl:when test="$c = '&gt;'">&amp;gt;</xsl:when>
          <xsl:when test="$c = '&#13;'">&amp;#13;</xsl:when>
          <xsl:otherwise><xsl:value-of select="$c"/></xsl:otherwise>
        </xsl:choose>
        <xsl:call-template name="raw-escape">
          <xsl:with-param name="s" select="substring($s, 2)"/>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="raw-istr">
    <xsl:param name="ref"/>
    <xsl:param name="s"/>
    <xsl:param name="v"/>
    <xsl:value-of select="concat('&lt;c r=&quot;', $ref,
        '&quot; t=&quot;inlineStr&quot; s=&quot;', $s, '&quot;&gt;&lt;is&gt;')"/>
    <xsl:choose>
      <xsl:when test="string($v) = ''">&lt;t xml:space="preserve"/&gt;</xsl:when>
      <xsl:otherwise>
        <xsl:text>&lt;t xml:space="preserve"&gt;</xsl:text>
        <xsl:call-template name="raw-escape">
          <xsl:with-param name="s" select="string($v)"/>
        </xsl:call-template>
        <xsl:text>&lt;/t&gt;</xsl:text>
      </xsl:otherwise>
    </xsl:choose>
    <xsl:text>&lt;/is&gt;&lt;/c&gt;</xsl:text>
  </xsl:template>

  <!-- One grid row ($r: its row number) as markup. -->
  <xsl:template name="grid-row-raw">
    <xsl:param name="r"/>
    <xsl:param name="head"/>
    <xsl:variable name="bold" select="@kind = 'total' or @kind = 'subtotal'"/>
    <xsl:variable name="text">
      <xsl:value-of select="concat('&lt;row r=&quot;', $r, '&quot;')"/>
      <xsl:if test="$head"> ht="30" customHeight="1"</xsl:if>
      <xsl:choose>
        <xsl:when test="not(*)">/&gt;</xsl:when>
        <xsl:otherwise>
          <xsl:text>&gt;</xsl:text>
          <xsl:for-each select="*">
            <xsl:variable name="i" select="position()"/>
            <xsl:variable name="ref" select="concat(substring($letters,
                floor(($i - 1) div 26), number($i &gt; 26)),
                substring($letters, ($i - 1) mod 26 + 1, 1), $r)"/>
            <xsl:choose>
              <xsl:when test="self::m:s">
                <xsl:value-of select="concat('&lt;c r=&quot;', $ref,
                    '&quot; s=&quot;', 3 - number($head), '&quot;/&gt;')"/>
              </xsl:when>
              <xsl:when test="starts-with(., $tok)">
                <xsl:variable name="v" select="substring-after(substring-after(
                    substring-after(., $tok), ' '), ' ')"/>
                <xsl:variable name="d" select="number($v = '') * $declared
                    + number($v != '') * string-length(substring-after($v, '.'))"/>
                <xsl:variable name="dd" select="$d - ($d - 4) * number($d &gt; 4)"/>
                <xsl:variable name="input" select="$tpl and $v = ''"/>
                <xsl:variable name="s0" select="number($input) * (20 + $dd)
                    + number(not($input)) * (6 + $dd + 5 * number($bold))"/>
                <xsl:choose>
                  <xsl:when test="$v = ''">
                    <xsl:value-of select="concat('&lt;c r=&quot;', $ref,
                        '&quot; s=&quot;', $s0, '&quot;/&gt;')"/>
                  </xsl:when>
                  <xsl:when test="string(number($v)) = 'NaN' or $d &gt; 4">
                    <xsl:call-template name="raw-istr">
                      <xsl:with-param name="ref" select="$ref"/>
                      <xsl:with-param name="s" select="3"/>
                      <xsl:with-param name="v" select="$v"/>
                    </xsl:call-template>
                  </xsl:when>
                  <xsl:otherwise>
                    <xsl:value-of select="concat('&lt;c r=&quot;', $ref,
                        '&quot; t=&quot;n&quot; s=&quot;', $s0, '&quot;&gt;&lt;v&gt;')"/>
                    <xsl:call-template name="raw-escape">
                      <xsl:with-param name="s" select="$v"/>
                    </xsl:call-template>
                    <xsl:text>&lt;/v&gt;&lt;/c&gt;</xsl:text>
                  </xsl:otherwise>
                </xsl:choose>
              </xsl:when>
              <xsl:when test="@t = 'th'">
                <xsl:call-template name="raw-istr">
                  <xsl:with-param name="ref" select="$ref"/>
                  <xsl:with-param name="s" select="2"/>
                  <xsl:with-param name="v" select="."/>
                </xsl:call-template>
              </xsl:when>
              <xsl:when test="string(.) = ''">
                <xsl:value-of select="concat('&lt;c r=&quot;', $ref,
                    '&quot; s=&quot;3&quot;/&gt;')"/>
              </xsl:when>
              <xsl:when test="@t = 'num'">
                <xsl:value-of select="concat('&lt;c r=&quot;', $ref,
                    '&quot; s=&quot;6&quot; t=&quot;n&quot;&gt;&lt;v&gt;')"/>
                <xsl:call-template name="raw-escape">
                  <xsl:with-param name="s" select="string(.)"/>
                </xsl:call-template>
                <xsl:text>&lt;/v&gt;&lt;/c&gt;</xsl:text>
              </xsl:when>
              <xsl:otherwise>
                <xsl:call-template name="raw-istr">
                  <xsl:with-param name="ref" select="$ref"/>
                  <xsl:with-param name="s" select="3 + number(@t = 'code')
                      + 2 * number(@t != 'code' and (@t = 'label' or $bold))"/>
                  <xsl:with-param name="v" select="."/>
                </xsl:call-template>
              </xsl:otherwise>
            </xsl:choose>
          </xsl:for-each>
          <xsl:text>&lt;/row&gt;</xsl:text>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:value-of select="$text" disable-output-escaping="yes"/>
  </xsl:template>

</xsl:stylesheet>
