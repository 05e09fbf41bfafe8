"""Codebooks of the bundled tables: one entry per variable, in English and Chinese.

The generator writes these to ``data/<table>_codebook.csv``; the loaders read
the CSV back and use its ``type`` column to give each column its dtype.

Types
-----
id        identifier (text)
text      free text (names)
category  unordered category; ``values`` lists the categories
ordinal   ordered category; ``values`` in order
integer   whole number (nullable)
float     number
date      calendar date (YYYY-MM-DD)
boolean   yes/no, stored as 1/0
item      coded survey answer; ``values`` are the valid codes, ``missing`` the
          don't-know / refused codes that the cleaned data turn into NA
"""

from __future__ import annotations

from typing import Any

import pandas as pd

Var = dict[str, Any]

_TRUST_VALUES = {
    1: ("A great deal of trust", "非常信任"),
    2: ("Quite a lot of trust", "比较信任"),
    3: ("Not very much trust", "不太信任"),
    4: ("None at all", "完全不信任"),
}
_SAT_VALUES = {
    1: ("Very dissatisfied", "非常不满意"),
    2: ("Dissatisfied", "不太满意"),
    3: ("Neither", "一般"),
    4: ("Satisfied", "比较满意"),
    5: ("Very satisfied", "非常满意"),
}
_MISSING = {8: ("Don't know", "不知道"), 9: ("Refused", "拒答")}
_DK = {8: ("Don't know", "不知道")}


def _v(name: str, type_: str, en: str, zh: str, **extra: Any) -> Var:
    return {"variable": name, "type": type_, "label_en": en, "label_zh": zh, **extra}


def _trust(level_en: str, level_zh: str, name: str) -> Var:
    return _v(
        name, "item", f"Trust in the {level_en}", f"对{level_zh}的信任",
        question_en=f"How much do you trust the {level_en}?",
        question_zh=f"您对{level_zh}的信任程度如何？",
        values=_TRUST_VALUES, missing=_MISSING,
        note="Asian Barometer coding: 1 = a great deal ... 4 = none at all (lower = more trust)",
    )


