"""Reasons in words. A ``Reason`` (piiscan.models) is data that modules read by its code;
this module is the one place that phrases it for people.

    code        detail                         words
    pattern     the rule id                    pattern jp.phone
    recognizer  the recognizer's name          recognizer person_name
    evidence    what the recognizer saw        followed by an honorific
    check_digit, card_number, issuer_code, unofficial_check_digit, number_plan, format,
    date, phone_shape, card_shape: a validator passed (piiscan.validators); the detail is
                its name                       valid number plan (jp_phone)
    keyword     the keyword                    keyword 'マイナンバー' nearby
    column      the column header              column '電話番号'
    lowered     the exclusion keyword          lowered: '代表' nearby
    test_value  -                              well-known test number
    linked      how it is tied to a person     about a person: same record as a PERSON_NAME
    unlinked    -                              no identifiable person nearby
    sample      the marker                     sample document (記入例)
    metadata    the metadata part              the file's author, in its metadata (metadata:author)
    organisation why the row is an organisation's  an organisation's data (a row of 名称・緯度経度 ...)
    audit       the suppression                suppressed by baseline; reported because of --no-ignore
    verdict     the triage verdict             triage verdict: false-positive
    edm         the master row, what matched   matches customer master row 1001 (phone + name)
"""

from __future__ import annotations

from piiscan.models import Reason

TEMPLATES: dict[str, str] = {
    "pattern": "pattern {detail}",
    "recognizer": "recognizer {detail}",
    "evidence": "{detail}",
    "check_digit": "valid check digit ({detail})",
    "card_number": "valid check digit and issuer range ({detail})",
    "issuer_code": "valid 公安委員会 code ({detail})",
    "unofficial_check_digit": "valid check digit, unofficial ({detail})",
    "number_plan": "valid number plan ({detail})",
    "format": "valid format ({detail})",
    "date": "plausible date ({detail})",
    "phone_shape": "written like a phone number ({detail})",
    "card_shape": "grouped like a card number ({detail})",
    "keyword": "keyword '{detail}' nearby",
    "column": "column '{detail}'",
    "lowered": "lowered: '{detail}' nearby",
    "test_value": "well-known test number",
    "linked": "about a person: {detail}",
    "unlinked": "no identifiable person nearby",
    "sample": "sample document ({detail})",
    "metadata": "the file's author, in its metadata ({detail})",
    "organisation": "an organisation's data ({detail}, no person named)",
    "audit": "suppressed by {detail}; reported because of --no-ignore",
    "verdict": "triage verdict: {detail}",
    "edm": "matches customer master {detail}",
}


def describe(reason: Reason) -> str:
    template = TEMPLATES.get(reason.code)
    if template is None:  # a code from a newer piiscan, or free text from a saved report
        return reason.detail or reason.code
    return template.format(detail=reason.detail)
