<?xml version="1.0" encoding="UTF-8"?>
<!--
  budgetx: the XML validation report (schemas/report.xsd) as one
  self-contained HTML page: verdict on top, then per file its findings
  grouped by table.  Parameter lang: 'zh' (default) or 'en'.
  No scripts, no external resources.
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:rp="urn:budgetx:report:1"
                exclude-result-prefixes="rp">
  <xsl:output method="html" encoding="UTF-8" indent="yes"
              doctype-system="about:legacy-compat"/>

  <xsl:param name="lang" select="'zh'"/>

  <!-- the few words of the page, in both languages -->
  <xsl:template name="t">
    <xsl:param name="zh"/>
    <xsl:param name="en"/>
    <xsl:choose>
      <xsl:when test="$lang = 'en'"><xsl:value-of select="$en"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="$zh"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="/rp:report">
    <html lang="{$lang}">
      <head>
        <meta charset="UTF-8"/>
        <title>
          <xsl:call-template name="t">
            <xsl:with-param name="zh">budgetx 校验报告</xsl:with-param>
            <xsl:with-param name="en">budgetx validation report</xsl:with-param>
          </xsl:call-template>
        </title>
        <style>
          body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 2em; color: #222; }
          h1 { font-size: 1.5em; }
          .verdict { padding: .8em 1em; border-radius: 4px; font-size: 1.2em; margin-bottom: 1em; }
          .accepted { background: #e3f4e3; border: 1px solid #5a5; }
          .rejected { background: #fbe4e4; border: 1px solid #c55; }
          table { border-collapse: collapse; width: 100%; margin: .5em 0 1.5em; }
          th, td { border: 1px solid #ccc; padding: .3em .5em; text-align: left; vertical-align: top; }
          th { background: #f3f3f3; }
          td.num { text-align: right; font-family: monospace; white-space: nowrap; }
          .sev { font-weight: bold; white-space: nowrap; }
          .fatal, .error { color: #b00; }
          .warning { color: #a60; }
          .info { color: #357; }
          .meta { color: #555; font-size: .9em; }
          code { font-size: .85em; word-break: break-all; }
        </style>
      </head>
      <body>
        <h1>
          <xsl:call-template name="t">
            <xsl:with-param name="zh">部门预算公开校验报告</xsl:with-param>
            <xsl:with-param name="en">Budget disclosure validation report</xsl:with-param>
          </xsl:call-template>
        </h1>
        <xsl:variable name="ok" select="rp:summary/@rejected = 0"/>
        <div class="verdict {substring('rejectedaccepted', 1 + 8 * number($ok), 8)}">
          <xsl:choose>
            <xsl:when test="$ok">
              <xsl:call-template name="t">
                <xsl:with-param name="zh">通过：全部文件均通过校验</xsl:with-param>
                <xsl:with-param name="en">Accepted: every file passed</xsl:with-param>
              </xsl:call-template>
            </xsl:when>
            <xsl:otherwise>
              <xsl:call-template name="t">
                <xsl:with-param name="zh">未通过：</xsl:with-param>
                <xsl:with-param name="en">Rejected: </xsl:with-param>
              </xsl:call-template>
              <xsl:value-of select="rp:summary/@rejected"/>
              <xsl:text> / </xsl:text>
              <xsl:value-of select="rp:summary/@files"/>
              <xsl:call-template name="t">
                <xsl:with-param name="zh"> 个文件未通过</xsl:with-param>
                <xsl:with-param name="en"> files rejected</xsl:with-param>
              </xsl:call-template>
            </xsl:otherwise>
          </xsl:choose>
        </div>
        <p class="meta">budgetx <xsl:value-of select="@version"/>
          <xsl:call-template name="t">
            <xsl:with-param name="zh">；拒绝级别：</xsl:with-param>
            <xsl:with-param name="en">; rejects at: </xsl:with-param>
          </xsl:call-template>
          <xsl:value-of select="@failOn"/>
        </p>
        <xsl:apply-templates select="rp:file"/>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="rp:file">
    <h2><xsl:value-of select="@path"/></h2>
    <p class="verdict {@verdict}">
      <xsl:choose>
        <xsl:when test="@verdict = 'accepted'">
          <xsl:call-template name="t">
            <xsl:with-param name="zh">通过</xsl:with-param>
            <xsl:with-param name="en">accepted</xsl:with-param>
          </xsl:call-template>
        </xsl:when>
        <xsl:otherwise>
          <xsl:call-template name="t">
            <xsl:with-param name="zh">未通过</xsl:with-param>
            <xsl:with-param name="en">rejected</xsl:with-param>
          </xsl:call-template>
        </xsl:otherwise>
      </xsl:choose>
      <xsl:text> — </xsl:text>
      <span class="error"><xsl:value-of select="rp:counts/@error + rp:counts/@fatal"/>
        <xsl:call-template name="t">
          <xsl:with-param name="zh"> 错误</xsl:with-param>
          <xsl:with-param name="en"> errors</xsl:with-param>
        </xsl:call-template></span>,
      <span class="warning"><xsl:value-of select="rp:counts/@warning"/>
        <xsl:call-template name="t">
          <xsl:with-param name="zh"> 警告</xsl:with-param>
          <xsl:with-param name="en"> warnings</xsl:with-param>
        </xsl:call-template></span>,
      <span class="info"><xsl:value-of select="rp:counts/@info"/>
        <xsl:call-template name="t">
          <xsl:with-param name="zh"> 提示</xsl:with-param>
          <xsl:with-param name="en"> notices</xsl:with-param>
        </xsl:call-template></span>
    </p>
    <p class="meta">
      <xsl:if test="@sha256">SHA-256 <code><xsl:value-of select="@sha256"/></code><br/></xsl:if>
      <xsl:call-template name="t">
        <xsl:with-param name="zh">结构校验：</xsl:with-param>
        <xsl:with-param name="en">schema: </xsl:with-param>
      </xsl:call-template>
      <xsl:value-of select="@schemaValid"/>
      <xsl:if test="rp:ruleset">
        <xsl:call-template name="t">
          <xsl:with-param name="zh">；规则集：</xsl:with-param>
          <xsl:with-param name="en">; rule set: </xsl:with-param>
        </xsl:call-template>
        <xsl:value-of select="rp:ruleset/@id"/>
        <xsl:text> </xsl:text>
        <xsl:value-of select="rp:ruleset/@version"/>
      </xsl:if>
    </p>
    <xsl:apply-templates select="rp:coverage"/>
    <!-- one section per table, in the order tables first appear -->
    <xsl:for-each select="rp:finding[not(rp:table = preceding-sibling::rp:finding/rp:table)]">
      <xsl:variable name="table" select="string(rp:table)"/>
      <h3>
        <xsl:choose>
          <xsl:when test="$table != ''"><xsl:value-of select="$table"/></xsl:when>
          <xsl:otherwise>
            <xsl:call-template name="t">
              <xsl:with-param name="zh">文件与结构</xsl:with-param>
              <xsl:with-param name="en">File and structure</xsl:with-param>
            </xsl:call-template>
          </xsl:otherwise>
        </xsl:choose>
      </h3>
      <table>
        <tr>
          <th><xsl:call-template name="t"><xsl:with-param name="zh">级别</xsl:with-param><xsl:with-param name="en">severity</xsl:with-param></xsl:call-template></th>
          <th><xsl:call-template name="t"><xsl:with-param name="zh">规则</xsl:with-param><xsl:with-param name="en">rule</xsl:with-param></xsl:call-template></th>
          <th><xsl:call-template name="t"><xsl:with-param name="zh">行</xsl:with-param><xsl:with-param name="en">row</xsl:with-param></xsl:call-template></th>
          <th><xsl:call-template name="t"><xsl:with-param name="zh">列</xsl:with-param><xsl:with-param name="en">column</xsl:with-param></xsl:call-template></th>
          <th><xsl:call-template name="t"><xsl:with-param name="zh">填报</xsl:with-param><xsl:with-param name="en">printed</xsl:with-param></xsl:call-template></th>
          <th><xsl:call-template name="t"><xsl:with-param name="zh">计算</xsl:with-param><xsl:with-param name="en">computed</xsl:with-param></xsl:call-template></th>
          <th><xsl:call-template name="t"><xsl:with-param name="zh">差额</xsl:with-param><xsl:with-param name="en">difference</xsl:with-param></xsl:call-template></th>
          <th><xsl:call-template name="t"><xsl:with-param name="zh">容差</xsl:with-param><xsl:with-param name="en">tolerance</xsl:with-param></xsl:call-template></th>
          <th><xsl:call-template name="t"><xsl:with-param name="zh">说明</xsl:with-param><xsl:with-param name="en">message</xsl:with-param></xsl:call-template></th>
        </tr>
        <xsl:apply-templates select="../rp:finding[string(rp:table) = $table]"/>
      </table>
    </xsl:for-each>
  </xsl:template>

  <xsl:template match="rp:finding">
    <tr>
      <td class="sev {@severity}"><xsl:value-of select="@severity"/></td>
      <td><xsl:value-of select="@code"/>
        <xsl:if test="@line"><br/><span class="meta">L<xsl:value-of select="@line"/></span></xsl:if></td>
      <td><xsl:value-of select="rp:row"/></td>
      <td><xsl:value-of select="rp:columnLabel"/></td>
      <td class="num"><xsl:value-of select="rp:printed"/></td>
      <td class="num"><xsl:value-of select="rp:computed"/></td>
      <td class="num"><xsl:value-of select="rp:difference"/></td>
      <td class="num"><xsl:value-of select="rp:tolerance"/></td>
      <td>
        <xsl:choose>
          <xsl:when test="rp:message[lang($lang)]"><xsl:value-of select="rp:message[lang($lang)]"/></xsl:when>
          <xsl:otherwise><xsl:value-of select="rp:message[1]"/></xsl:otherwise>
        </xsl:choose>
        <xsl:if test="rp:xpath"><br/><code><xsl:value-of select="rp:xpath"/></code></xsl:if>
      </td>
    </tr>
  </xsl:template>
  <!-- what the rules could and could not judge -->
  <xsl:template match="rp:coverage">
    <p class="coverage">
      <xsl:call-template name="t">
        <xsl:with-param name="zh">覆盖：检查规则 <xsl:value-of select="@checked"/> 条（未通过 <xsl:value-of select="@failed"/> 条），无法判断 <xsl:value-of select="@notAssessable"/> 条</xsl:with-param>
        <xsl:with-param name="en">coverage: <xsl:value-of select="@checked"/> rules checked (<xsl:value-of select="@failed"/> failed), <xsl:value-of select="@notAssessable"/> not assessable</xsl:with-param>
      </xsl:call-template>
      <xsl:for-each select="rp:reason">
        <xsl:choose>
          <xsl:when test="position() = 1"> (</xsl:when>
          <xsl:otherwise>, </xsl:otherwise>
        </xsl:choose>
        <xsl:value-of select="@count"/>
        <xsl:text> </xsl:text>
        <xsl:call-template name="t">
          <xsl:with-param name="zh"><xsl:value-of select="@zh"/></xsl:with-param>
          <xsl:with-param name="en"><xsl:value-of select="@en"/></xsl:with-param>
        </xsl:call-template>
        <xsl:if test="position() = last()">)</xsl:if>
      </xsl:for-each>
    </p>
    <xsl:if test="@narrativeOnly = 'true'">
      <p class="coverage narrative">
        <xsl:call-template name="t">
          <xsl:with-param name="zh">文件没有表格（仅有情况说明），表格勾稽关系无法检查；只检查了说明文字自身的合计、百分比和同比增减。</xsl:with-param>
          <xsl:with-param name="en">The document has no tables (narrative only): the table identities could not be checked; only the text's own sums, percentages and year-on-year figures were.</xsl:with-param>
        </xsl:call-template>
      </p>
    </xsl:if>
  </xsl:template>

</xsl:stylesheet>
