<?xml version="1.0" encoding="UTF-8"?>
<!--
  html.xsl: the public disclosure page.  One self-contained HTML document
  (inline CSS, no scripts, no external resources): title block, 目录 with
  anchors, the three narrative parts and the tables with their official
  multi-level headers.  Amounts are printed exactly as stored.
  Parameter lang: 'zh' (default) or 'en' (every fixed label zh + en).
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:bx="urn:budgetx:disclosure:1"
    xmlns:exsl="http://exslt.org/common"
    xmlns:m="urn:budgetx:xslt:meta"
    xmlns:x="urn:budgetx:xslt:ext"
    extension-element-prefixes="exsl x"
    exclude-result-prefixes="bx exsl m x">

  <xsl:include href="grid.xsl"/>

  <xsl:output method="html" encoding="UTF-8" indent="yes"/>

  <xsl:variable name="year" select="string($meta/bx:fiscalYear)"/>

  <!-- Tables with this many columns or more print on landscape pages. -->
  <xsl:variable name="wide-cols" select="9"/>
  <!-- read by x:keyed-rows (src/xslt_grid.c): the body rows of a keyed
       table are written as the HTML of x:html-rows part="body" while the
       grid is made, one row at a time, so the grid of a large table is
       never whole in memory; and by x:head-rows: the header rows too.  The XSLT (xsltproc) ignores it: its grid
       has the rows, which x:html-rows' fallback writes. -->
  <xsl:variable name="x-html-direct" select="true()"/>

  <!-- The labels every table prints, made once per page. -->
  <xsl:variable name="label-dept-name">
    <xsl:call-template name="label-text">
      <xsl:with-param name="k" select="'deptName'"/>
      <xsl:with-param name="colon" select="true()"/>
    </xsl:call-template>
  </xsl:variable>
  <xsl:variable name="label-amount-unit">
    <xsl:call-template name="label-text">
      <xsl:with-param name="k" select="'amountUnit'"/>
      <xsl:with-param name="colon" select="true()"/>
    </xsl:call-template>
  </xsl:variable>
  <xsl:variable name="label-top">
    <xsl:call-template name="label-text">
      <xsl:with-param name="k" select="'top'"/>
    </xsl:call-template>
  </xsl:variable>

  <xsl:template match="/">
    <xsl:text disable-output-escaping="yes">&lt;!DOCTYPE html&gt;&#10;</xsl:text>
    <html lang="zh-CN">
      <head>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="generator" content="budgetx"/>
        <title><xsl:value-of select="$meta/bx:title"/></title>
        <style><xsl:call-template name="css"/></style>
      </head>
      <body>
        <xsl:apply-templates select="bx:disclosure"/>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="bx:disclosure">
    <header class="cover" id="top">
      <xsl:call-template name="cover-title"/>
      <xsl:if test="$meta/bx:published">
        <p class="published">
          <xsl:call-template name="label-text">
            <xsl:with-param name="k" select="'published'"/>
            <xsl:with-param name="colon" select="true()"/>
          </xsl:call-template>
          <xsl:value-of select="$meta/bx:published"/>
        </p>
      </xsl:if>
    </header>
    <xsl:call-template name="toc"/>
    <main>
      <xsl:apply-templates select="bx:overview | bx:explanation
                                   | bx:glossary | bx:tables"/>
    </main>
  </xsl:template>

  <!-- "X2024年部门预算公开": the department on its own line, as printed. -->
  <xsl:template name="cover-title">
    <xsl:variable name="t" select="string($meta/bx:title)"/>
    <h1>
      <xsl:choose>
        <xsl:when test="$dept-name != '' and starts-with($t, $dept-name)
                        and $t != $dept-name">
          <span class="dept"><xsl:value-of select="$dept-name"/></span>
          <span class="what">
            <xsl:value-of select="substring-after($t, $dept-name)"/>
          </span>
        </xsl:when>
        <xsl:otherwise>
          <xsl:value-of select="$t"/>
        </xsl:otherwise>
      </xsl:choose>
    </h1>
  </xsl:template>

  <!-- ============================================================ -->
  <!-- 目录                                                            -->
  <!-- ============================================================ -->
  <xsl:template name="toc">
    <nav class="toc" aria-labelledby="toc-h">
      <h2 id="toc-h">
        <xsl:call-template name="label-text">
          <xsl:with-param name="k" select="'contents'"/>
        </xsl:call-template>
      </h2>
      <ul>
        <xsl:for-each select="bx:overview">
          <li>
            <a href="#part1">
              <xsl:call-template name="part-label">
                <xsl:with-param name="k" select="'part1'"/>
              </xsl:call-template>
              <xsl:value-of select="@title"/>
            </a>
            <ul>
              <xsl:for-each select="*[@title]">
                <li>
                  <a href="#part1-{position()}">
                    <xsl:call-template name="cn-ordinal">
                      <xsl:with-param name="n" select="position()"/>
                    </xsl:call-template>
                    <xsl:text>、</xsl:text>
                    <xsl:value-of select="@title"/>
                  </a>
                </li>
              </xsl:for-each>
            </ul>
          </li>
        </xsl:for-each>
        <xsl:for-each select="bx:explanation">
          <li>
            <a href="#part2">
              <xsl:call-template name="part-label">
                <xsl:with-param name="k" select="'part2'"/>
              </xsl:call-template>
              <xsl:value-of select="@title"/>
            </a>
          </li>
        </xsl:for-each>
        <xsl:for-each select="bx:glossary">
          <li>
            <a href="#part3">
              <xsl:call-template name="part-label">
                <xsl:with-param name="k" select="'part3'"/>
              </xsl:call-template>
              <xsl:value-of select="@title"/>
            </a>
          </li>
        </xsl:for-each>
        <xsl:if test="$tables">
          <li>
            <a href="#annex"><xsl:call-template name="annex-title"/></a>
            <ul>
              <!-- budgetx: src/xslt_ext.c (reads $tables, $M, $T);
                   xsltproc, and budgetx when a value could print
                   otherwise: -->
              <x:toc-tables>
                <xsl:fallback>
                  <xsl:for-each select="$tables">
                    <li>
                      <a>
                        <xsl:attribute name="href">
                          <xsl:text>#</xsl:text>
                          <xsl:call-template name="table-id"/>
                        </xsl:attribute>
                        <xsl:call-template name="table-heading-text"/>
                      </a>
                    </li>
                  </xsl:for-each>
                </xsl:fallback>
              </x:toc-tables>
            </ul>
          </li>
        </xsl:if>
      </ul>
    </nav>
  </xsl:template>

  <xsl:template name="part-label">
    <xsl:param name="k"/>
    <span class="part-no">
      <xsl:call-template name="label-text">
        <xsl:with-param name="k" select="$k"/>
      </xsl:call-template>
    </span>
    <xsl:text> </xsl:text>
  </xsl:template>

  <!-- "附件：X2024年部门预算表" -->
  <xsl:template name="annex-title">
    <xsl:value-of select="$M/m:l[@k = 'annex']/@zh"/>
    <xsl:value-of select="concat($dept-name, $year)"/>
    <xsl:value-of select="$M/m:l[@k = 'annexTables']/@zh"/>
    <xsl:if test="$lang = 'en'">
      <span class="en" lang="en">
        <xsl:value-of select="concat(' ', $M/m:l[@k = 'annex']/@en, ' ',
                              $year, ' ', $M/m:l[@k = 'annexTables']/@en)"/>
      </span>
    </xsl:if>
  </xsl:template>

  <!-- "一、部门收支总体情况表" -->
  <xsl:template name="table-heading-text">
    <xsl:if test="string(@no) != ''">
      <xsl:value-of select="@no"/>
      <xsl:call-template name="no-sep">
        <xsl:with-param name="no" select="@no"/>
      </xsl:call-template>
    </xsl:if>
    <xsl:call-template name="table-title"/>
  </xsl:template>

  <!-- Separator printed after an ordinal: 一、 1. （一） -->
  <xsl:template name="no-sep">
    <xsl:param name="no"/>
    <xsl:variable name="last" select="substring($no, string-length($no))"/>
    <xsl:choose>
      <xsl:when test="$last = '）' or $last = ')' or $last = '.'
                      or $last = '、'"/>
      <xsl:when test="translate($no, '0123456789', '') = ''">. </xsl:when>
      <xsl:otherwise>、</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- 1 → 一 … 99 (for the part-one headings, which carry no @no). -->
  <xsl:template name="cn-ordinal">
    <xsl:param name="n"/>
    <xsl:variable name="d" select="'一二三四五六七八九'"/>
    <xsl:choose>
      <xsl:when test="$n &lt; 10">
        <xsl:value-of select="substring($d, $n, 1)"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:if test="floor($n div 10) &gt; 1">
          <xsl:value-of select="substring($d, floor($n div 10), 1)"/>
        </xsl:if>
        <xsl:text>十</xsl:text>
        <xsl:if test="$n mod 10 != 0">
          <xsl:value-of select="substring($d, $n mod 10, 1)"/>
        </xsl:if>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- ============================================================ -->
  <!-- Narrative                                                     -->
  <!-- ============================================================ -->
  <xsl:template match="bx:overview">
    <section class="part" id="part1">
      <xsl:call-template name="part-heading">
        <xsl:with-param name="k" select="'part1'"/>
      </xsl:call-template>
      <xsl:for-each select="*">
        <section id="part1-{position()}">
          <xsl:if test="@title">
            <h3>
              <xsl:call-template name="cn-ordinal">
                <xsl:with-param name="n" select="position()"/>
              </xsl:call-template>
              <xsl:text>、</xsl:text>
              <xsl:value-of select="@title"/>
            </h3>
          </xsl:if>
          <xsl:apply-templates select="*"/>
        </section>
      </xsl:for-each>
    </section>
  </xsl:template>

  <xsl:template name="part-heading">
    <xsl:param name="k"/>
    <h2>
      <span class="part-no">
        <xsl:call-template name="label-text">
          <xsl:with-param name="k" select="$k"/>
        </xsl:call-template>
      </span>
      <span class="part-title"><xsl:value-of select="@title"/></span>
    </h2>
  </xsl:template>

  <!--
    The content of a paragraph: x:p-content (src/xslt_ext.c) writes its
    text and figures as text when the bytes are the same, else (and in
    xsltproc) the templates run.
  -->
  <xsl:template match="bx:duty">
    <p class="duty"><x:p-content><xsl:fallback><xsl:apply-templates/></xsl:fallback></x:p-content></p>
  </xsl:template>

  <xsl:template match="bx:para">
    <p><x:p-content><xsl:fallback><xsl:apply-templates/></xsl:fallback></x:p-content></p>
  </xsl:template>

  <!-- budgetx: src/xslt_ext.c (as text inside a p when the bytes are
       the same; else this XSLT); xsltproc: -->
  <xsl:template match="bx:fig">
    <x:fig-span>
      <xsl:fallback>
        <span class="fig" data-of="{@of}"><xsl:apply-templates/></span>
      </xsl:fallback>
    </x:fig-span>
  </xsl:template>

  <xsl:template match="bx:explanation">
    <section class="part" id="part2">
      <xsl:call-template name="part-heading">
        <xsl:with-param name="k" select="'part2'"/>
      </xsl:call-template>
      <xsl:apply-templates select="*"/>
    </section>
  </xsl:template>

  <!-- budgetx: src/xslt_ext.c writes the section and everything in it
       (sections, items, paragraphs) as text; xsltproc, and budgetx when
       anything else is in it or a value could print otherwise: -->
  <xsl:template match="bx:section">
    <x:narr-section>
      <xsl:fallback>
        <xsl:variable name="depth" select="count(ancestor::bx:section)"/>
        <section class="sec" id="s-{@key}-{count(preceding::bx:section)
                                           + count(ancestor::bx:section) + 1}">
          <xsl:element name="{concat('h', 3 + ($depth &gt; 0))}">
            <xsl:if test="string(@no) != ''">
              <xsl:value-of select="@no"/>
              <xsl:call-template name="no-sep">
                <xsl:with-param name="no" select="@no"/>
              </xsl:call-template>
            </xsl:if>
            <xsl:value-of select="@title"/>
          </xsl:element>
          <xsl:apply-templates select="*"/>
        </section>
      </xsl:fallback>
    </x:narr-section>
  </xsl:template>

  <!-- A numbered item: its number leads the first paragraph. -->
  <xsl:template match="bx:item">
    <div class="item">
      <xsl:for-each select="bx:para">
        <p>
          <xsl:if test="position() = 1 and string(../@no) != ''">
            <xsl:value-of select="../@no"/>
            <xsl:call-template name="no-sep">
              <xsl:with-param name="no" select="../@no"/>
            </xsl:call-template>
          </xsl:if>
          <x:p-content><xsl:fallback><xsl:apply-templates/></xsl:fallback></x:p-content>
        </p>
      </xsl:for-each>
    </div>
  </xsl:template>

  <xsl:template match="bx:glossary">
    <section class="part" id="part3">
      <xsl:call-template name="part-heading">
        <xsl:with-param name="k" select="'part3'"/>
      </xsl:call-template>
      <!-- budgetx: src/xslt_ext.c writes the terms as text (the last
           thing in the section); xsltproc, and budgetx when a value
           could print otherwise: -->
      <x:glossary-terms>
        <xsl:fallback>
          <xsl:for-each select="bx:term">
            <p class="term">
              <b>
                <xsl:if test="string(@no) != ''">
                  <xsl:value-of select="@no"/>
                  <xsl:call-template name="no-sep">
                    <xsl:with-param name="no" select="@no"/>
                  </xsl:call-template>
                </xsl:if>
                <xsl:value-of select="@name"/>
              </b>
              <xsl:text>：</xsl:text>
              <x:p-content><xsl:fallback><xsl:apply-templates/></xsl:fallback></x:p-content>
            </p>
          </xsl:for-each>
        </xsl:fallback>
      </x:glossary-terms>
    </section>
  </xsl:template>

  <!-- Anything else in a narrative part: its text, in a paragraph. -->
  <xsl:template match="bx:overview//* | bx:explanation//*" priority="-1">
    <p><x:p-content><xsl:fallback><xsl:apply-templates/></xsl:fallback></x:p-content></p>
  </xsl:template>

  <!-- ============================================================ -->
  <!-- Tables                                                        -->
  <!-- ============================================================ -->
  <xsl:template match="bx:tables">
    <section class="part" id="annex">
      <h2 class="annex"><xsl:call-template name="annex-title"/></h2>
      <xsl:apply-templates select="*" mode="table"/>
    </section>
  </xsl:template>

  <!-- A table: its grid (shared by budgetx, else built here), as HTML. -->
  <xsl:template match="*" mode="table">
    <xsl:choose>
      <xsl:when test="$x-grids">
        <xsl:call-template name="table-section">
          <xsl:with-param name="g" select="x:shared-grids()
              [count(current()/preceding-sibling::*) + 1]"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:variable name="g-rtf">
          <xsl:call-template name="grid"/>
        </xsl:variable>
        <xsl:call-template name="table-section">
          <xsl:with-param name="g" select="exsl:node-set($g-rtf)/m:grid"/>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="table-section">
    <xsl:param name="g"/>
    <!-- budgetx: src/xslt_ext.c writes the section as text (reads $g,
         $M, $T, $lang, the labels); xsltproc, and budgetx when a value
         could print otherwise: -->
    <x:table-section>
      <xsl:fallback>
        <xsl:variable name="id">
          <xsl:call-template name="table-id"/>
        </xsl:variable>
        <xsl:variable name="title">
          <xsl:call-template name="table-title"/>
        </xsl:variable>
        <section id="{$id}">
          <xsl:attribute name="class">
            <xsl:text>tbl</xsl:text>
            <xsl:if test="$g/@cols &gt;= $wide-cols"> wide</xsl:if>
          </xsl:attribute>
          <h3 class="tbl-title">
            <xsl:value-of select="$title"/>
            <xsl:if test="$lang = 'en'">
              <span class="en" lang="en">
                <xsl:call-template name="table-title-en"/>
              </span>
            </xsl:if>
          </h3>
          <xsl:if test="string(@period) != ''">
            <p class="period">
              <xsl:value-of select="concat('（', @period, '）')"/>
            </p>
          </xsl:if>
          <div class="tbl-meta">
            <span>
              <xsl:value-of select="$label-dept-name"/>
              <xsl:call-template name="table-dept-name"/>
            </span>
            <!-- T11/T12 print the unit inside the table. -->
            <xsl:if test="not(self::bx:deptPerformance
                              or self::bx:projectPerformance)">
              <span>
                <xsl:value-of select="$label-amount-unit"/>
                <xsl:call-template name="table-unit"/>
              </span>
            </xsl:if>
          </div>
          <div class="scroll" role="region" tabindex="0"
              aria-labelledby="{$id}-c">
            <table>
              <caption id="{$id}-c" class="vh">
                <xsl:value-of select="$title"/>
              </caption>
              <!-- rows, or their HTML (x:head-rows, $x-html-direct) -->
              <xsl:if test="$g/m:head/node()">
                <thead>
                  <!-- budgetx: src/xslt_ext.c (reads $g, $lang); xsltproc: -->
                  <x:html-rows part="head">
                    <xsl:fallback>
                      <xsl:apply-templates select="$g/m:head/m:row"
                          mode="grid-head"/>
                    </xsl:fallback>
                  </x:html-rows>
                </thead>
              </xsl:if>
              <tbody>
                <x:html-rows part="body">
                  <xsl:fallback>
                    <xsl:apply-templates select="$g/m:body/m:row" mode="grid"/>
                  </xsl:fallback>
                </x:html-rows>
              </tbody>
            </table>
          </div>
          <xsl:for-each select="bx:note">
            <p class="note"><xsl:value-of select="."/></p>
          </xsl:for-each>
          <xsl:for-each select="bx:emptyNote">
            <p class="empty-note"><xsl:value-of select="."/></p>
          </xsl:for-each>
          <p class="top"><a href="#top"><xsl:value-of select="$label-top"/></a></p>
        </section>
      </xsl:fallback>
    </x:table-section>
  </xsl:template>

  <!--
    Grid rows (the XSLT of x:html-rows, src/xslt_ext.c, which budgetx
    runs instead).  Header rows and body rows have their own modes (a header
    cell never carries scope="row"); the cells are written by for-each,
    without a template match or a result-tree-fragment variable per cell
    (the per-cell cost is what a table costs).
  -->
  <xsl:template match="m:row" mode="grid-head">
    <tr>
      <xsl:if test="@kind">
        <xsl:attribute name="class">
          <xsl:value-of select="concat('r-', @kind)"/>
          <xsl:if test="@depth &gt; 0">
            <xsl:value-of select="concat(' d', @depth)"/>
          </xsl:if>
        </xsl:attribute>
      </xsl:if>
      <xsl:for-each select="m:c">
        <th>
          <xsl:if test="@rs &gt; 1">
            <xsl:attribute name="rowspan"><xsl:value-of select="@rs"/></xsl:attribute>
          </xsl:if>
          <xsl:if test="@cs &gt; 1">
            <xsl:attribute name="colspan"><xsl:value-of select="@cs"/></xsl:attribute>
          </xsl:if>
          <xsl:value-of select="."/>
          <xsl:if test="$lang = 'en' and string(@en) != ''">
            <span class="en" lang="en"><xsl:value-of select="@en"/></span>
          </xsl:if>
        </th>
      </xsl:for-each>
    </tr>
  </xsl:template>

  <xsl:template match="m:row" mode="grid">
    <tr>
      <xsl:if test="@kind">
        <xsl:attribute name="class">
          <xsl:value-of select="concat('r-', @kind)"/>
          <xsl:if test="@depth &gt; 0">
            <xsl:value-of select="concat(' d', @depth)"/>
          </xsl:if>
        </xsl:attribute>
      </xsl:if>
      <xsl:for-each select="m:c">
        <xsl:variable name="t" select="string(@t)"/>
        <xsl:choose>
          <xsl:when test="$t = 'th'">
            <th>
              <xsl:if test="@rs &gt; 1">
                <xsl:attribute name="rowspan"><xsl:value-of select="@rs"/></xsl:attribute>
              </xsl:if>
              <xsl:if test="@cs &gt; 1">
                <xsl:attribute name="colspan"><xsl:value-of select="@cs"/></xsl:attribute>
              </xsl:if>
              <xsl:attribute name="scope">row</xsl:attribute>
              <xsl:value-of select="."/>
              <xsl:if test="$lang = 'en' and string(@en) != ''">
                <span class="en" lang="en"><xsl:value-of select="@en"/></span>
              </xsl:if>
            </th>
          </xsl:when>
          <xsl:otherwise>
            <td>
              <xsl:if test="@rs &gt; 1">
                <xsl:attribute name="rowspan"><xsl:value-of select="@rs"/></xsl:attribute>
              </xsl:if>
              <xsl:if test="@cs &gt; 1">
                <xsl:attribute name="colspan"><xsl:value-of select="@cs"/></xsl:attribute>
              </xsl:if>
              <xsl:choose>
                <xsl:when test="$t = 'amt' or $t = 'num'">
                  <xsl:attribute name="class">n</xsl:attribute>
                </xsl:when>
                <xsl:when test="$t = 'code'">
                  <xsl:attribute name="class">c</xsl:attribute>
                </xsl:when>
                <xsl:when test="$t = 'label'">
                  <xsl:attribute name="class">l</xsl:attribute>
                </xsl:when>
                <xsl:when test="$t = 'famt'">
                  <xsl:attribute name="class">f</xsl:attribute>
                </xsl:when>
                <xsl:when test="$t = 'val'">
                  <xsl:attribute name="class">v</xsl:attribute>
                </xsl:when>
              </xsl:choose>
              <xsl:value-of select="."/>
              <xsl:if test="$lang = 'en' and string(@en) != ''">
                <span class="en" lang="en"><xsl:value-of select="@en"/></span>
              </xsl:if>
            </td>
          </xsl:otherwise>
        </xsl:choose>
      </xsl:for-each>
    </tr>
  </xsl:template>

  <!-- ============================================================ -->
  <!-- Style: screen, phone (scrolling tables) and A4 print          -->
  <!-- ============================================================ -->
  <xsl:template name="css">
