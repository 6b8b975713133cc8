<?xml version="1.0" encoding="UTF-8"?>
<!--
  xlsx-notes.xsl: the annotated workbook (budgetx validate with format xlsx).
  src/xlsx_write.c puts the findings into the input as
    <m:findings><m:f sev="error" code="BR-005" msg="..." s="sheet"
        r="E12" line="167" xpath="..."/>...</m:findings>
  under the root (s and r empty when a finding has no cell).  Each cell
  with findings is shaded by the worst severity and carries a comment
  (xl/commentsN.xml and its VML drawing, so that Excel shows it); the
  sheet 问题清单 lists every finding with a link to its cell.  Included by
  xlsx.xsl; nothing here runs without annotate = '1'.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:bx="urn:budgetx:disclosure:1"
    xmlns:exsl="http://exslt.org/common"
    xmlns:m="urn:budgetx:xslt:meta"
    extension-element-prefixes="exsl"
    exclude-result-prefixes="bx exsl m">

  <xsl:param name="annotate" select="'0'"/>
  <xsl:variable name="ann" select="$annotate = '1'"/>
  <xsl:variable name="findings" select="/*/m:findings/m:f"/>
  <xsl:variable name="findings-name" select="'问题清单'"/>

  <xsl:key name="fc" match="m:f[@s != '']" use="concat(@s, '!', @r)"/>
  <xsl:key name="fs" match="m:f[@s != '']" use="@s"/>

  <!-- 0 error (and fatal), 1 warning, 2 info -->
  <xsl:template name="sev-index">
    <xsl:param name="f"/>
    <xsl:choose>
      <xsl:when test="$f[@sev = 'fatal' or @sev = 'error']">0</xsl:when>
      <xsl:when test="$f[@sev = 'warning']">1</xsl:when>
      <xsl:otherwise>2</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Style $s of cell $ref of $sheet, shaded when it has findings. -->
  <xsl:template name="cell-style">
    <xsl:param name="sheet"/>
    <xsl:param name="ref"/>
    <xsl:param name="s"/>
    <xsl:variable name="sev">
      <xsl:if test="$ann">
        <xsl:for-each select="$root">
          <xsl:variable name="f" select="key('fc', concat($sheet, '!', $ref))"/>
          <xsl:if test="$f">
            <xsl:call-template name="sev-index">
              <xsl:with-param name="f" select="$f"/>
            </xsl:call-template>
          </xsl:if>
        </xsl:for-each>
      </xsl:if>
    </xsl:variable>
    <xsl:choose>
      <xsl:when test="string($sev) = ''">
        <xsl:value-of select="$s"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:variable name="k">
          <xsl:choose>
            <xsl:when test="$s &gt;= 6 and $s &lt;= 15">
              <xsl:value-of select="($s - 6) mod 5"/>
            </xsl:when>
            <xsl:when test="$s &gt;= 20 and $s &lt;= 24">
              <xsl:value-of select="$s - 20"/>
            </xsl:when>
            <xsl:when test="$s = 4 or $s = 26">6</xsl:when>
            <xsl:otherwise>5</xsl:otherwise>
          </xsl:choose>
        </xsl:variable>
        <xsl:value-of select="27 + 7 * $sev + $k"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Does sheet $sheet have findings with cells? -->
  <xsl:template name="has-notes">
    <xsl:param name="sheet"/>
    <xsl:if test="$ann">
      <xsl:for-each select="$root">
        <xsl:if test="key('fs', $sheet)">1</xsl:if>
      </xsl:for-each>
    </xsl:if>
  </xsl:template>

  <xsl:template name="legacy-drawing">
    <xsl:param name="sheet"/>
    <xsl:variable name="has">
      <xsl:call-template name="has-notes">
        <xsl:with-param name="sheet" select="$sheet"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:if test="$has = '1'">
      <legacyDrawing xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
          xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"
          r:id="rId2"/>
    </xsl:if>
  </xsl:template>

  <!-- The sheets with notes: <m:n i="sheet index" s="name"/> -->
  <xsl:variable name="noted-rtf">
    <xsl:if test="$ann">
      <xsl:if test="key('fs', $info-name)">
        <m:n i="1" s="{$info-name}"/>
      </xsl:if>
      <xsl:for-each select="$tables">
        <xsl:variable name="name">
          <xsl:call-template name="sheet-name"/>
        </xsl:variable>
        <xsl:variable name="i" select="position() + 1"/>
        <xsl:for-each select="$root">
          <xsl:if test="key('fs', string($name))">
            <m:n i="{$i}" s="{$name}"/>
          </xsl:if>
        </xsl:for-each>
      </xsl:for-each>
    </xsl:if>
  </xsl:variable>
  <xsl:variable name="noted" select="exsl:node-set($noted-rtf)/m:n"/>

  <xsl:template name="notes-content-types">
    <xsl:for-each select="$noted">
      <Override xmlns="http://schemas.openxmlformats.org/package/2006/content-types"
          PartName="/xl/comments{@i}.xml"
          ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"/>
    </xsl:for-each>
  </xsl:template>

  <!-- Comments, VML drawing and relationships of each noted sheet. -->
  <xsl:template name="notes-parts">
    <xsl:for-each select="$noted">
      <xsl:variable name="i" select="@i"/>
      <xsl:variable name="sheet" select="string(@s)"/>
      <xsl:variable name="cells-rtf">
        <xsl:for-each select="$root">
          <xsl:for-each select="key('fs', $sheet)">
            <xsl:if test="generate-id() = generate-id(key('fc',
                          concat(@s, '!', @r))[1])">
              <m:c r="{@r}">
                <xsl:for-each select="key('fc', concat(@s, '!', @r))">
                  <xsl:if test="position() &gt; 1">
                    <xsl:text>&#10;</xsl:text>
                  </xsl:if>
                  <xsl:value-of
                      select="concat('[', @sev, ' ', @code, '] ', @msg)"/>
                </xsl:for-each>
              </m:c>
            </xsl:if>
          </xsl:for-each>
        </xsl:for-each>
      </xsl:variable>
      <xsl:variable name="cells" select="exsl:node-set($cells-rtf)/m:c"/>
      <m:part name="xl/worksheets/_rels/sheet{$i}.xml.rels">
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
          <Relationship Id="rId1" Target="../comments{$i}.xml"
              Type="{$rel-base}/comments"/>
          <Relationship Id="rId2" Target="../drawings/vmlDrawing{$i}.vml"
              Type="{$rel-base}/vmlDrawing"/>
        </Relationships>
      </m:part>
      <m:part name="xl/comments{$i}.xml">
        <comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
          <authors><author>budgetx</author></authors>
          <commentList>
            <xsl:for-each select="$cells">
              <comment ref="{@r}" authorId="0">
                <text><t xml:space="preserve"><xsl:value-of select="."/></t></text>
              </comment>
            </xsl:for-each>
          </commentList>
        </comments>
      </m:part>
      <m:part name="xl/drawings/vmlDrawing{$i}.vml">
        <xml xmlns:v="urn:schemas-microsoft-com:vml"
            xmlns:o="urn:schemas-microsoft-com:office:office"
            xmlns:x="urn:schemas-microsoft-com:office:excel">
          <o:shapelayout v:ext="edit">
            <o:idmap v:ext="edit" data="{$i}"/>
          </o:shapelayout>
          <v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202"
              path="m,l,21600r21600,l21600,xe">
            <v:stroke joinstyle="miter"/>
            <v:path gradientshapeok="t" o:connecttype="rect"/>
          </v:shapetype>
          <xsl:for-each select="$cells">
            <xsl:variable name="col" select="string-length(translate(@r,
                '0123456789', ''))"/>
            <xsl:variable name="letters" select="substring(@r, 1, $col)"/>
            <xsl:variable name="c0">
              <xsl:call-template name="col-index">
                <xsl:with-param name="s" select="$letters"/>
              </xsl:call-template>
            </xsl:variable>
            <xsl:variable name="r0" select="number(substring(@r, $col + 1)) - 1"/>
            <v:shape id="_x0000_s{1024 * $i + position()}"
                type="#_x0000_t202" fillcolor="#ffffe1" o:insetmode="auto"
                style="position:absolute;margin-left:60pt;margin-top:2pt;width:220pt;height:80pt;z-index:{position()};visibility:hidden">
              <v:fill color2="#ffffe1"/>
              <v:shadow on="t" color="black" obscured="t"/>
              <v:path o:connecttype="none"/>
              <v:textbox style="mso-direction-alt:auto">
                <div style="text-align:left"/>
              </v:textbox>
              <!-- xsl:element, not literal x:...: grid.xsl makes the
                   prefix x an extension prefix (libxslt goes by prefix) -->
              <xsl:element name="x:ClientData" namespace="urn:schemas-microsoft-com:office:excel">
                <xsl:attribute name="ObjectType">Note</xsl:attribute>
                <xsl:element name="x:MoveWithCells" namespace="urn:schemas-microsoft-com:office:excel"/>
                <xsl:element name="x:SizeWithCells" namespace="urn:schemas-microsoft-com:office:excel"/>
                <xsl:element name="x:Anchor" namespace="urn:schemas-microsoft-com:office:excel">
                  <xsl:value-of select="concat($c0 + 1, ', 15, ',
                      $r0, ', 2, ', $c0 + 5, ', 15, ', $r0 + 5, ', 16')"/>
                </xsl:element>
                <xsl:element name="x:AutoFill" namespace="urn:schemas-microsoft-com:office:excel">False</xsl:element>
                <xsl:element name="x:Row" namespace="urn:schemas-microsoft-com:office:excel">
                  <xsl:value-of select="$r0"/>
                </xsl:element>
                <xsl:element name="x:Column" namespace="urn:schemas-microsoft-com:office:excel">
                  <xsl:value-of select="$c0"/>
                </xsl:element>
              </xsl:element>
            </v:shape>
          </xsl:for-each>
        </xml>
      </m:part>
    </xsl:for-each>
  </xsl:template>

  <!-- 0-based column index of letters "E" → 4, "AB" → 27. -->
  <xsl:template name="col-index">
    <xsl:param name="s"/>
    <xsl:choose>
      <xsl:when test="string-length($s) = 2">
        <xsl:value-of select="26 * string-length(substring-before($letters,
            substring($s, 1, 1))) + 26
            + string-length(substring-before($letters, substring($s, 2, 1)))"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:value-of
            select="string-length(substring-before($letters, $s))"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- The findings sheet: one row per finding, a link to its cell. -->
  <xsl:template name="findings-sheet">
    <xsl:param name="i"/>
    <m:part name="xl/worksheets/sheet{$i}.xml">
      <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
          xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
        <sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>
        <sheetViews>
          <sheetView workbookViewId="0" tabSelected="1">
            <pane ySplit="1" topLeftCell="A2" activePane="bottomLeft"
                state="frozen"/>
          </sheetView>
        </sheetViews>
        <sheetFormatPr defaultRowHeight="15"/>
        <cols>
          <col min="1" max="1" width="10" customWidth="1"/>
          <col min="2" max="2" width="16" customWidth="1"/>
          <col min="3" max="3" width="36" customWidth="1"/>
          <col min="4" max="4" width="90" customWidth="1"/>
          <col min="5" max="5" width="8" customWidth="1"/>
          <col min="6" max="6" width="60" customWidth="1"/>
        </cols>
        <sheetData>
          <row r="1">
            <xsl:for-each select="exsl:node-set($findings-head-rtf)/m:h">
              <c r="{@c}1" s="2" t="inlineStr"><is><t><xsl:value-of
                  select="."/></t></is></c>
            </xsl:for-each>
          </row>
          <xsl:for-each select="$findings">
            <xsl:variable name="r" select="position() + 1"/>
            <xsl:variable name="sev">
              <xsl:call-template name="sev-index">
                <xsl:with-param name="f" select="."/>
              </xsl:call-template>
            </xsl:variable>
            <!-- no viewer grows a row for wrapped text: ~60 characters
                 a line in column D -->
            <row r="{$r}" customHeight="1"
                ht="{15 * ceiling((string-length(@msg) + 1) div 60)}">
              <c r="A{$r}" s="{32 + 7 * $sev}" t="inlineStr"><is><t><xsl:value-of
                  select="@sev"/></t></is></c>
              <c r="B{$r}" s="3" t="inlineStr"><is><t><xsl:value-of
                  select="@code"/></t></is></c>
              <c r="C{$r}" s="{48 - 45 * number(@s = '')}" t="inlineStr"><is><t><xsl:value-of
                  select="@cell"/></t></is></c>
              <c r="D{$r}" s="3" t="inlineStr"><is><t xml:space="preserve"><xsl:value-of
                  select="@msg"/></t></is></c>
              <xsl:if test="number(@line) &gt; 0">
                <c r="E{$r}" s="3"><v><xsl:value-of select="@line"/></v></c>
              </xsl:if>
              <c r="F{$r}" s="0" t="inlineStr"><is><t><xsl:value-of
                  select="@xpath"/></t></is></c>
            </row>
          </xsl:for-each>
        </sheetData>
        <xsl:if test="$findings[@s != '']">
          <hyperlinks>
            <xsl:for-each select="$findings">
              <xsl:if test="@s != ''">
                <hyperlink ref="C{position() + 1}" location="{@cell}"
                    display="{@cell}"/>
              </xsl:if>
            </xsl:for-each>
          </hyperlinks>
        </xsl:if>
        <pageMargins left="0.4" right="0.4" top="0.75" bottom="0.75"
            header="0.3" footer="0.3"/>
        <pageSetup paperSize="9" orientation="landscape" fitToWidth="1"
            fitToHeight="0"/>
      </worksheet>
    </m:part>
  </xsl:template>

  <xsl:variable name="findings-head-rtf">
    <m:h c="A">级别</m:h><m:h c="B">代码</m:h><m:h c="C">单元格</m:h>
    <m:h c="D">说明</m:h><m:h c="E">行</m:h><m:h c="F">XPath</m:h>
  </xsl:variable>

</xsl:stylesheet>
