"""The unified social credit code (统一社会信用代码) of a legal entity, GB 32100-2015.

Eighteen characters from the 31 of :data:`ALPHABET` (the digits and the capital letters
without I, O, Z, S and V):

====== ========================================================================
1      registration authority (``9``: market regulation, ``5``: civil affairs …)
2      kind of organisation (``1``: enterprise …)
3–8    administrative division code (six digits, e.g. ``410185`` Dengfeng)
9–17   organisation code, GB 11714-1997: eight characters and a check character
18     check character
====== ========================================================================

Check character (GB 32100-2015, 4.4): with the character values ``C_i`` (their index in
:data:`ALPHABET`) and weights ``W_i = 3^(i-1) mod 31`` for ``i = 1 … 17``,

    C_18 = 31 − (Σ C_i·W_i mod 31),  written as ``0`` when it is 31.

The organisation code's own check character (GB 11714-1997): values of the eight characters
(digits 0–9, letters A=10 … Z=35), weights 3, 7, 9, 10, 5, 8, 4, 2,

    C_9 = 11 − (Σ C_i·W_i mod 11),  ``X`` for 10 and ``0`` for 11.

Pure Python: no Django, so tests and the kernel-side tools can use it as is.
"""

from __future__ import annotations

__all__ = [
    "ALPHABET",
    "LENGTH",
    "WEIGHTS",
    "check_character",
    "credit_code_problem",
    "normalise",
    "organisation_check_character",
]

#: The 31 characters of a credit code, in the order of their values 0 … 30.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
LENGTH = 18
#: W_i = 3^(i-1) mod 31, i = 1 … 17.
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_ORGANISATION_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_VALUES = {character: value for value, character in enumerate(ALPHABET)}


def normalise(text: str) -> str:
    """The code as written on a licence: spaces removed, letters in capitals."""
    return "".join(text.split()).upper()


def check_character(first17: str) -> str:
    """The 18th character for the first seventeen (which must be from :data:`ALPHABET`)."""
    total = sum(
        _VALUES[character] * weight for character, weight in zip(first17, WEIGHTS, strict=True)
    )
    return ALPHABET[(31 - total % 31) % 31]


def organisation_check_character(first8: str) -> str:
    """The 9th character of a GB 11714 organisation code (positions 9–17 of a credit code)."""
    total = 0
    for character, weight in zip(first8, _ORGANISATION_WEIGHTS, strict=True):
        value = int(character) if character.isdigit() else ord(character) - ord("A") + 10
        total += value * weight
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def credit_code_problem(code: str) -> str | None:
    """What is wrong with ``code`` (already normalised), or ``None`` when it is valid:
    ``length``, ``characters``, ``division`` (positions 3–8 not six digits),
    ``organisation_check`` (position 17) or ``check`` (position 18)."""
    if len(code) != LENGTH:
        return "length"
    if any(character not in _VALUES for character in code):
        return "characters"
    if not code[2:8].isdigit():
        return "division"
    if organisation_check_character(code[8:16]) != code[16]:
        return "organisation_check"
    if check_character(code[:17]) != code[17]:
        return "check"
    return None
