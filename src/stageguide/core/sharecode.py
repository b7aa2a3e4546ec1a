"""Share codes: a set of answers as short, URL-safe text.

Format: ``<quiz id>.<version>.<answers>`` where each answer is one base-36
character, or ``_`` for "I can't judge this" (only in quizzes that offer it), optionally
followed by ``~g<group id>`` and ``~n<name>`` (the name as unpadded base64url of its
UTF-8 bytes). Example: ``sales-marketing.2.44_3...~gsales``. Codes without ``_`` read
exactly as before the option existed.
The quiz id and version travel in the code so that a code made for another
quiz, or for an older wording of this one, is refused instead of mis-scored.
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from .errors import AnswerError
from .model import Quiz
from .scoring import check_answers

DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
UNJUDGED = "_"  # URL-safe, and not a base-36 digit
MAX_CODE_LENGTH = 2000
MAX_NAME_LENGTH = 40
_CODE = re.compile(
    r"([a-z0-9]+(?:-[a-z0-9]+)*)\.([0-9]{1,9})\.([0-9a-z_]*)((?:~[a-z][A-Za-z0-9_-]*)*)"
)


@dataclass(frozen=True)
class Share:
    answers: tuple[int | None, ...]
    group: str | None = None
    name: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"answers": list(self.answers), "group": self.group, "name": self.name}


def encode(quiz: Quiz, answers: object, group: str | None = None, name: str | None = None) -> str:
    """Make the share code for a complete set of answers."""
    values = check_answers(quiz, answers)
    code = f"{quiz.id}.{quiz.version}." + "".join(
        UNJUDGED if v is None else DIGITS[v] for v in values
    )
    if group:
        _check_group(quiz, group)
        code += f"~g{group}"
    name = clean_name(name)
    if name:
        code += "~n" + base64.urlsafe_b64encode(name.encode("utf-8")).decode("ascii").rstrip("=")
    return code


def clean_name(name: str | None) -> str | None:
    """Trim a respondent's name or initials and drop invisible characters; refuse what would not fit a short label."""
    if name is None:
        return None
    if not isinstance(name, str):
        raise AnswerError("the name must be text")
    name = " ".join(_INVISIBLE.sub(_keep_flag_tags, name).split())
    if len(name) > MAX_NAME_LENGTH:
        raise AnswerError(
            f"the name is {len(name)} characters long; keep it to {MAX_NAME_LENGTH} (initials are enough)"
        )
    if any(_unshowable(ch) for ch in name):
        raise AnswerError("the name contains characters that cannot be shown")
    return name or None


# Bidirectional overrides can make a name display as something else; joiners are fine.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Invisible characters a name never needs, removed so "Al\u200bice" is "Alice": zero-width
# space, word joiner, byte-order mark, soft hyphen, directional marks, invisible operators,
# Mongolian vowel separator and tag characters. The zero-width joiner and non-joiner stay:
# Persian, Indic scripts and emoji need them. Tags stay inside a flag's tag sequence (🏴 + tags).
_INVISIBLE = re.compile(
    "\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f"
    "|[\u00ad\u061c\u180e\u200b\u200e\u200f\u2060-\u2064\u206a-\u206f\ufeff\U000e0000-\U000e007f]"
)


def _keep_flag_tags(match: re.Match[str]) -> str:
    return match.group() if len(match.group()) > 1 else ""


def _unshowable(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn", "Zl", "Zp") or ch in _BIDI_CONTROLS


def extract_code(text: object) -> str:
    """Take a share link, a fragment (``#a=…``) or a bare code and return the bare code.

    Any value is accepted (requests arrive as JSON); anything but text is refused.
    """
    if not isinstance(text, str):
        raise AnswerError("a share code must be text")
    if len(text) > MAX_CODE_LENGTH:
        raise AnswerError(
            f"this share code is {len(text)} characters long, far longer than any real code; check what was pasted"
        )
    text = text.strip()
    if "#" in text:
        text = text.split("#", 1)[1]
    for part in text.split("&"):
        if part.startswith("a="):
            text = part[2:]
            break
    return unquote(text).strip()


def decode(quiz: Quiz, text: object) -> Share:
    """Read a share code (or a link holding one) made for this quiz."""
    code = extract_code(text)
    if not code:
        raise AnswerError("the share code is empty")
    match = _CODE.fullmatch(code)
    if match is None:
        raise AnswerError(
            "this is not a share code from this site; it should look like " + _example(quiz)
        )
    quiz_id, version, digits, extras = match.groups()
    if quiz_id != quiz.id:
        raise AnswerError(f"this share code is for the quiz {quiz_id!r}, not for {quiz.id!r}")
    if version != str(int(version)):
        raise AnswerError(
            f"this share code's version {version!r} is not written as the site writes it "
            f"({int(version)}); check what was pasted"
        )
    if int(version) != quiz.version:
        raise AnswerError(
            f"this share code was made for version {int(version)} of the quiz, and the quiz is now version "
            f"{quiz.version}; its answers may not match the current statements, so please take the quiz again"
        )
    if len(digits) != len(quiz.statements):
        raise AnswerError(
            f"this share code holds {len(digits)} answers, but the quiz has {len(quiz.statements)} statements"
        )
    if UNJUDGED in digits and quiz.unsure is None:
        number = digits.index(UNJUDGED) + 1
        raise AnswerError(
            f'this share code marks statement {number} as not judged, but this quiz has no "can\'t judge" option'
        )
    answers = tuple(None if ch == UNJUDGED else DIGITS.index(ch) for ch in digits)
    check_answers(quiz, answers)
    group = name = None
    keys: set[str] = set()
    for part in extras.split("~")[1:]:
        key, value = part[0], part[1:]
        if key in keys or key not in "gn":
            raise AnswerError(f"this share code has an unknown or repeated part '~{key}'")
        keys.add(key)
        if key == "g":
            _check_group(quiz, value)
            group = value
        else:
            name = clean_name(_decode_name(value))
    return Share(answers, group, name)


def _check_group(quiz: Quiz, group: str) -> None:
    ids = [g.id for g in quiz.groups]
    if group not in ids:
        expected = ", ".join(ids) if ids else "none (this quiz has no groups)"
        raise AnswerError(f"{group!r} is not a group of this quiz; expected one of: {expected}")


def _decode_name(value: str) -> str:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        return raw.decode("utf-8")
    except (binascii.Error, ValueError):
        raise AnswerError("the name in this share code is damaged") from None


def _example(quiz: Quiz) -> str:
    return f"{quiz.id}.{quiz.version}." + DIGITS[quiz.scale_max] * len(quiz.statements)
