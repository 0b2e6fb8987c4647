"""Multilingual keyword tables that ``segcore.columns.roles`` reads column names with (English, Chinese, Korean, Russian).

Plain data, no logic, so a marketer-facing term can be added without touching the inference code. How a keyword
is matched depends on its script (see ``segcore.columns.roles.name_matches``):

- Latin: whole words of the normalised name ("MntWines" -> "mnt wines"); a phrase matches consecutive words; a
  trailing ``s``/``es`` on the name's word is tolerated ("purchases" matches "purchase"); ``*`` at the end of a
  keyword matches any word that starts with it ("complain*" -> "complaints").
- Cyrillic: the same word rules; most Russian keywords end in ``*`` so inflected forms match ("покупк*"), while short
  ones stay exact ("пол" must not match "полный").
- Chinese and Korean: substring of the name with spaces removed, because compounds are written without spaces
  ("购买次数", "구매횟수").

When several keywords match, the longest wins ("annual revenue" -> firmographic beats "revenue" -> value;
"收入金额" -> value beats "收入" -> demographic), ties go to the earlier scheme in ``SCHEME_KEYWORDS``.
"""

from __future__ import annotations

import functools
import re

# fmt: off
# Order matters only for ties between equally long matches: the more specific business meaning comes first.
SCHEME_KEYWORDS: dict[str, tuple[str, ...]] = {
    "kpi": (
        "churn", "churned", "churn risk", "nps", "net promoter", "csat", "satisfaction", "retention", "retained",
        "renewal risk", "response", "responded", "converted", "conversion", "complain*", "accepted", "outcome",
        "target", "label",
        "流失", "是否流失", "满意度", "转化", "响应", "投诉", "留存",
        "이탈", "만족도", "전환", "응답", "반응", "불만", "유지율",
        "отток*", "удовлетворенност*", "удовлетворённост*", "конверси*", "отклик*", "жалоб*", "удержани*",
    ),
    "firmographic": (
        "industry", "employees", "employee count", "headcount", "company size", "annual revenue", "sector",
        "company type", "business type", "vertical", "founded",
        "行业", "员工", "公司规模", "企业规模", "年营收",
        "업종", "직원", "산업", "회사규모", "기업규모", "연매출",
        "отрасл*", "сотрудник*", "численност*", "сектор*",
    ),
    "value": (
        "revenue", "spend", "spending", "spent", "sales", "monetary", "ltv", "clv", "lifetime value", "arr", "mrr",
        "value", "amount", "amt", "mnt", "total spend", "profit", "margin", "balance", "aov", "average order value",
        "price", "wallet", "billing", "paid", "plan", "subscription",
        "消费", "收入金额", "金额", "销售", "销售额", "营收", "营业额", "利润", "余额", "客单价",
        "매출", "지출", "금액", "구매액", "구매금액", "수익", "잔액", "결제",
        "выручк*", "сумм*", "сумма покупок", "сумма заказов", "продаж*", "расход*", "прибыл*", "баланс*", "стоимост*", "чек*",
    ),
    "behavioral": (
        "visits", "visit", "sessions", "purchases", "frequency", "clicks", "orders", "order count", "transactions",
        "logins", "pageviews", "page views", "recency", "duration", "usage", "calls", "campaign",
        "previous", "deals", "downloads", "opens", "views", "tickets", "support tickets", "active users",
        "seats", "licenses", "hours",
        "购买次数", "购买", "访问", "频次", "点击", "订单", "登录", "浏览",
        "방문", "구매", "구매횟수", "클릭", "주문", "로그인", "빈도", "이용",
        "визит*", "покупк*", "покупок", "заказ*", "посещени*", "сесси*", "клик*", "частот*",
    ),
    "lifecycle": (
        "tenure", "signup", "sign up", "signed up", "since", "lifecycle", "stage", "days since", "first purchase",
        "join date", "joined", "registration", "registered", "onboarding", "account age", "customer since",
        "cohort", "dt customer", "first order", "months active", "contract", "contract months", "renewal",
        "days to renewal",
        "注册", "入会", "生命周期", "开户", "首次购买", "首购",
        "가입", "등록", "첫구매", "첫 구매", "생애주기", "가입일",
        "стаж*", "регистраци*", "жизненн*", "первая покупка",
    ),
    "technographic": (
        "device", "os", "operating system", "browser", "app", "platform", "tech stack", "mobile", "desktop",
        "app version", "handset", "crm", "erp",
        "设备", "操作系统", "浏览器", "平台", "终端",
        "기기", "디바이스", "운영체제", "브라우저", "플랫폼", "단말",
        "устройств*", "браузер*", "платформ*", "приложени*",
    ),
    "needs": (
        "interest", "interests", "preference", "preferences", "motivation", "lifestyle", "attitude", "needs",
        "need", "hobby", "hobbies", "goal", "goals", "pain point", "pain points", "benefit sought",
        "兴趣", "偏好", "需求", "动机", "生活方式", "爱好",
        "관심", "선호", "취미", "니즈", "라이프스타일", "동기",
        "интерес*", "предпочтени*", "потребност*", "мотиваци*", "увлечени*", "хобби",
    ),
    "demographic": (
        "age", "gender", "sex", "income", "education", "birth", "dob", "year birth", "birth year", "marital",
        "marital status", "married", "kids", "kidhome", "teenhome", "children", "child", "household",
        "household size", "family", "family size", "job", "profession", "occupation", "ethnicity", "race",
        "religion", "nationality", "citizenship", "graduated", "work experience", "home ownership", "homeowner",
        "年龄", "性别", "收入", "学历", "教育", "婚姻", "职业", "出生", "子女", "家庭", "民族", "宗教", "国籍",
        "나이", "연령", "성별", "소득", "학력", "교육", "결혼", "직업", "출생", "자녀", "가족", "종교", "민족", "국적",
        "возраст*", "пол", "доход*", "образовани*", "семейн*", "професси*", "дети", "детей", "рождени*",
        "религи*", "национальност*", "гражданств*",
    ),
    "geographic": (
        "city", "country", "region", "state", "zip", "zipcode", "zip code", "postal", "postcode", "postal code",
        "province", "territory", "county", "district", "latitude", "longitude", "lat", "lon", "lng", "location",
        "geo", "address", "town",
        "城市", "省", "地区", "国家", "区域", "邮编", "地址",
        "도시", "지역", "국가", "시도", "우편번호", "주소",
        "город*", "регион*", "стран*", "област*", "индекс", "адрес*",
    ),
}