:root{--ink:#1a1a1a;--rule:#555;--head:#eef1f4;--accent:#8b0000}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0 auto;max-width:72rem;padding:1rem 1.25rem 3rem;color:var(--ink);background:#fff;
font:16px/1.75 "Noto Serif CJK SC","Source Han Serif SC","Songti SC",SimSun,serif}
h1,h2,h3,h4,.tbl-meta,table,.toc{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif}
.cover{text-align:center;padding:2.5rem 0 1.5rem;border-bottom:3px double var(--accent);margin-bottom:1.5rem}
.cover h1{font-size:1.9rem;line-height:1.4;margin:0;color:var(--accent)}
.cover h1 span{display:block}
.cover .published{margin:.75rem 0 0;color:#555}
.toc h2{text-align:center;letter-spacing:.5em}
.toc ul{list-style:none;padding-left:0;margin:.25rem 0}
.toc ul ul{padding-left:2em}
.toc a{color:var(--ink);text-decoration:none}
.toc a:hover,.toc a:focus{text-decoration:underline;color:var(--accent)}
.part{margin-top:2.5rem}
.part>h2{text-align:center;font-size:1.4rem;margin:2rem 0 1rem}
.part>h2 .part-no{display:block;font-size:1.1rem;color:#444}
h3{font-size:1.1rem;margin:1.5rem 0 .5rem}
h4{font-size:1rem;margin:1.25rem 0 .5rem}
p{margin:.5rem 0;text-indent:2em}
p.duty,p.note,p.empty-note,p.top,p.period,p.published{text-indent:0}
.en{display:block;font-size:.8em;font-weight:normal;color:#555}
.annex{page-break-before:always}
.tbl{margin:2.5rem 0}
.tbl-title{text-align:center;font-size:1.2rem;margin-bottom:.25rem}
.period{text-align:center;margin:0}
.tbl-meta{display:flex;justify-content:space-between;flex-wrap:wrap;gap:.25rem 2rem;font-size:.9rem;margin:.5rem 0 .25rem}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;max-width:100%}
.scroll:focus{outline:2px solid var(--accent)}
table{border-collapse:collapse;font-size:.8rem;line-height:1.4;margin:0 auto;min-width:100%}
th,td{border:1px solid var(--rule);padding:.3em .45em;vertical-align:middle}
th{background:var(--head);font-weight:600;text-align:center;min-width:3.5em}
tbody th{text-align:left}
td.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
td.c{text-align:center;white-space:nowrap}
td.l{text-align:center;font-weight:600}
td.f{font-variant-numeric:tabular-nums}
td.v{white-space:nowrap}
td:not([class]){min-width:5em}
tbody th{white-space:nowrap}
tr.r-total td,tr.r-subtotal td,tr.r-dept td{font-weight:600}
tr.r-unit td,tr.r-func3 td{font-weight:500}
tr.r-total{background:#fafafa}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.note,.empty-note{font-size:.85rem;margin:.35rem 0}
.empty-note{color:var(--accent)}
.top{font-size:.8rem;text-align:right}
.top a{color:#555}
.fig{font-variant-numeric:tabular-nums}
@media (max-width:40rem){body{padding:.75rem;font-size:15px}.cover h1{font-size:1.4rem}table{font-size:.75rem}}
thead{display:table-header-group}
tr{break-inside:avoid;page-break-inside:avoid}
@page{size:A4 portrait;margin:16mm 14mm 16mm 14mm;@bottom-center{content:counter(page) " / " counter(pages);font-size:8pt;color:#555}}
@page wide{size:A4 landscape;margin:12mm 10mm 12mm 10mm;@bottom-center{content:counter(page) " / " counter(pages);font-size:8pt;color:#555}}
@media print{
body{max-width:none;padding:0;font-size:10.5pt}
.toc a{color:inherit}
.top{display:none}
.scroll{overflow:visible}
.tbl{break-before:page;page-break-before:always;margin:0}
.tbl.wide{page:wide}
table{font-size:8pt;min-width:0;width:100%}
th,td{padding:1.5pt 3pt}
h2,h3,h4{break-after:avoid;page-break-after:avoid}
}
</xsl:template>

</xsl:stylesheet>
