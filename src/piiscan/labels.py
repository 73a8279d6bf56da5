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