# What a numeric column measures, for names and actions ("Lapsed", "Frequent", "Dissatisfied"). Only these meanings
# name a segment; money is read from the column's scheme ("value") or the schema's value column instead. Checked in
# this order, so "days since last purchase" is recency, not frequency.
CONCEPT_KEYWORDS: dict[str, tuple[str, ...]] = {
    "recency": (
        "recency", "days since", "since last", "days since last", "last purchase", "last order", "last visit",
        "last seen", "last active", "inactive days", "days inactive", "dormant", "lapsed",
        "最近", "距今", "未购买天数", "最后", "최근", "경과일", "마지막", "давност*", "последн*",
    ),
    "satisfaction": (
        "satisfaction", "satisfied", "csat", "nps", "net promoter", "rating", "review score",
        "满意度", "评分", "만족도", "평점", "удовлетворенност*", "удовлетворённост*", "оценк*",
    ),
    "frequency": (
        "frequency", "freq", "visits", "orders", "order count", "purchases", "number of purchases",
        "transactions", "trips", "baskets", "num purchases",
        "购买次数", "次数", "频次", "频率", "订单数", "访问次数", "구매횟수", "횟수", "빈도", "방문수", "주문수",
        "частот*", "покупок", "число покупок", "количество покупок", "заказов", "визитов",
    ),
}

# Protected attributes (GDPR special categories and their usual proxies): clustering on them by default could
# produce segments that discriminate, so they are profile-only until the user opts in.
SENSITIVE_KEYWORDS: tuple[str, ...] = (
    "gender", "sex", "ethnicity", "ethnic", "race", "religion", "religious", "health", "disability", "disabled",
    "marital", "married", "sexual orientation", "orientation", "political", "politics", "nationality",
    "citizenship", "pregnant", "pregnancy",
    "性别", "婚姻", "民族", "宗教", "健康", "残疾", "国籍", "政治", "种族",
    "성별", "결혼", "종교", "민족", "건강", "장애", "국적", "정치", "인종",
    "пол", "семейн*", "религи*", "национальност*", "здоровь*", "инвалидн*", "гражданств*", "политическ*",
    "раса", "этническ*",
)