CODEBOOKS: dict[str, list[Var]] = {
    "villages": [
        _v("village_id", "id", "Village code", "村编码"),
        _v("township_id", "id", "Township code", "乡镇编码"),
        _v("township_name_zh", "text", "Township name (Chinese)", "乡镇名称（中文）"),
        _v("township_name_en", "text", "Township name (pinyin)", "乡镇名称（拼音）"),
        _v("village_name_zh", "text", "Village name (Chinese)", "村名（中文）"),
        _v("village_name_en", "text", "Village name (pinyin)", "村名（拼音）"),
        _v("terrain", "ordinal", "Terrain", "地形",
           values={"plain": ("Plain", "平原"), "hill": ("Hill", "丘陵"),
                   "mountain": ("Mountain", "山区")}),
        _v("distance_km", "float", "Distance to the county town", "距县城距离", unit="km"),
        _v("population", "integer", "Registered population", "户籍人口", unit="persons"),
        _v("households", "integer", "Registered households", "户籍户数", unit="households"),
        _v("road_hardened_year", "integer", "Year the village road was hardened",
           "通村道路硬化年份", unit="year", note="NA: not yet hardened by 2024"),
        _v("cooperative", "category", "Farmers' professional cooperative in the village",
           "村内农民专业合作社",
           values={"none": ("None", "无"), "planting": ("Planting", "种植"),
                   "breeding": ("Livestock breeding", "养殖"), "tea": ("Tea", "茶叶"),
                   "fruit": ("Fruit", "水果")}),
        _v("first_secretary_since", "integer", "First secretary stationed since",
           "第一书记驻村起始年份", unit="year", note="NA: no first secretary"),
        _v("service_hall_opened", "integer", "Township convenience service hall opened",
           "乡镇便民服务大厅启用年份", unit="year", note="NA: not opened by 2024"),
        _v("collective_income_10k_yuan", "float", "Village collective income",
           "村集体经济收入", unit="10,000 yuan per year"),
        _v("main_industry", "category", "Main industry", "主导产业",
           values={"grain": ("Grain", "粮食"), "vegetables": ("Vegetables", "蔬菜"),
                   "fruit": ("Fruit", "水果"), "tea": ("Tea", "茶叶"),
                   "livestock": ("Livestock", "畜牧")}),
    ],
    "trust_survey": [
        _v("respondent_id", "id", "Respondent number (unique within the wave)", "受访者编号"),
        _v("year", "integer", "Survey wave (year)", "调查年份", unit="year"),
        _v("township_id", "id", "Township code (stratum)", "乡镇编码（分层）"),
        _v("village_id", "id", "Village code (cluster)", "村编码（整群：被抽中的村）"),
        _v("weight", "float", "Survey weight", "权重", unit="adults represented"),
        _v("sex", "category", "Sex", "性别",
           values={"male": ("Male", "男"), "female": ("Female", "女")}),
        _v("age", "integer", "Age", "年龄", unit="years"),
        _v("age_group", "ordinal", "Age group", "年龄组",
           values={"18-39": ("18-39", "18-39岁"), "40-59": ("40-59", "40-59岁"),
                   "60+": ("60 and over", "60岁及以上")}),
        _v("education_years", "integer", "Years of schooling", "受教育年限", unit="years"),
        _v("party_member", "boolean", "Party member", "中共党员"),
        _v("migrant_household", "boolean", "Household has a migrant worker",
           "家中有外出务工人员"),
        _v("had_dispute", "boolean", "Had a dispute in the past year", "过去一年有矛盾纠纷"),
        _v("dispute_outcome", "category", "Outcome of that dispute", "纠纷处理结果",
           values={"resolved_satisfied": ("Resolved, satisfied", "已解决，满意"),
                   "resolved_unsatisfied": ("Resolved, not satisfied", "已解决，不满意"),
                   "unresolved": ("Unresolved", "未解决")},
           note="NA: no dispute"),
        _v("petitioned", "boolean", "Petitioned (letters and visits) in the past year",
           "过去一年信访"),
        _v("used_service_hall", "boolean", "Used the township service hall in the past year",
           "过去一年去过便民服务大厅"),
        _v("cadre_visited", "boolean", "A cadre visited the household in the past year",
           "过去一年干部上门走访"),
        _trust("central government", "中央政府", "trust_centre"),
        _trust("provincial government", "省政府", "trust_province"),
        _trust("county government", "县政府", "trust_county"),
        _trust("township government", "乡镇政府", "trust_township"),
        _trust("village committee", "村民委员会", "trust_village_committee"),
        _v("sat_township", "item", "Satisfaction with township cadres", "对乡镇干部的满意度",
           question_en="How satisfied are you with the work of the township cadres?",
           question_zh="您对乡镇干部的工作满意吗？", values=_SAT_VALUES, missing=_MISSING),
        _v("sat_village", "item", "Satisfaction with village cadres", "对村干部的满意度",
           question_en="How satisfied are you with the work of the village cadres?",
           question_zh="您对村干部的工作满意吗？", values=_SAT_VALUES, missing=_MISSING),
        _v("fairness", "item", "Perceived fairness", "公平感",
           question_en="In general, how fair is the way things are handled here?",
           question_zh="总的来说，您觉得本地办事公平吗？",
           values={1: ("Very unfair", "非常不公平"), 2: ("Unfair", "不太公平"),
                   3: ("Neither", "一般"), 4: ("Fair", "比较公平"),
                   5: ("Very fair", "非常公平")},
           missing=_MISSING),
        _v("corruption", "item", "Perceived local corruption", "对干部廉洁的评价",
           question_en="How many local officials do you think are involved in corruption?",
           question_zh="您认为本地干部中有腐败行为的人多吗？",
           values={1: ("Hardly anyone", "几乎没有"), 2: ("Not a lot", "不多"),
                   3: ("Most", "大多数"), 4: ("Almost everyone", "几乎所有人")},
           missing=_MISSING, note="Asian Barometer Q117 wording adapted"),
        _v("disclosure_aware", "item", "Aware of village affairs disclosure", "知晓村务公开",
           question_en="Does your village publicly post its affairs and finances?",
           question_zh="您村是否公开村务和财务？",
           values={1: ("Yes", "是"), 2: ("No", "否")}, missing=_DK),
    ],
    "disputes": [
        _v("case_id", "id", "Case number", "案件编号"),
        _v("date_received", "date", "Date received", "受理日期"),
        _v("village_id", "id", "Village code", "村编码"),
        _v("township_id", "id", "Township code", "乡镇编码"),
        _v("dispute_type", "category", "Type of dispute", "纠纷类型",
           values={"neighbour": ("Neighbourhood", "邻里纠纷"),
                   "land_contract": ("Land contracting", "土地承包纠纷"),
                   "family": ("Marriage and family", "婚姻家庭纠纷"),
                   "damages": ("Damages", "损害赔偿纠纷"),
                   "requisition": ("Land requisition and compensation", "征地补偿纠纷"),
                   "homestead": ("Homestead", "宅基地纠纷"),
                   "water": ("Irrigation water", "灌溉用水纠纷"),
                   "wage_arrears": ("Wage arrears", "欠薪纠纷"),
                   "other": ("Other", "其他纠纷")}),
        _v("parties", "integer", "Number of parties", "当事人数", unit="persons",
           note="3 or more: a group dispute"),
        _v("amount_yuan", "float", "Amount in dispute", "涉及金额", unit="yuan",
           note="NA where no sum of money is in dispute"),
        _v("mediator_level", "ordinal", "Mediated at", "调解层级",
           values={"village": ("Village mediation committee", "村调委会"),
                   "township": ("Township mediation committee", "乡镇调委会"),
                   "county_centre": ("County mediation centre", "县矛盾纠纷调处中心")}),
        _v("outcome", "category", "Outcome", "处理结果",
           values={"mediated": ("Mediated successfully", "调解成功"),
                   "court": ("Went to court", "转诉讼"),
                   "petition": ("Escalated to a petition", "转信访"),
                   "pending": ("Pending", "未结")}),
        _v("date_closed", "date", "Date closed", "结案日期", note="NA: pending"),
        _v("days_to_resolve", "integer", "Days to resolve", "办结天数", unit="days",
           note="NA: pending"),
    ],
    "households": [
        _v("household_id", "id", "Household number", "户编号"),
        _v("year", "integer", "Year", "年份", unit="year"),
        _v("village_id", "id", "Village code", "村编码"),
        _v("township_id", "id", "Township code", "乡镇编码"),
        _v("size", "integer", "Household size", "家庭人口", unit="persons"),
        _v("workers", "integer", "Workers in the household", "劳动力人数", unit="persons"),
        _v("head_age", "integer", "Age of household head", "户主年龄", unit="years"),
        _v("head_sex", "category", "Sex of household head", "户主性别",
           values={"male": ("Male", "男"), "female": ("Female", "女")}),
        _v("head_education_years", "integer", "Schooling of household head",
           "户主受教育年限", unit="years"),
        _v("land_mu", "float", "Contracted land", "承包地面积", unit="mu (1 mu = 1/15 ha)"),
        _v("main_crop", "category", "Main crop or activity", "主要种养品种",
           values={"grain": ("Grain", "粮食"), "vegetables": ("Vegetables", "蔬菜"),
                   "fruit": ("Fruit", "水果"), "tea": ("Tea", "茶叶"),
                   "livestock": ("Livestock", "畜牧")}),
        _v("migrant_workers", "integer", "Migrant workers", "外出务工人数", unit="persons"),
        _v("cooperative_member", "boolean", "Member of a farmers' cooperative",
           "农民专业合作社成员"),
        _v("cooperative_joined", "integer", "Year joined the cooperative", "加入合作社年份",
           unit="year", note="NA: never joined"),
        _v("ecommerce_sales", "float", "E-commerce sales", "电商销售额", unit="yuan per year"),
        _v("registered_poor", "boolean", "Registered poor household", "建档立卡贫困户"),
        _v("wage_income", "float", "Wage income", "工资性收入", unit="yuan per year (household)"),
        _v("business_income", "float", "Net business income", "经营净收入",
           unit="yuan per year (household)", note="can be negative (a loss)"),
        _v("property_income", "float", "Net property income", "财产净收入",
           unit="yuan per year (household)"),
        _v("transfer_income", "float", "Net transfer income", "转移净收入",
           unit="yuan per year (household)"),
        _v("income_per_capita", "float", "Per-capita disposable income", "人均可支配收入",
           unit="yuan per person per year"),
    ],
}


def _labels(values: dict | None, lang: int) -> str:
    if not values:
        return ""
    return " | ".join(f"{code}={text[lang]}" for code, text in values.items())


def codebook_frame(table: str) -> pd.DataFrame:
    """Return the codebook of ``table`` as the DataFrame written to CSV."""
    rows = []
    for var in CODEBOOKS[table]:
        rows.append(
            {
                "variable": var["variable"],
                "label_en": var["label_en"],
                "label_zh": var["label_zh"],
                "question_en": var.get("question_en", ""),
                "question_zh": var.get("question_zh", ""),
                "type": var["type"],
                "value_labels_en": _labels(var.get("values"), 0),
                "value_labels_zh": _labels(var.get("values"), 1),
                "missing_codes": _labels(var.get("missing"), 0),
                "missing_codes_zh": _labels(var.get("missing"), 1),
                "unit": var.get("unit", ""),
                "note": var.get("note", ""),
            }
        )
    return pd.DataFrame(rows)
