<?xml version="1.0" encoding="UTF-8"?>
<!--
  platform-map.xsl: how disclosure attributes are named in the provincial
  platform's exchange format (schemas/platform.xsd), in both directions.
  Shared by platform.xsl (to the platform) and platform-import.xsl (back).
  Names follow the 预算管理一体化 data elements (docs/format.md
  section 6) where one exists: DEPT_CODE, AGENCY_CODE, EXP_FUNC_CODE,
  DEP_BGT_ECO_CODE, GOV_BGT_ECO_CODE, PRO_CODE, PRO_CAT_CODE ...; every
  other attribute becomes its UPPER_SNAKE name, amounts get "_AMT".
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:bx="urn:budgetx:disclosure:1"
    xmlns:exsl="http://exslt.org/common"
    xmlns:m="urn:budgetx:xslt:meta"
    extension-element-prefixes="exsl"
    exclude-result-prefixes="bx exsl m">

  <xsl:include href="common.xsl"/>
  <xsl:include href="decimal.xsl"/>

  <xsl:variable name="platform-ns" select="'urn:budgetx:platform:1'"/>

  <!--
    Field map.  e = element (local name), "*" for any element, or "#amt"
    for the amount columns of table rows; a = attribute; f = platform
    field.  An element-specific entry wins over "*".  Attributes not
    listed fall back to UPPER_SNAKE (and back; amounts get "_AMT").
  -->
  <xsl:variable name="pmap-rtf">
    <m:f e="dept" a="code" f="DEPT_CODE"/>
    <m:f e="dept" a="name" f="DEPT_NAME"/>
    <m:f e="unit" a="code" f="AGENCY_CODE"/>
    <m:f e="unit" a="name" f="AGENCY_NAME"/>
    <m:f e="func" a="code" f="EXP_FUNC_CODE"/>
    <m:f e="func" a="name" f="EXP_FUNC_NAME"/>
    <m:f e="class" a="code" f="EXP_FUNC_CODE"/>
    <m:f e="project" a="code" f="PRO_CODE"/>
    <m:f e="project" a="name" f="PRO_NAME"/>
    <m:f e="project" a="kind" f="PRO_CAT_NAME"/>
    <m:f e="*" a="func" f="EXP_FUNC_CODE"/>
    <m:f e="*" a="unitName" f="AGENCY_NAME"/>
    <m:f e="*" a="deptName" f="DEPT_NAME"/>
    <m:f e="*" a="dep" f="DEP_BGT_ECO_CODE"/>
    <m:f e="*" a="depName" f="DEP_BGT_ECO_NAME"/>
    <m:f e="*" a="gov" f="GOV_BGT_ECO_CODE"/>
    <m:f e="*" a="govName" f="GOV_BGT_ECO_NAME"/>
    <m:f e="*" a="code" f="CODE"/>
    <m:f e="*" a="name" f="NAME"/>
    <m:f e="*" a="label" f="LABEL"/>
    <m:f e="*" a="no" f="NO"/>
    <m:f e="*" a="title" f="TITLE"/>
    <m:f e="*" a="key" f="KEY"/>
    <m:f e="*" a="period" f="PERIOD"/>
    <m:f e="*" a="category" f="CATEGORY"/>
    <m:f e="*" a="catalogue" f="CATALOGUE"/>
    <m:f e="*" a="catalogueCode" f="CATALOGUE_CODE"/>
    <m:f e="*" a="spec" f="SPEC"/>
    <m:f e="*" a="measure" f="MEASURE"/>
    <m:f e="*" a="quantity" f="QUANTITY"/>
    <m:f e="*" a="op" f="OP"/>
    <m:f e="*" a="num" f="NUM"/>
    <m:f e="*" a="unit" f="UNIT"/>
    <m:f e="*" a="of" f="OF"/>
    <m:f e="*" a="role" f="ROLE"/>
    <m:f e="*" a="base" f="BASE"/>
    <m:f e="*" a="value" f="VALUE"/>
    <m:f e="#amt" a="total" f="TOTAL_AMT"/>
    <m:f e="#amt" a="currentTotal" f="CURRENT_TOTAL_AMT"/>
    <m:f e="#amt" a="gpb" f="GPB_AMT"/>
    <m:f e="#amt" a="gpbFiscal" f="GPB_FISCAL_AMT"/>
    <m:f e="#amt" a="govFund" f="GOV_FUND_AMT"/>
    <m:f e="#amt" a="stateCapital" f="STATE_CAPITAL_AMT"/>
    <m:f e="#amt" a="specialAccount" f="SPECIAL_ACCOUNT_AMT"/>
    <m:f e="#amt" a="business" f="BUSINESS_AMT"/>
    <m:f e="#amt" a="operating" f="OPERATING_AMT"/>
    <m:f e="#amt" a="superior" f="SUPERIOR_AMT"/>
    <m:f e="#amt" a="subordinate" f="SUBORDINATE_AMT"/>
    <m:f e="#amt" a="other" f="OTHER_AMT"/>
    <m:f e="#amt" a="reserve" f="RESERVE_AMT"/>
    <m:f e="#amt" a="carryTotal" f="CARRY_TOTAL_AMT"/>
    <m:f e="#amt" a="carryGpb" f="CARRY_GPB_AMT"/>
    <m:f e="#amt" a="carryGovFund" f="CARRY_GOV_FUND_AMT"/>
    <m:f e="#amt" a="carryStateCapital" f="CARRY_STATE_CAPITAL_AMT"/>
    <m:f e="#amt" a="carrySpecialAccount" f="CARRY_SPECIAL_ACCOUNT_AMT"/>
    <m:f e="#amt" a="carryUnit" f="CARRY_UNIT_AMT"/>
    <m:f e="#amt" a="amount" f="AMOUNT"/>
    <m:f e="#amt" a="basic" f="BASIC_AMT"/>
    <m:f e="#amt" a="wages" f="WAGES_AMT"/>
    <m:f e="#amt" a="family" f="FAMILY_AMT"/>
    <m:f e="#amt" a="goods" f="GOODS_AMT"/>
    <m:f e="#amt" a="capital" f="CAPITAL_AMT"/>
    <m:f e="#amt" a="project" f="PROJECT_AMT"/>
    <m:f e="#amt" a="projectOperating" f="PROJECT_OPERATING_AMT"/>
    <m:f e="#amt" a="projectSpecific" f="PROJECT_SPECIFIC_AMT"/>
    <m:f e="#amt" a="personnel" f="PERSONNEL_AMT"/>
    <m:f e="#amt" a="public" f="PUBLIC_AMT"/>
    <m:f e="#amt" a="carry" f="CARRY_AMT"/>
    <m:f e="#amt" a="abroad" f="ABROAD_AMT"/>
    <m:f e="#amt" a="vehicle" f="VEHICLE_AMT"/>
    <m:f e="#amt" a="vehiclePurchase" f="VEHICLE_PURCHASE_AMT"/>
    <m:f e="#amt" a="vehicleOperation" f="VEHICLE_OPERATION_AMT"/>
    <m:f e="#amt" a="reception" f="RECEPTION_AMT"/>
    <m:f e="#amt" a="officeOperation" f="OFFICE_OPERATION_AMT"/>
    <m:f e="#amt" a="unitFunds" f="UNIT_FUNDS_AMT"/>
    <m:f e="#amt" a="govFunds" f="GOV_FUNDS_AMT"/>
    <m:f e="#amt" a="projectSocial" f="PROJECT_SOCIAL_AMT"/>
    <m:f e="#amt" a="projectDebt" f="PROJECT_DEBT_AMT"/>
    <m:f e="#amt" a="projectConstruction" f="PROJECT_CONSTRUCTION_AMT"/>
    <m:f e="#amt" a="projectOther" f="PROJECT_OTHER_AMT"/>

    <!--
      项目类别 (PRO_CAT_CODE) by 项目类型, written next to PRO_CAT_NAME for the
      platform and ignored on the way back.  [kn] background knowledge of
      the 一体化 规范 (1 人员类, 21 公用经费, 22 其他运转类, 3 特定目标类),
      not checked against the published standard: correct it here.
    -->
    <m:cat name="人员类" code="1"/>
    <m:cat name="公用经费" code="21"/>
    <m:cat name="其他运转类" code="22"/>
    <m:cat name="特定目标类" code="3"/>

    <!-- Power of ten from a display unit to 元. -->
    <m:unit name="元" exp="0"/>
    <m:unit name="万元" exp="4"/>
  </xsl:variable>
  <xsl:variable name="PM" select="exsl:node-set($pmap-rtf)"/>

  <xsl:key name="field-by-attr" match="m:f" use="concat(@e, '|', @a)"/>
  <xsl:key name="attr-by-field" match="m:f" use="concat(@e, '|', @f)"/>

  <!--
    Platform field name of attribute $a of element $e; $amt non-empty
    when the attribute is an amount column.
  -->
  <xsl:template name="field-name">
    <xsl:param name="e"/>
    <xsl:param name="a"/>
    <xsl:param name="amt" select="''"/>
    <xsl:for-each select="$PM">
      <xsl:variable name="hit" select="key('field-by-attr', concat($e, '|', $a))
          | key('field-by-attr', concat('*|', $a))[not($amt)]
          | key('field-by-attr', concat('#amt|', $a))[$amt]"/>
      <xsl:choose>
        <xsl:when test="$hit">
          <xsl:value-of select="$hit[1]/@f"/>
        </xsl:when>
        <xsl:otherwise>
          <xsl:call-template name="upper-snake">
            <xsl:with-param name="s" select="$a"/>
          </xsl:call-template>
          <xsl:if test="$amt">_AMT</xsl:if>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:for-each>
  </xsl:template>

  <!-- Non-empty when platform field $f holds an amount in 元. -->
  <xsl:template name="field-is-amount">
    <xsl:param name="f"/>
    <xsl:for-each select="$PM">
      <xsl:if test="key('attr-by-field', concat('#amt|', $f))
                    or substring($f, string-length($f) - 3) = '_AMT'">1</xsl:if>
    </xsl:for-each>
  </xsl:template>

  <!-- Disclosure attribute name of platform field $f on element $e. -->
  <xsl:template name="attr-name">
    <xsl:param name="e"/>
    <xsl:param name="f"/>
    <xsl:for-each select="$PM">
      <xsl:variable name="hit" select="key('attr-by-field', concat($e, '|', $f))
          | key('attr-by-field', concat('*|', $f))
          | key('attr-by-field', concat('#amt|', $f))"/>
      <xsl:choose>
        <xsl:when test="key('attr-by-field', concat($e, '|', $f))">
          <xsl:value-of select="key('attr-by-field', concat($e, '|', $f))/@a"/>
        </xsl:when>
        <xsl:when test="$hit">
          <xsl:value-of select="$hit[1]/@a"/>
        </xsl:when>
        <xsl:when test="substring($f, string-length($f) - 3) = '_AMT'">
          <xsl:call-template name="lower-camel">
            <xsl:with-param name="s"
                select="substring($f, 1, string-length($f) - 4)"/>
          </xsl:call-template>
        </xsl:when>
        <xsl:otherwise>
          <xsl:call-template name="lower-camel">
            <xsl:with-param name="s" select="$f"/>
          </xsl:call-template>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:for-each>
  </xsl:template>

  <xsl:variable name="lower" select="'abcdefghijklmnopqrstuvwxyz'"/>
  <xsl:variable name="upper" select="'ABCDEFGHIJKLMNOPQRSTUVWXYZ'"/>

  <!-- "carryGovFund" → "CARRY_GOV_FUND" (fallback for unlisted names). -->
  <xsl:template name="upper-snake">
    <xsl:param name="s"/>
    <xsl:if test="$s != ''">
      <xsl:variable name="c" select="substring($s, 1, 1)"/>
      <xsl:if test="contains($upper, $c)">_</xsl:if>
      <xsl:value-of select="translate($c, $lower, $upper)"/>
      <xsl:call-template name="upper-snake">
        <xsl:with-param name="s" select="substring($s, 2)"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

  <!-- "CARRY_GOV_FUND" → "carryGovFund". -->
  <xsl:template name="lower-camel">
    <xsl:param name="s"/>
    <xsl:value-of select="translate(substring-before(concat($s, '_'), '_'),
                          $upper, $lower)"/>
    <xsl:if test="contains($s, '_')">
      <xsl:call-template name="camel-rest">
        <xsl:with-param name="s" select="substring-after($s, '_')"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

  <xsl:template name="camel-rest">
    <xsl:param name="s"/>
    <xsl:variable name="w" select="substring-before(concat($s, '_'), '_')"/>
    <xsl:value-of select="substring($w, 1, 1)"/>
    <xsl:value-of select="translate(substring($w, 2), $upper, $lower)"/>
    <xsl:if test="contains($s, '_')">
      <xsl:call-template name="camel-rest">
        <xsl:with-param name="s" select="substring-after($s, '_')"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

  <!-- Power of ten between display unit $u and 元 (unknown units: 0). -->
  <xsl:template name="unit-exp">
    <xsl:param name="u"/>
    <xsl:variable name="e" select="$PM/m:unit[@name = $u]/@exp"/>
    <xsl:choose>
      <xsl:when test="$e"><xsl:value-of select="$e"/></xsl:when>
      <xsl:otherwise>0</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

</xsl:stylesheet>