# Names that mark an identifier (the customer key, an account number).
ID_KEYWORDS: tuple[str, ...] = (
    "id", "ids", "uid", "uuid", "guid", "key", "identifier", "customer number", "account number", "client number",
    "member number", "cust no", "customer no", "account no", "no", "nr",
    "编号", "客户号", "会员号", "账号", "号码",
    "번호", "아이디", "고객번호", "회원번호",
    "номер*", "код", "идентификатор*", "ид",
)

# The subset that marks a key even when values repeat (household_id in a transaction log links to a customer).
# "no", "number", "код"... are left out: "phone no" or "код региона" repeat without being keys.
KEY_KEYWORDS: tuple[str, ...] = ("id", "ids", "uid", "uuid", "guid", "identifier", "编号", "아이디", "идентификатор*", "ид")

# Names that mark an existing grouping: small integer codes with these names are categories, not quantities.
CATEGORY_KEYWORDS: tuple[str, ...] = (
    "channel", "region", "segment", "segmentation", "type", "category", "class", "group", "cluster", "tier",
    "grade", "level", "status", "code", "kind", "cat", "plan", "country", "state", "zip", "store", "branch",
    "类别", "类型", "渠道", "地区", "等级", "区域", "分组", "门店",
    "유형", "종류", "채널", "지역", "등급", "구분", "그룹", "매장",
    "тип*", "категори*", "регион*", "канал*", "групп*", "сегмент*", "класс*", "уровень", "статус*",
)

# An existing segment label (the sales team's A-D, last year's clusters): compared against, never clustered on.
SEGMENT_LABEL_KEYWORDS: tuple[str, ...] = (
    "segment", "segmentation", "cluster", "persona",
    "细分", "分群", "客群", "세그먼트", "군집", "сегмент*", "кластер*",
)

# Names that may hold a date stored as a YYYYMMDD integer.
DATE_KEYWORDS: tuple[str, ...] = (
    "date", "dt", "day", "time", "timestamp", "created", "updated",
    "日期", "时间", "날짜", "일자", "일시", "дата", "время",
)

# Target / outcome names, in order of preference when several are present.
TARGET_KEYWORDS: tuple[str, ...] = (
    "churn", "churned", "converted", "response", "renewal risk", "y", "target",
    "流失", "是否流失", "转化", "响应", "이탈", "전환", "응답", "отток*", "конверси*", "отклик*",
)

# Money-column names in order of preference for Schema.value_column (a total beats a part).
VALUE_COLUMN_KEYWORDS: tuple[str, ...] = (
    "total revenue", "total spend", "lifetime value", "ltv", "clv", "revenue", "arr", "mrr", "monetary",
    "total sales", "sales", "total amount", "spend", "spent", "amount", "value",
    "消费金额", "收入金额", "销售额", "营收", "消费", "金额",
    "총매출", "매출", "구매금액", "지출", "금액",
    "выручк*", "продаж*", "сумм*", "расход*",
    # Words of the same meaning that a total is often called in Korean/Chinese/Russian exports, and a bank's
    # balance (a holding rather than spend, still the money measure a bank segments on).
    "구매액", "매출액", "결제금액", "결제액", "이용금액", "消费额", "购买金额", "оборот*",
    "balance", "余额", "잔액", "баланс*",
)
# Integers whose name says they are codes (zip, state, area code...): categories, however many there are.
NUMBER_CODE_KEYWORDS: tuple[str, ...] = (
    "code", "zip", "zipcode", "zip code", "postcode", "postal code", "fips", "state", "county", "area code",
    "邮编", "邮政编码", "区号", "代码", "우편번호", "지역번호", "코드", "почтовый индекс", "код региона",
)
# Names an export gives its own row counter (R's X, pandas' Unnamed: 0, "index", "row"): never customer traits.
EXPORT_INDEX_NAMES: frozenset[str] = frozenset({
    "x", "x 1", "x 2", "unnamed 0", "unnamed", "index", "idx", "row", "rownum", "row number", "row id", "no", "",
    "序号", "行号", "순번", "번호", "№", "п п",
})

