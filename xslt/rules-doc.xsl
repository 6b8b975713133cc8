<?xml version="1.0" encoding="UTF-8"?>
<!--
  docs/rules.md from a rule set (schemas/rules/YYYY.xml):
    xsltproc -o docs/rules.md xslt/rules-doc.xsl schemas/rules/2024.xml
  (`make docs`).  The output is committed; do not edit it by hand.
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:r="urn:budgetx:rules:1">
  <xsl:output method="text" encoding="UTF-8"/>

  <xsl:variable name="nl" select="'&#10;'"/>

  <xsl:template match="/r:ruleset">
    <xsl:text>&lt;!-- Generated from schemas/rules/</xsl:text>
    <xsl:value-of select="@fiscalYear"/>
    <xsl:text>.xml by xslt/rules-doc.xsl (make docs). Do not edit. --&gt;&#10;&#10;</xsl:text>
    <xsl:text># Business rules&#10;&#10;</xsl:text>
    <xsl:value-of select="r:title[@xml:lang = 'en']"/>
    <xsl:text>&#10;&#10;</xsl:text>
    <xsl:value-of select="r:title[@xml:lang = 'zh']"/>
    <xsl:text>&#10;&#10;Rule set `</xsl:text>
    <xsl:value-of select="@id"/>
    <xsl:text>` version `</xsl:text>
    <xsl:value-of select="@version"/>
    <xsl:text>`, fiscal year </xsl:text>
    <xsl:value-of select="@fiscalYear"/>
    <xsl:text>: </xsl:text>
    <xsl:value-of select="count(r:rule)"/>
    <xsl:text> rules (</xsl:text>
    <xsl:value-of select="count(r:rule[@severity = 'error'])"/>
    <xsl:text> error, </xsl:text>
    <xsl:value-of select="count(r:rule[@severity = 'warning'])"/>
    <xsl:text> warning, </xsl:text>
    <xsl:value-of select="count(r:rule[@severity = 'info'])"/>
    <xsl:text> info).&#10;&#10;</xsl:text>
    <xsl:value-of select="r:description[@xml:lang = 'en']"/>
    <xsl:text>&#10;&#10;</xsl:text>
    <xsl:value-of select="r:description[@xml:lang = 'zh']"/>
    <xsl:text>&#10;&#10;</xsl:text>
    <xsl:call-template name="howto"/>
    <xsl:call-template name="summary"/>
    <xsl:call-template name="catalogue"/>
    <xsl:text>## Rules&#10;&#10;</xsl:text>
    <xsl:apply-templates select="r:rule"/>
    <xsl:call-template name="not-implemented"/>
    <xsl:call-template name="unreachable"/>
  </xsl:template>

  <xsl:template name="howto">
    <xsl:text>## How the rules work

* Findings carry the rule id as their code (`BR-nnn`, never renumbered:
  BR-001 … BR-054 keep the numbers 1–54 of the rule catalogue (column
  *catalogue*; the list below says where each is checked), BR-1nn are
  additions), the table (`表五 一般公共预算支出情况表`), the row (code and
  label), the column, the line and XPath of the printed figure, and
  *printed*, *computed*, *difference* and *tolerance* as decimal strings.
* Rounding: every printed amount stands for ± half a
  display unit u (`metadata/amounts`: unit 万元 or 元, decimals 0–2, so
  u = 10^-decimals). A total of n printed parts may differ from their sum
  by (n+1)·u/2: beyond that the rule's severity, within it an **info**
  "rounding tail" (the footnote 报表金额单位转换时可能存在四舍五入尾数误差
  allows it), zero says nothing. The same figure printed twice must be
  equal exactly. Percentages are checked with interval arithmetic. All
  arithmetic is fixed point (10^-4), never binary floating point.
* Rules run only on schema-valid documents. A rule whose tables are
  absent does not fire.
* To change a rule, edit `schemas/rules/</xsl:text>
    <xsl:value-of select="@fiscalYear"/>
    <xsl:text>.xml` (its vocabulary is
  `schemas/rules.xsd`; the file is validated against it when loaded), then
  run `make docs`. A new fiscal year gets a new file; a year without one
  uses the nearest earlier rule set and says so (RULES-FALLBACK).

</xsl:text>
  </xsl:template>

  <xsl:template name="summary">
    <xsl:text>## Summary&#10;&#10;| id | severity | tables | catalogue | rule |&#10;|---|---|---|---|---|&#10;</xsl:text>
    <xsl:for-each select="r:rule">
      <xsl:text>| [</xsl:text>
      <xsl:value-of select="@id"/>
      <xsl:text>](#</xsl:text>
      <xsl:value-of select="translate(@id, 'BR', 'br')"/>
      <xsl:text>) | </xsl:text>
      <xsl:value-of select="@severity"/>
      <xsl:text> | </xsl:text>
      <xsl:value-of select="@tables"/>
      <xsl:text> | </xsl:text>
      <xsl:value-of select="@catalogue"/>
      <xsl:text> | </xsl:text>
      <xsl:value-of select="r:title[@xml:lang = 'en']"/>
      <xsl:text> / </xsl:text>
      <xsl:value-of select="r:title[@xml:lang = 'zh']"/>
      <xsl:text> |&#10;</xsl:text>
    </xsl:for-each>
    <xsl:text>&#10;Tables: T1 … T14 as in docs/format.md; N = the narrative (情况说明); M = metadata.&#10;&#10;</xsl:text>
  </xsl:template>

  <!-- catalogue rules 1..54 and the BR ids that implement them -->
  <xsl:template name="catalogue">
    <xsl:text>## The catalogue rules 1–54 and where they are checked&#10;&#10;| catalogue | checked by | status |&#10;|---|---|---|&#10;</xsl:text>
    <xsl:call-template name="catalogue-row">
      <xsl:with-param name="n" select="1"/>
    </xsl:call-template>
    <xsl:text>&#10;</xsl:text>
  </xsl:template>

  <xsl:template name="catalogue-row">
    <xsl:param name="n"/>
    <xsl:variable name="key" select="concat(' ', $n, ' ')"/>
    <xsl:variable name="by" select="/r:ruleset/r:rule[contains(concat(' ', @catalogue, ' '), $key)]"/>
    <xsl:variable name="ni" select="/r:ruleset/r:notImplemented[@catalogue = string($n)]"/>
    <xsl:text>| </xsl:text>
    <xsl:value-of select="$n"/>
    <xsl:text> | </xsl:text>
    <xsl:for-each select="$by">
      <xsl:if test="position() &gt; 1">, </xsl:if>
      <xsl:value-of select="@id"/>
    </xsl:for-each>
    <xsl:if test="not($by)">—</xsl:if>
    <xsl:text> | </xsl:text>
    <xsl:choose>
      <xsl:when test="$ni and $ni/@partial = 'true'">partly (see below)</xsl:when>
      <xsl:when test="$ni">not implemented (see below)</xsl:when>
      <xsl:when test="$by">implemented</xsl:when>
      <xsl:otherwise>not implemented</xsl:otherwise>
    </xsl:choose>
    <xsl:text> |&#10;</xsl:text>
    <xsl:if test="$n &lt; 54">
      <xsl:call-template name="catalogue-row">
        <xsl:with-param name="n" select="$n + 1"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

  <xsl:template match="r:rule">
    <xsl:text>### </xsl:text>
    <xsl:value-of select="@id"/>
    <xsl:text>&#10;&#10;**</xsl:text>
    <xsl:value-of select="r:title[@xml:lang = 'en']"/>
    <xsl:text>** — </xsl:text>
    <xsl:value-of select="r:title[@xml:lang = 'zh']"/>
    <xsl:text>&#10;&#10;- severity: `</xsl:text>
    <xsl:value-of select="@severity"/>
    <xsl:text>`; tables: </xsl:text>
    <xsl:value-of select="@tables"/>
    <xsl:if test="@catalogue">
      <xsl:text>; catalogue: </xsl:text>
      <xsl:value-of select="@catalogue"/>
    </xsl:if>
    <xsl:text>&#10;- meaning: </xsl:text>
    <xsl:value-of select="r:meaning[@xml:lang = 'en']"/>
    <xsl:text>&#10;- 含义：</xsl:text>
    <xsl:value-of select="r:meaning[@xml:lang = 'zh']"/>
    <xsl:for-each select="r:example">
      <xsl:text>&#10;- example: </xsl:text>
      <xsl:value-of select="."/>
    </xsl:for-each>
    <xsl:text>&#10;- message: `</xsl:text>
    <xsl:value-of select="r:message[@xml:lang = 'en']"/>
    <xsl:text>`&#10;- 提示：`</xsl:text>
    <xsl:value-of select="r:message[@xml:lang = 'zh']"/>
    <xsl:text>`&#10;- checks:&#10;</xsl:text>
    <xsl:for-each select="*[not(self::r:title or self::r:meaning or self::r:example or self::r:message)]">
      <xsl:text>  - `</xsl:text>
      <xsl:value-of select="local-name()"/>
      <xsl:text>` on `</xsl:text>
      <xsl:value-of select="@context"/>
      <xsl:text>`</xsl:text>
      <xsl:if test="@columns">
        <xsl:text>, columns </xsl:text>
        <xsl:value-of select="@columns"/>
      </xsl:if>
      <xsl:if test="@tolerance">
        <xsl:text>, tolerance </xsl:text>
        <xsl:value-of select="@tolerance"/>
      </xsl:if>
      <xsl:text>&#10;</xsl:text>
    </xsl:for-each>
    <xsl:text>&#10;</xsl:text>
  </xsl:template>

  <xsl:template name="not-implemented">
    <xsl:text>## Catalogue rules not (fully) implemented&#10;&#10;</xsl:text>
    <xsl:for-each select="r:notImplemented">
      <xsl:text>- Catalogue rule </xsl:text>
      <xsl:value-of select="@catalogue"/>
      <xsl:if test="@partial = 'true'"> (partly)</xsl:if>
      <xsl:text>: </xsl:text>
      <xsl:value-of select="r:reason[@xml:lang = 'en']"/>
      <xsl:text>&#10;  </xsl:text>
      <xsl:value-of select="r:reason[@xml:lang = 'zh']"/>
      <xsl:text>&#10;</xsl:text>
    </xsl:for-each>
    <xsl:text>&#10;</xsl:text>
  </xsl:template>

  <xsl:template name="unreachable">
    <xsl:text>## Amounts no identity reaches&#10;&#10;</xsl:text>
    <xsl:text>The coverage test (tests/unit/test_rules_coverage.c) raises every amount of the seed sample by ten display units, one at a time, and expects a new error. These amounts are skipped, for the reason given:&#10;&#10;</xsl:text>
    <xsl:for-each select="r:unreachable">
      <xsl:text>- `</xsl:text>
      <xsl:value-of select="@select"/>
      <xsl:text>`: </xsl:text>
      <xsl:value-of select="r:reason[@xml:lang = 'en']"/>
      <xsl:text>&#10;  </xsl:text>
      <xsl:value-of select="r:reason[@xml:lang = 'zh']"/>
      <xsl:text>&#10;</xsl:text>
    </xsl:for-each>
    <xsl:text>
Not counted as amounts: counts stated in the narrative (`fig role="count"`:
vehicles, equipment, key projects, transfer items — only the project count
is tied, to T10), year-on-year changes and rates (`role="change"`/`"rate"`:
the prior year is not in the disclosure; rates are recomputed, BR-101), and
performance indicator values (`value/@num`: targets; cost caps are checked
one way, BR-034).
</xsl:text>
  </xsl:template>
</xsl:stylesheet>
