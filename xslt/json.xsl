<?xml version="1.0" encoding="UTF-8"?>
<!--
  json.xsl: the whole disclosure as JSON (structure in docs/json.md,
  schema in schemas/budgetx.schema.json).  Metadata becomes plain members;
  every other element becomes a node object {"tag": name, attributes...,
  then "text", "children" or "content"}.  Amounts are JSON numbers written
  as stored ("4.0" stays 4.0), an empty amount is null; codes and every
  other attribute are strings.  Output is pretty-printed, 2 spaces.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:bx="urn:budgetx:disclosure:1"
    xmlns:exsl="http://exslt.org/common"
    xmlns:m="urn:budgetx:xslt:meta"
    xmlns:x="urn:budgetx:xslt:ext"
    extension-element-prefixes="exsl"
    exclude-result-prefixes="bx exsl m x">

  <xsl:include href="common.xsl"/>

  <xsl:output method="text" encoding="UTF-8"/>

  <xsl:variable name="nl" select="'&#10;'"/>

  <!-- Characters that force the slow path of json-str. -->
  <xsl:variable name="special"
      select="concat('&quot;\&#9;&#10;&#13;&#x2028;&#x2029;&#x7F;',
              '&#x80;&#x81;&#x82;&#x83;&#x84;&#x85;&#x86;&#x87;',
              '&#x88;&#x89;&#x8A;&#x8B;&#x8C;&#x8D;&#x8E;&#x8F;',
              '&#x90;&#x91;&#x92;&#x93;&#x94;&#x95;&#x96;&#x97;',
              '&#x98;&#x99;&#x9A;&#x9B;&#x9C;&#x9D;&#x9E;&#x9F;')"/>

  <!-- Escapes applied in this order (backslash first). -->
  <xsl:variable name="esc-rtf">
    <m:e c="\" e="\\"/>
    <m:e c="&quot;" e="\&quot;"/>
    <m:e c="&#9;" e="\t"/>
    <m:e c="&#10;" e="\n"/>
    <m:e c="&#13;" e="\r"/>
    <m:e c="&#x2028;" e="\u2028"/>
    <m:e c="&#x2029;" e="\u2029"/>
    <m:e c="&#x7F;" e="\u007f"/>
    <m:e c="&#x80;" e="\u0080"/><m:e c="&#x81;" e="\u0081"/>
    <m:e c="&#x82;" e="\u0082"/><m:e c="&#x83;" e="\u0083"/>
    <m:e c="&#x84;" e="\u0084"/><m:e c="&#x85;" e="\u0085"/>
    <m:e c="&#x86;" e="\u0086"/><m:e c="&#x87;" e="\u0087"/>
    <m:e c="&#x88;" e="\u0088"/><m:e c="&#x89;" e="\u0089"/>
    <m:e c="&#x8A;" e="\u008a"/><m:e c="&#x8B;" e="\u008b"/>
    <m:e c="&#x8C;" e="\u008c"/><m:e c="&#x8D;" e="\u008d"/>
    <m:e c="&#x8E;" e="\u008e"/><m:e c="&#x8F;" e="\u008f"/>
    <m:e c="&#x90;" e="\u0090"/><m:e c="&#x91;" e="\u0091"/>
    <m:e c="&#x92;" e="\u0092"/><m:e c="&#x93;" e="\u0093"/>
    <m:e c="&#x94;" e="\u0094"/><m:e c="&#x95;" e="\u0095"/>
    <m:e c="&#x96;" e="\u0096"/><m:e c="&#x97;" e="\u0097"/>
    <m:e c="&#x98;" e="\u0098"/><m:e c="&#x99;" e="\u0099"/>
    <m:e c="&#x9A;" e="\u009a"/><m:e c="&#x9B;" e="\u009b"/>
    <m:e c="&#x9C;" e="\u009c"/><m:e c="&#x9D;" e="\u009d"/>
    <m:e c="&#x9E;" e="\u009e"/><m:e c="&#x9F;" e="\u009f"/>
  </xsl:variable>
  <xsl:variable name="esc" select="exsl:node-set($esc-rtf)/m:e"/>

  <!-- ============================================================ -->
  <!-- Document                                                      -->
  <!-- ============================================================ -->
  <xsl:template match="/">
    <xsl:apply-templates select="bx:disclosure"/>
    <xsl:value-of select="$nl"/>
  </xsl:template>

  <xsl:template match="bx:disclosure">
    <xsl:text>{&#10;  "format": "budgetx-disclosure",&#10;  "namespace": </xsl:text>
    <xsl:call-template name="json-str">
      <xsl:with-param name="s" select="namespace-uri()"/>
    </xsl:call-template>
    <xsl:text>,&#10;  "formatVersion": </xsl:text>
    <xsl:call-template name="json-str">
      <xsl:with-param name="s" select="@formatVersion"/>
    </xsl:call-template>
    <xsl:for-each select="*">
      <xsl:text>,&#10;  </xsl:text>
      <xsl:call-template name="json-str">
        <xsl:with-param name="s" select="local-name()"/>
      </xsl:call-template>
      <xsl:text>: </xsl:text>
      <xsl:choose>
        <xsl:when test="self::bx:metadata">
          <xsl:call-template name="metadata"/>
        </xsl:when>
        <xsl:when test="self::bx:tables">
          <xsl:call-template name="tables"/>
        </xsl:when>
        <xsl:otherwise>
          <xsl:apply-templates select="." mode="node">
            <xsl:with-param name="ind" select="'  '"/>
          </xsl:apply-templates>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:for-each>
    <xsl:text>&#10;}</xsl:text>
  </xsl:template>

  <!--
    metadata: a text-only child is a string member; "units" is an array
    of attribute objects; any other child is an object of its attributes.
  -->
  <xsl:template name="metadata">
    <xsl:text>{</xsl:text>
    <xsl:for-each select="*">
      <xsl:if test="position() &gt; 1">,</xsl:if>
      <xsl:text>&#10;    </xsl:text>
      <xsl:call-template name="json-str">
        <xsl:with-param name="s" select="local-name()"/>
      </xsl:call-template>
      <xsl:text>: </xsl:text>
      <xsl:choose>
        <xsl:when test="*">
          <xsl:text>[</xsl:text>
          <xsl:for-each select="*">
            <xsl:if test="position() &gt; 1">,</xsl:if>
            <xsl:text>&#10;      </xsl:text>
            <xsl:call-template name="attr-object"/>
          </xsl:for-each>
          <xsl:text>&#10;    ]</xsl:text>
        </xsl:when>
        <xsl:when test="@*">
          <xsl:call-template name="attr-object"/>
        </xsl:when>
        <xsl:otherwise>
          <xsl:call-template name="json-str">
            <xsl:with-param name="s" select="."/>
          </xsl:call-template>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:for-each>
    <xsl:text>&#10;  }</xsl:text>
  </xsl:template>

  <!-- {"attr": value, ...} on one line. -->
  <xsl:template name="attr-object">
    <xsl:text>{</xsl:text>
    <xsl:for-each select="@*">
      <xsl:if test="position() &gt; 1">, </xsl:if>
      <xsl:call-template name="member"/>
    </xsl:for-each>
    <xsl:text>}</xsl:text>
  </xsl:template>

  <!-- "tables": {"budgetSummary": node, ...} -->
  <xsl:template name="tables">
    <xsl:text>{</xsl:text>
    <xsl:for-each select="*">
      <xsl:if test="position() &gt; 1">,</xsl:if>
      <xsl:text>&#10;    </xsl:text>
      <xsl:call-template name="json-str">
        <xsl:with-param name="s" select="local-name()"/>
      </xsl:call-template>
      <xsl:text>: </xsl:text>
      <xsl:apply-templates select="." mode="node">
        <xsl:with-param name="ind" select="'    '"/>
      </xsl:apply-templates>
    </xsl:for-each>
    <xsl:text>&#10;  }</xsl:text>
  </xsl:template>

  <!-- ============================================================ -->
  <!-- Nodes                                                         -->
  <!-- ============================================================ -->

  <!--
    {"tag": "dept", "code": "060", "total": 179.6, "children": [...]}
    Simple rows stay on one line; nodes with children or text spread out.
  -->
  <xsl:template match="*" mode="node">
    <xsl:param name="ind"/>
    <xsl:choose>
      <!-- budgetx: the whole subtree in C (src/xslt_ext.c) -->
      <xsl:when test="function-available('x:json-node')">
        <xsl:value-of select="x:json-node(., $ind, $amount-names)"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:apply-templates select="." mode="node-xslt">
          <xsl:with-param name="ind" select="$ind"/>
        </xsl:apply-templates>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="*" mode="node-xslt">
    <xsl:param name="ind"/>
    <xsl:variable name="in" select="concat($ind, '  ')"/>
    <xsl:variable name="mixed" select="bx:fig or (* and text()[normalize-space()])"/>
    <xsl:text>{"tag": </xsl:text>
    <xsl:call-template name="json-str">
      <xsl:with-param name="s" select="local-name()"/>
    </xsl:call-template>
    <xsl:for-each select="@*">
      <xsl:text>, </xsl:text>
      <xsl:call-template name="member"/>
    </xsl:for-each>
    <xsl:choose>
      <xsl:when test="$mixed">
        <xsl:text>, "content": [</xsl:text>
        <xsl:for-each select="node()[self::* or self::text()]">
          <xsl:if test="position() &gt; 1">,</xsl:if>
          <xsl:value-of select="concat($nl, $in, '  ')"/>
          <xsl:choose>
            <xsl:when test="self::*">
              <xsl:apply-templates select="." mode="node-xslt">
                <xsl:with-param name="ind" select="concat($in, '  ')"/>
              </xsl:apply-templates>
            </xsl:when>
            <xsl:otherwise>
              <xsl:call-template name="json-str">
                <xsl:with-param name="s" select="."/>
              </xsl:call-template>
            </xsl:otherwise>
          </xsl:choose>
        </xsl:for-each>
        <xsl:value-of select="concat($nl, $in, ']', $nl, $ind, '}')"/>
      </xsl:when>
      <xsl:when test="*">
        <xsl:text>, "children": [</xsl:text>
        <xsl:for-each select="*">
          <xsl:if test="position() &gt; 1">,</xsl:if>
          <xsl:value-of select="concat($nl, $in, '  ')"/>
          <xsl:apply-templates select="." mode="node-xslt">
            <xsl:with-param name="ind" select="concat($in, '  ')"/>
          </xsl:apply-templates>
        </xsl:for-each>
        <xsl:value-of select="concat($nl, $in, ']', $nl, $ind, '}')"/>
      </xsl:when>
      <xsl:when test="text()">
        <xsl:text>, "text": </xsl:text>
        <xsl:call-template name="json-str">
          <xsl:with-param name="s" select="."/>
        </xsl:call-template>
        <xsl:text>}</xsl:text>
      </xsl:when>
      <xsl:otherwise>
        <xsl:text>}</xsl:text>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- "name": value for one attribute, typed by its name. -->
  <xsl:template name="member">
    <xsl:call-template name="json-str">
      <xsl:with-param name="s" select="local-name()"/>
    </xsl:call-template>
    <xsl:text>: </xsl:text>
    <xsl:choose>
      <xsl:when test="(contains($amount-names, concat(' ', local-name(), ' '))
                       and ancestor::bx:tables)
                      or (local-name() = 'decimals'
                          and parent::bx:amounts)
                      or (local-name() = 'value' and parent::bx:fig)
                      or (local-name() = 'num' and parent::bx:value)">
        <xsl:call-template name="json-number">
          <xsl:with-param name="v" select="normalize-space(.)"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="json-str">
          <xsl:with-param name="s" select="."/>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!--
    A decimal as a JSON number, digits as written: "" gives null; a
    leading "+" is dropped, ".5" becomes 0.5, "5." becomes 5, leading zeros
    go ("007" is 7).  Anything that is not a decimal stays a string.
    Plain string expressions only: this runs for every amount, and
    variables with content (result tree fragments) cost far more.
  -->
  <xsl:template name="json-number">
    <xsl:param name="v"/>
    <xsl:variable name="abs" select="translate($v, '+-', '')"/>
    <xsl:variable name="int" select="substring-before(concat($abs, '.'), '.')"/>
    <xsl:variable name="frac" select="substring-after($abs, '.')"/>
    <xsl:choose>
      <xsl:when test="$v = ''">null</xsl:when>
      <xsl:when test="translate($abs, '0123456789.', '') != ''
                      or translate($abs, '.', '') = ''
                      or contains($frac, '.')
                      or string-length($abs) + 1 &lt; string-length($v)
                      or (string-length($abs) &lt; string-length($v)
                          and not(starts-with($v, '-') or starts-with($v, '+')))">
        <xsl:call-template name="json-str">
          <xsl:with-param name="s" select="$v"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:if test="starts-with($v, '-')">-</xsl:if>
        <xsl:choose>
          <xsl:when test="$int = ''">0</xsl:when>
          <xsl:when test="starts-with($int, '0') and string-length($int) &gt; 1">
            <xsl:call-template name="strip-zeros">
              <xsl:with-param name="s" select="$int"/>
            </xsl:call-template>
          </xsl:when>
          <xsl:otherwise>
            <xsl:value-of select="$int"/>
          </xsl:otherwise>
        </xsl:choose>
        <xsl:if test="$frac != ''">
          <xsl:value-of select="concat('.', $frac)"/>
        </xsl:if>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- "007" → "7", "" → "0", "0" → "0". -->
  <xsl:template name="strip-zeros">
    <xsl:param name="s"/>
    <xsl:choose>
      <xsl:when test="starts-with($s, '0') and string-length($s) &gt; 1">
        <xsl:call-template name="strip-zeros">
          <xsl:with-param name="s" select="substring($s, 2)"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:when test="$s = ''">0</xsl:when>
      <xsl:otherwise>
        <xsl:value-of select="$s"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- ============================================================ -->
  <!-- Strings                                                       -->
  <!-- ============================================================ -->

  <!-- A JSON string literal.  Most strings need no escape at all. -->
  <xsl:template name="json-str">
    <xsl:param name="s"/>
    <xsl:choose>
      <!-- budgetx: the same in C (src/xslt_ext.c) -->
      <xsl:when test="function-available('x:json-str')">
        <xsl:value-of select="x:json-str($s)"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="json-str-xslt">
          <xsl:with-param name="s" select="$s"/>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="json-str-xslt">
    <xsl:param name="s"/>
    <xsl:text>"</xsl:text>
    <xsl:choose>
      <xsl:when test="translate($s, $special, '') = $s">
        <xsl:value-of select="$s"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="escape">
          <xsl:with-param name="s" select="$s"/>
          <xsl:with-param name="i" select="1"/>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
    <xsl:text>"</xsl:text>
  </xsl:template>

  <!-- Apply escape number $i and the ones after it. -->
  <xsl:template name="escape">
    <xsl:param name="s"/>
    <xsl:param name="i"/>
    <xsl:variable name="e" select="$esc[$i]"/>
    <xsl:choose>
      <xsl:when test="not($e)">
        <xsl:value-of select="$s"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:variable name="r">
          <xsl:call-template name="replace">
            <xsl:with-param name="s" select="$s"/>
            <xsl:with-param name="from" select="string($e/@c)"/>
            <xsl:with-param name="to" select="string($e/@e)"/>
          </xsl:call-template>
        </xsl:variable>
        <xsl:call-template name="escape">
          <xsl:with-param name="s" select="string($r)"/>
          <xsl:with-param name="i" select="$i + 1"/>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

</xsl:stylesheet>
