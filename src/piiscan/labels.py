"""Names for people: Japanese first, English beside (code and JSON use the type ids)."""

from __future__ import annotations

TYPE_LABELS: dict[str, tuple[str, str]] = {
    "PERSON_NAME": ("氏名", "name"),
    "PERSON_NAME_KANA": ("氏名カナ", "name reading"),
    "ADDRESS": ("住所", "address"),
    "POSTAL_CODE": ("郵便番号", "postal code"),
    "PHONE": ("電話番号", "phone"),
    "EMAIL": ("メールアドレス", "e-mail"),
    "BIRTH_DATE": ("生年月日", "birth date"),
    "MY_NUMBER": ("個人番号", "My Number"),
    "CREDIT_CARD": ("クレジットカード番号", "card number"),
    "BANK_ACCOUNT": ("口座番号", "bank account"),
    "PASSPORT": ("旅券番号", "passport"),
    "DRIVERS_LICENSE": ("運転免許証番号", "driver's licence"),
    "RESIDENCE_CARD": ("在留カード番号", "residence card"),
    "PENSION_NUMBER": ("基礎年金番号", "pension number"),
    "HEALTH_INSURANCE": ("健康保険証の記号番号", "health insurance"),
    "EMPLOYMENT_INSURANCE": ("雇用保険被保険者番号", "employment insurance"),
    "RESIDENT_CODE": ("住民票コード", "resident code"),
    "SENSITIVE_MEDICAL": ("病歴・健康", "medical"),
    "SENSITIVE_DISABILITY": ("障害", "disability"),
    "SENSITIVE_CRIMINAL": ("犯罪の経歴", "criminal record"),
    "SENSITIVE_VICTIM": ("犯罪被害", "crime victim"),
    "SENSITIVE_BELIEF": ("信条", "belief"),
    "SENSITIVE_ORIGIN": ("人種・門地・社会的身分", "origin"),
}

RISK_LABELS: dict[str, str] = {
    "critical": "重大 critical",
    "high": "高 high",
    "medium": "中 medium",
    "low": "低 low",
    "none": "なし none",
}


def type_label(type_id: str, short: bool = False) -> str:
    ja, en = TYPE_LABELS.get(type_id, (type_id, type_id.lower()))
    return ja if short else f"{ja} ({en})"


# Field labels printed on Japanese forms (履歴書, 申込書, 届出書): a cell holding one, alone
# or with a colon, is a label that names the value beside it, never a value itself.
FIELD_LABELS: frozenset[str] = frozenset({
    "氏名", "お名前", "名前", "姓名", "フリガナ", "ふりがな", "カナ", "氏名カナ", "よみがな", "ヨミガナ",
    "生年月日", "年齢", "満年齢", "性別", "国籍", "本籍", "本籍地", "続柄",
    "住所", "現住所", "連絡先", "住所連絡先", "郵便番号", "〒", "電話", "電話番号", "携帯", "携帯電話",
    "自宅電話", "FAX", "メール", "メールアドレス", "Eメール", "E-mail", "e-mail", "Email",
    "学歴", "職歴", "学歴・職歴", "免許", "資格", "免許・資格", "志望動機", "趣味", "特技", "趣味・特技",
    "本人希望記入欄", "通勤時間", "扶養家族", "配偶者", "配偶者の扶養義務", "備考", "署名", "印",
    "勤務先", "所属", "部署", "役職", "社員番号", "職員番号", "会員番号", "個人番号", "マイナンバー",
    "口座番号", "銀行名", "支店名", "口座名義", "保険証番号", "記入日", "日付", "申込日", "提出日",
})


def is_field_label(text: str) -> bool:
    """``生年月日``, ``電話：`` or ``ご住所``: a form's label, not a value."""
    word = text.strip().rstrip(":：").strip()
    return word.removeprefix("ご").removeprefix("お") in FIELD_LABELS or word in FIELD_LABELS