# Two-valued answers that mean yes/no; compared after lower-casing and stripping.
BOOLEAN_PAIRS: tuple[frozenset[str], ...] = (
    frozenset({"yes", "no"}),
    frozenset({"true", "false"}),
    frozenset({"y", "n"}),
    frozenset({"t", "f"}),
    frozenset({"0", "1"}),
    frozenset({"0.0", "1.0"}),
    frozenset({"on", "off"}),
    frozenset({"是", "否"}),
    frozenset({"有", "无"}),
    frozenset({"예", "아니오"}),
    frozenset({"예", "아니요"}),
    frozenset({"네", "아니요"}),
    frozenset({"да", "нет"}),
)

# The two sides of a yes/no answer, for reading a flag as a rate (churned: "да" counts, "нет" does not). They cover
# both halves of every word pair above (a test checks it; "0.0"/"1.0" text is read as numbers instead) plus a few
# European words seen in exports.
YES_WORDS = frozenset({"yes", "y", "true", "t", "1", "on", "ja", "oui", "si", "sí", "是", "有", "예", "네", "да"})
NO_WORDS = frozenset({"no", "n", "false", "f", "0", "off", "nein", "non", "否", "无", "아니오", "아니요", "нет"})

# Values that reveal a gender column even when its name says nothing.
GENDER_VALUES: frozenset[str] = frozenset(
    {"male", "female", "m", "f", "man", "woman", "men", "women", "other", "non-binary", "nonbinary",
     "男", "女", "남", "여", "남성", "여성", "남자", "여자", "м", "ж", "муж", "жен", "мужской", "женский"}
)

# Place names that reveal a geographic column when its name says nothing (countries and large cities).
PLACE_VALUES: frozenset[str] = frozenset(
    {
        # countries
        "united kingdom", "uk", "united states", "usa", "us", "germany", "france", "spain", "italy", "portugal",
        "netherlands", "belgium", "switzerland", "austria", "ireland", "eire", "norway", "sweden", "denmark",
        "finland", "poland", "greece", "cyprus", "iceland", "czech republic", "hungary", "romania", "russia",
        "ukraine", "turkey", "israel", "japan", "china", "korea", "south korea", "india", "singapore",
        "hong kong", "australia", "new zealand", "canada", "mexico", "brazil", "argentina", "chile", "colombia",
        "south africa", "nigeria", "egypt", "saudi arabia", "united arab emirates", "uae", "lebanon", "bahrain",
        "malta", "lithuania", "channel islands", "european community", "rsa", "taiwan", "vietnam", "thailand",
        "indonesia", "malaysia", "philippines", "pakistan", "bangladesh",
        "中国", "美国", "日本", "韩国", "英国", "德国", "法国", "俄罗斯",
        "한국", "대한민국", "미국", "일본", "중국", "россия", "сша", "китай", "германия", "казахстан", "беларусь",
        # cities
        "london", "paris", "berlin", "madrid", "rome", "new york", "los angeles", "chicago", "houston", "boston",
        "san francisco", "seattle", "toronto", "sydney", "melbourne", "tokyo", "osaka", "seoul", "busan",
        "beijing", "shanghai", "shenzhen", "guangzhou", "moscow", "saint petersburg", "st petersburg",
        "mumbai", "delhi", "bangalore", "dubai", "amsterdam", "vienna", "zurich", "lisbon", "dublin", "milan",
        "munich", "hamburg", "barcelona", "stockholm", "oslo", "copenhagen", "helsinki", "warsaw", "prague",
        "北京", "上海", "广州", "深圳", "杭州", "成都", "武汉", "南京", "重庆", "天津",
        "서울", "부산", "인천", "대구", "대전", "광주", "москва", "санкт-петербург", "новосибирск",
        "екатеринбург", "казань",
    }
)

# fmt: on


# --- matching ---------------------------------------------------------------------------------------------------

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])")
# A word is a run of Latin letters/digits, a run of Cyrillic, or a run of anything else (CJK, Hangul).
_WORD = re.compile(r"[a-z0-9]+|[\u0400-\u04ff]+|[^\sa-z0-9\u0400-\u04ff]+")
_CJK_OR_HANGUL = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
# Plural tolerance only for words this long, so "o" never matches "os".
_MIN_PLURAL_STEM = 3


def normalise_name(name: object) -> tuple[str, ...]:
    """Split a column name into lower-case words: camelCase, snake_case, digits and scripts become separate words."""
    text = _CAMEL.sub(" ", str(name))
    text = re.sub(r"[\W_]+", " ", text.lower())
    return tuple(_WORD.findall(text))


