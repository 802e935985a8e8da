"""Personal data in one place: normalising phones and id numbers, masking them, redacting typed text.

Used wherever a phone or a resident id number is read from a person or shown to one;
nothing here touches the database.
"""

from __future__ import annotations

import re

_ID_NUMBER = re.compile(r"^\d{17}[\dX]$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_PHONE = re.compile(r"^1[3-9]\d{9}$")

#: Full-width digits (what a Chinese input method types) as ASCII digits.
FULL_WIDTH_DIGITS = {0xFF10 + i: ord("0") + i for i in range(10)}


def normalize_phone(raw: str) -> str | None:
    """A mainland mobile number as 11 digits, or None.

    Accepts what people type: spaces, dashes, full-width digits, a +86 prefix.

    >>> normalize_phone("+86 138-0000-0001"), normalize_phone("１３８００００００１")
    ('13800000001', '13800000001')
    """
    digits = "".join(ch for ch in raw if not ch.isspace() and ch not in "-()（）")
    digits = digits.translate(FULL_WIDTH_DIGITS)
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == 11 + len(prefix):
            digits = digits[len(prefix) :]
    return digits if _PHONE.match(digits) else None


def valid_id_number(value: str) -> bool:
    """GB 11643 resident id: 17 digits and a check character."""
    value = value.upper()
    if not _ID_NUMBER.match(value):
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == value[17]


def mask_id_number(value: str) -> str:
    """Keep the first 3 and last 4 characters: 110***********1234."""
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone(phone: str) -> str:
    """Keep the first 3 and the last 4 digits: enough to tell people apart, not to call them.

    >>> mask_phone("13800000001")
    '138****0001'
    """
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:] if len(phone) > 7 else "*" * len(phone)


_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def redact_id_numbers(text: str) -> str:
    """Mask every valid resident id number in typed text: it belongs in the encrypted column.

    >>> redact_id_numbers("身份证99010119440315002X，请核实")
    '身份证990***********002X，请核实'
    """
    return _ID_IN_TEXT.sub(lambda m: mask_id_number(m[0].upper()) if valid_id_number(m[0]) else m[0], text)
