<?xml version="1.0" encoding="UTF-8"?>
<!--
  platform-import.xsl: the platform's exchange XML (urn:budgetx:platform:1)
  → a disclosure (urn:budgetx:disclosure:1).  The reverse of platform.xsl:
  records are nested again by PARENT_ID, fields become attributes, amounts
  go back from 元 to the display unit with their printed decimals.
  Derived fields (PRO_CAT_CODE) are not read.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:p="urn:budgetx:platform:1"
    xmlns:exsl="http://exslt.org/common"
    xmlns:m="urn:budgetx:xslt:meta"
    xmlns="urn:budgetx:disclosure:1"
    extension-element-prefixes="exsl"
    exclude-result-prefixes="p exsl m">

  <xsl:include href="platform-map.xsl"/>

  <xsl:output method="xml" encoding="UTF-8" indent="yes"/>

  <!-- Records of one table or part by parent: "<id of container>|<PARENT_ID>". -->
  <xsl:key name="children" match="p:ROW | p:NODE"
      use="concat(generate-id(..), '|', @PARENT_ID)"/>

  <xsl:variable name="h" select="/p:BudgetDisclosure/p:HEADER"/>
  <xsl:variable name="p-decimals" select="string($h/p:DISPLAY_DECIMALS)"/>
  <xsl:variable name="p-exp">
    <xsl:call-template name="unit-exp">
      <xsl:with-param name="u" select="string($h/p:DISPLAY_UNIT)"/>
    </xsl:call-template>
  </xsl:variable>

  <!-- Fields that are not attributes of the record's element. -->
  <xsl:variable name="not-attrs" select="' TEXT CONTENT PRO_CAT_CODE '"/>

  <xsl:template match="/">
    <xsl:apply-templates select="p:BudgetDisclosure"/>
  </xsl:template>

  <xsl:template match="p:BudgetDisclosure">
    <disclosure formatVersion="{$h/p:FORMAT_VERSION}">
      <metadata>
        <title><xsl:value-of select="$h/p:TITLE"/></title>
        <xsl:if test="$h/p:MOF_DIV_CODE">
          <mofDivCode><xsl:value-of select="$h/p:MOF_DIV_CODE"/></mofDivCode>
        </xsl:if>
        <fiscalYear><xsl:value-of select="$h/p:FISCAL_YEAR"/></fiscalYear>
        <department>
          <xsl:if test="$h/p:DEPT_CODE">
            <xsl:attribute name="code">
              <xsl:value-of select="$h/p:DEPT_CODE"/>
            </xsl:attribute>
          </xsl:if>
          <xsl:attribute name="name">
            <xsl:value-of select="$h/p:DEPT_NAME"/>
          </xsl:attribute>
          <xsl:if test="$h/p:DEPT_SHORT_NAME">
            <xsl:attribute name="shortName">
              <xsl:value-of select="$h/p:DEPT_SHORT_NAME"/>
            </xsl:attribute>
          </xsl:if>
        </department>
        <xsl:if test="p:AGENCIES">
          <units>
            <xsl:for-each select="p:AGENCIES/p:AGENCY">
              <unit>
                <xsl:if test="p:AGENCY_CODE">
                  <xsl:attribute name="code">
                    <xsl:value-of select="p:AGENCY_CODE"/>
                  </xsl:attribute>
                </xsl:if>
                <xsl:attribute name="name">
                  <xsl:value-of select="p:AGENCY_NAME"/>
                </xsl:attribute>
                <xsl:attribute name="type">
                  <xsl:value-of select="p:AGENCY_TYPE"/>
                </xsl:attribute>
                <xsl:attribute name="level">
                  <xsl:value-of select="p:AGENCY_LEVEL"/>
                </xsl:attribute>
              </unit>
            </xsl:for-each>
          </units>
        </xsl:if>
        <profile><xsl:value-of select="$h/p:PROFILE"/></profile>
        <xsl:if test="$h/p:PUBLISH_DATE">
          <published><xsl:value-of select="$h/p:PUBLISH_DATE"/></published>
        </xsl:if>
        <amounts unit="{$h/p:DISPLAY_UNIT}" decimals="{$p-decimals}"/>
      </metadata>
      <xsl:for-each select="p:PARTS/p:PART">
        <xsl:element name="{@TYPE}">
          <xsl:call-template name="attributes"/>
          <xsl:call-template name="children"/>
        </xsl:element>
      </xsl:for-each>
      <tables>
        <xsl:for-each select="p:TABLES/p:TABLE">
          <xsl:element name="{@TYPE}">
            <xsl:call-template name="attributes"/>
            <xsl:call-template name="children"/>
          </xsl:element>
        </xsl:for-each>
      </tables>
    </disclosure>
  </xsl:template>

  <!-- The records whose PARENT_ID is the context record's ID. -->
  <xsl:template name="children">
    <xsl:param name="container" select="."/>
    <xsl:param name="id" select="''"/>
    <xsl:for-each select="key('children',
                              concat(generate-id($container), '|', $id))">
      <xsl:element name="{@TYPE}">
        <xsl:call-template name="attributes"/>
        <xsl:apply-templates select="p:TEXT | p:CONTENT"/>
        <xsl:call-template name="children">
          <xsl:with-param name="container" select="$container"/>
          <xsl:with-param name="id" select="string(@ID)"/>
        </xsl:call-template>
      </xsl:element>
    </xsl:for-each>
  </xsl:template>

  <xsl:template match="p:TEXT | p:T">
    <xsl:value-of select="."/>
  </xsl:template>

  <xsl:template match="p:CONTENT">
    <xsl:apply-templates select="p:T | p:INLINE"/>
  </xsl:template>

  <xsl:template match="p:INLINE">
    <xsl:element name="{@TYPE}">
      <xsl:call-template name="attributes"/>
      <xsl:value-of select="p:TEXT"/>
    </xsl:element>
  </xsl:template>

  <!-- The field children of the context record as attributes. -->
  <xsl:template name="attributes">
    <xsl:variable name="e" select="string(@TYPE)"/>
    <xsl:variable name="in-table" select="boolean(ancestor-or-self::p:TABLE)"/>
    <xsl:for-each select="*[not(contains($not-attrs,
                                         concat(' ', local-name(), ' ')))
                            and not(self::p:ROW or self::p:NODE)]">
      <xsl:variable name="a">
        <xsl:call-template name="attr-name">
          <xsl:with-param name="e" select="$e"/>
          <xsl:with-param name="f" select="local-name()"/>
        </xsl:call-template>
      </xsl:variable>
      <xsl:variable name="amt">
        <xsl:if test="$in-table">
          <xsl:call-template name="field-is-amount">
            <xsl:with-param name="f" select="local-name()"/>
          </xsl:call-template>
        </xsl:if>
      </xsl:variable>
      <xsl:attribute name="{$a}">
        <xsl:choose>
          <xsl:when test="$amt != '' and string(.) != ''">
            <xsl:call-template name="dec-scale-down">
              <xsl:with-param name="v" select="string(.)"/>
              <xsl:with-param name="k">
                <!-- a table printed in its own unit (UNIT) -->
                <xsl:choose>
                  <xsl:when test="ancestor::p:TABLE/p:UNIT">
                    <xsl:call-template name="unit-exp">
                      <xsl:with-param name="u"
                          select="string(ancestor::p:TABLE/p:UNIT)"/>
                    </xsl:call-template>
                  </xsl:when>
                  <xsl:otherwise><xsl:value-of select="$p-exp"/></xsl:otherwise>
                </xsl:choose>
              </xsl:with-param>
              <xsl:with-param name="dp">
                <xsl:choose>
                  <xsl:when test="@DP"><xsl:value-of select="@DP"/></xsl:when>
                  <xsl:otherwise><xsl:value-of select="$p-decimals"/></xsl:otherwise>
                </xsl:choose>
              </xsl:with-param>
            </xsl:call-template>
          </xsl:when>
          <xsl:otherwise>
            <xsl:value-of select="."/>
          </xsl:otherwise>
        </xsl:choose>
      </xsl:attribute>
    </xsl:for-each>
  </xsl:template>

</xsl:stylesheet>