def _word_matches(word: str, keyword: str) -> bool:
    if keyword.endswith("*"):
        return word.startswith(keyword[:-1])
    if word == keyword:
        return True
    if len(keyword) >= _MIN_PLURAL_STEM and word in (keyword + "s", keyword + "es"):
        return True
    return len(word) >= _MIN_PLURAL_STEM and keyword in (word + "s", word + "es")


def keyword_in_name(words: tuple[str, ...], keyword: str) -> bool:
    """True when ``keyword`` occurs in the normalised name ``words`` (rules in this module's docstring)."""
    if _CJK_OR_HANGUL.search(keyword):
        return keyword.replace(" ", "") in "".join(words)
    parts = keyword.split()
    span = len(parts)
    return any(
        all(_word_matches(words[start + j], parts[j]) for j in range(span))
        for start in range(len(words) - span + 1)
    )


def name_contains(words: tuple[str, ...], fragments: tuple[str, ...]) -> bool:
    """True when a fragment occurs anywhere in the normalised name, across word breaks: 'cust' in 'CustID',
    'unit_cost' in 'UnitCost', '编号' in '客户编号'. Looser than ``keyword_in_name``; log detection uses it."""
    joined = "_".join(words)
    return any(fragment in joined for fragment in fragments)


def best_keyword(words: tuple[str, ...], keywords: tuple[str, ...]) -> str | None:
    """The longest keyword found in the name (first one listed on ties), or None.

    Keywords are looked up by the name's words and their plural forms (a few set lookups per word), prefix keywords
    by their prefix, and CJK keywords only when the name has CJK text, so 4,000 columns are matched in about a
    second instead of a minute.
    """
    simple, by_first, prefixed, cjk, any_prefix = _keyword_index(keywords)
    forms = [(word, form) for word in words for form in _word_forms(word)]
    found = [simple[form] for word, form in forms if form in simple and _word_matches(word, form)]
    candidates = {entry for _, form in forms for entry in by_first.get(form, ())}
    if any_prefix is not None and any(any_prefix.match(word) for word in words):
        candidates.update(entry for entry in prefixed if any(word.startswith(entry[2]) for word in words))
    found += [position for position, keyword, *_ in candidates if keyword_in_name(words, keyword)]
    if cjk and _CJK_OR_HANGUL.search("".join(words)):
        joined = "".join(words)
        found += [position for position, keyword in cjk if keyword in joined]
    if not found:
        return None
    return keywords[min(found, key=lambda position: (-len(keywords[position].rstrip("*")), position))]


@functools.lru_cache(maxsize=64)
def _keyword_index(keywords: tuple[str, ...]) -> tuple[dict, dict, tuple, tuple, re.Pattern | None]:
    """Keywords by how they can be found: single ASCII words, multi-word by first word, by prefix, CJK."""
    simple: dict[str, int] = {}
    by_first: dict[str, list] = {}
    prefixed, cjk = [], []
    for position, keyword in enumerate(keywords):
        first = keyword.split()[0] if keyword.split() else keyword
        if _CJK_OR_HANGUL.search(keyword):
            cjk.append((position, keyword.replace(" ", "")))
        elif first.endswith("*"):
            prefixed.append((position, keyword, first[:-1]))
        elif " " in keyword:
            by_first.setdefault(first, []).append((position, keyword))
        else:
            simple.setdefault(keyword, position)
    any_prefix = re.compile("|".join(re.escape(p) for _, _, p in prefixed)) if prefixed else None
    return simple, {k: tuple(v) for k, v in by_first.items()}, tuple(prefixed), tuple(cjk), any_prefix


def _word_forms(word: str) -> tuple[str, ...]:
    """The keywords ``word`` can match under ``_word_matches``: itself, its singular and its plurals."""
    forms = [word, word + "s", word + "es"]
    if word.endswith("s"):
        forms.append(word[:-1])
    if word.endswith("es"):
        forms.append(word[:-2])
    return tuple(forms)


def scheme_from_name(words: tuple[str, ...]) -> tuple[str, str] | None:
    """(scheme, matched keyword) for the longest keyword any scheme matches; earlier schemes win ties."""
    found: tuple[str, str] | None = None
    for scheme, keywords in SCHEME_KEYWORDS.items():
        keyword = best_keyword(words, keywords)
        if keyword is not None and (found is None or len(keyword.rstrip("*")) > len(found[1].rstrip("*"))):
            found = (scheme, keyword)
    return found
