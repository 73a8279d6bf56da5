"""Words for people and of forms: risk level names (Japanese first, English beside) and the
field labels printed on Japanese forms. Type names live in the type registry
(piiscan.pii_types), category names on Category."""

from __future__ import annotations

RISK_LABELS: dict[str, str] = {
    "critical": "重大 critical",
    "high": "高 high",
    "medium": "中 medium",
    "low": "低 low",
    "none": "なし none",
}


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
