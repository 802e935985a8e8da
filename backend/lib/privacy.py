"""Personal data in one place: normalising phones and id numbers, masking them, redacting typed text.

Used wherever a phone or a resident id number is read from a person or shown to one;
nothing here touches the database.
"""

from __future__ import annotations

import re

# [0-9], never \d: \d also matches Arabic-Indic, Devanagari and other digits, which int()
# reads as numbers, so a look-alike (1390000001١) would pass as a phone or id number.
_ID_NUMBER = re.compile(r"^[0-9]{17}[0-9X]$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_PHONE = re.compile(r"^1[3-9][0-9]{9}$")

#: Full-width digits (what a Chinese input method types) as ASCII digits.
FULL_WIDTH_DIGITS = {0xFF10 + i: ord("0") + i for i in range(10)}


def normalize_phone(raw: str) -> str | None:
    """A mainland mobile number as 11 digits, or None.

    Accepts what people type: spaces, dashes, full-width digits (what a Chinese input
    method gives), a +86 prefix. Any other digit (Arabic-Indic ١, Devanagari १ …) is
    refused: it would make a second account that looks like the first, and a phone
    the per-phone limits count apart.

    >>> normalize_phone("+86 138-0000-0001"), normalize_phone("１３８０００００００１")
    ('13800000001', '13800000001')
    >>> normalize_phone("1380000000١") is None
    True
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


# ASCII or full-width (an input method in full-width mode types ０-９ and Ｘ).
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z０-９Ａ-Ｚａ-ｚ])[0-9０-９]{17}[0-9０-９XxＸｘ](?![0-9A-Za-z０-９Ａ-Ｚａ-ｚ])")
_FULL_WIDTH_ID = {**FULL_WIDTH_DIGITS, ord("Ｘ"): ord("X"), ord("ｘ"): ord("X")}


def _masked_if_valid(typed: str) -> str:
    number = typed.translate(_FULL_WIDTH_ID).upper()
    return mask_id_number(number) if valid_id_number(number) else typed


def redact_id_numbers(text: str) -> str:
    """Mask every valid resident id number in typed text: it belongs in the encrypted column.

    >>> redact_id_numbers("身份证99010119440315002X，请核实")
    '身份证990***********002X，请核实'
    >>> redact_id_numbers("号码９９０１０１１９４４０３１５００２Ｘ")
    '号码990***********002X'
    """
    return _ID_IN_TEXT.sub(lambda m: _masked_if_valid(m[0]), text)
