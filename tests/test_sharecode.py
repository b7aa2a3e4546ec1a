"""Share codes: round trips, and every malformed code refused with a message a person can act on."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import quote, quote_from_bytes

import pytest
from helpers import QUIZ_PARAMS, load, valid_answers
from hypothesis import given, settings
from hypothesis import strategies as st
from paths import TEAM_QUIZ

from stageguide.core import AnswerError, Quiz, Share, decode, encode
from stageguide.core.sharecode import MAX_CODE_LENGTH, clean_name


@pytest.fixture(scope="module", params=QUIZ_PARAMS)
def quiz(request: pytest.FixtureRequest) -> Quiz:
    return load(request.param)


def prefix(quiz: Quiz) -> str:
    return f"{quiz.id}.{quiz.version}."


def plain(quiz: Quiz, value: int | None = None) -> str:
    """A valid bare code: every answer at `value` (the bottom of the scale by default)."""
    digit = "0123456789abcdefghijklmnopqrstuvwxyz"[quiz.scale_min if value is None else value]
    return prefix(quiz) + digit * len(quiz.statements)


# Names a respondent might type: letters from several scripts, emoji, and whitespace of every kind.
NAMES = st.text(
    alphabet=st.one_of(
        st.sampled_from("AbZ éÖßñ李王 Ωж🙂🎉👩‍🔬\t\n\u00a0\u2003-'."),
        st.characters(codec="utf-8", categories=["L", "N", "P", "S", "Zs"]),
    ),
    max_size=50,
)


# --- round trips ------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_encode_decode_round_trip(quiz: Quiz, data: st.DataObject) -> None:
    answers = data.draw(valid_answers(quiz), label="answers")
    group = data.draw(st.none() | st.sampled_from([g.id for g in quiz.groups]), label="group")
    name = data.draw(st.none() | NAMES, label="name")
    try:
        expected_name = clean_name(name)
    except AnswerError:
        with pytest.raises(AnswerError):
            encode(quiz, answers, group, name)
        return
    code = encode(quiz, answers, group, name)
    assert re.fullmatch(r"[A-Za-z0-9._~-]+", code), "a share code must be URL-safe as it is"
    assert code.startswith(prefix(quiz))
    expected = Share(tuple(answers), group, expected_name)
    assert decode(quiz, code) == expected
    assert decode(quiz, f"https://x.example/quiz/#a={code}") == expected
    assert decode(quiz, f"  {code}\n") == expected
    assert decode(quiz, quote(code, safe="")) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Zoë", "Zoë"),
        ("  J.  K. \t", "J. K."),
        ("李 小龙", "李 小龙"),
        ("🙂 team 🎉", "🙂 team 🎉"),
        ("🇫🇷 👍🏽", "🇫🇷 👍🏽"),  # flags and skin tones are printable sequences
        ("a\u00a0b", "a b"),
        ("", None),
        ("   \n\t", None),
        ("x" * 40, "x" * 40),
    ],
)
def test_names_are_tidied_and_survive(name: str, expected: str | None) -> None:
    quiz = load(TEAM_QUIZ)
    share = decode(quiz, encode(quiz, [0, 1, 2, 3, 4, 4], "coach", name))
    assert share == Share((0, 1, 2, 3, 4, 4), "coach", expected)


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("x" * 41, "the name is 41 characters long; keep it to 40"),
        ("bad\x00name", "cannot be shown"),
        ("right\u202eto-left override", "cannot be shown"),
        (42, "the name must be text"),
    ],
)
def test_encode_refuses_bad_names(name: object, fragment: str) -> None:
    quiz = load(TEAM_QUIZ)
    with pytest.raises(AnswerError, match=re.escape(fragment)):
        encode(quiz, [0] * 6, None, name)  # type: ignore[arg-type]


def test_encode_refuses_unknown_group_and_bad_answers(quiz: Quiz) -> None:
    with pytest.raises(AnswerError, match="'referee' is not a group of this quiz"):
        encode(quiz, [quiz.scale_min] * len(quiz.statements), "referee")
    with pytest.raises(AnswerError, match="is not on the scale"):
        encode(quiz, [quiz.scale_max + 1] * len(quiz.statements))


def test_code_layout_is_stable() -> None:
    """The format is shared with pages already published, so pin one exact code."""
    quiz = load(TEAM_QUIZ)
    assert encode(quiz, [0, 1, 2, 3, 4, 4]) == "team-sport.3.012344"
    assert encode(quiz, [0, 1, 2, 3, 4, 4], "coach", "Zoë") == "team-sport.3.012344~gcoach~nWm_Dqw"


# --- anything a visitor might paste -------------------------------------------------------------


def near_codes(quiz: Quiz) -> st.SearchStrategy[str]:
    """Text that starts like a real code, so decoding gets past the first checks."""
    tail = st.text(alphabet="0123456789abcz~gnxAZ_-=%.#&", max_size=len(quiz.statements) + 20)
    return st.builds(lambda t: prefix(quiz) + t, tail)


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_decode_of_arbitrary_text_raises_only_answer_error(quiz: Quiz, data: st.DataObject) -> None:
    text = data.draw(
        st.one_of(
            st.text(),
            st.binary().map(lambda b: b.decode("latin-1")),
            st.binary().map(lambda b: quote_from_bytes(b)),  # percent-encoded junk
            st.binary().map(lambda b: "#a=" + quote_from_bytes(b, safe="")),
            near_codes(quiz),
            near_codes(quiz).map(lambda c: f"https://x.example/quiz/#a={quote(c, safe='')}"),
        ),
        label="text",
    )
    try:
        share = decode(quiz, text)
    except AnswerError as error:
        assert str(error) and "Traceback" not in str(error)
        return
    # Whatever is accepted is a complete, valid set of answers that encodes again.
    assert decode(quiz, encode(quiz, share.answers, share.group, share.name)) == share


# --- malformed codes, one row each ----------------------------------------------------------------

CodeBuilder = Callable[[Quiz], str]
Fragment = Callable[[Quiz], str]

MALFORMED: list[tuple[str, CodeBuilder, Fragment]] = [
    ("empty", lambda q: "", lambda q: "the share code is empty"),
    ("blank", lambda q: "  \n\t ", lambda q: "the share code is empty"),
    ("empty-fragment", lambda q: "https://x.example/quiz/#a=", lambda q: "the share code is empty"),
    (
        "junk",
        lambda q: "hello there",
        lambda q: f"this is not a share code from this site; it should look like {prefix(q)}",
    ),
    ("uppercase", lambda q: plain(q).upper(), lambda q: "this is not a share code from this site"),
    (
        "no-version",
        lambda q: f"{q.id}..{'1' * len(q.statements)}",
        lambda q: "this is not a share code from this site",
    ),
    (
        "other-quiz",
        lambda q: "other-quiz.1.1111",
        lambda q: f"this share code is for the quiz 'other-quiz', not for '{q.id}'",
    ),
    (
        "old-version",
        lambda q: plain(q).replace(f".{q.version}.", f".{q.version - 1}.", 1),
        lambda q: (
            f"made for version {q.version - 1} of the quiz, and the quiz is now version {q.version}"
        ),
    ),
    (
        "newer-version",
        lambda q: plain(q).replace(f".{q.version}.", f".{q.version + 1}.", 1),
        lambda q: "please take the quiz again",
    ),
    (
        "one-answer-short",
        lambda q: plain(q)[:-1],
        lambda q: (
            f"this share code holds {len(q.statements) - 1} answers, but the quiz has {len(q.statements)} statements"
        ),
    ),
    (
        "one-answer-extra",
        lambda q: plain(q) + "1",
        lambda q: (
            f"this share code holds {len(q.statements) + 1} answers, but the quiz has {len(q.statements)} statements"
        ),
    ),
    (
        "no-answers",
        lambda q: prefix(q),
        lambda q: f"this share code holds 0 answers, but the quiz has {len(q.statements)}",
    ),
    (
        "digit-above-scale",
        lambda q: plain(q)[:-1] + "z",
        lambda q: (
            f"statement {len(q.statements)} (id: {q.statements[-1].id}): 35 is not on the scale "
            f"{q.scale_min}-{q.scale_max}"
        ),
    ),
    (
        "digit-just-above-scale",
        lambda q: plain(q)[:-1] + str(q.scale_max + 1),
        lambda q: f"{q.scale_max + 1} is not on the scale {q.scale_min}-{q.scale_max}",
    ),
    (
        "unknown-group",
        lambda q: plain(q) + "~greferee",
        lambda q: "'referee' is not a group of this quiz; expected one of: ",
    ),
    ("empty-group", lambda q: plain(q) + "~g", lambda q: "'' is not a group of this quiz"),
    (
        "damaged-name-length",
        lambda q: plain(q) + "~nA",
        lambda q: "the name in this share code is damaged",
    ),
    (
        "damaged-name-utf8",
        lambda q: plain(q) + "~n_w",
        lambda q: "the name in this share code is damaged",
    ),
    (
        "name-too-long",
        lambda q: plain(q) + "~n" + "QUFB" * 20,
        lambda q: "the name is 60 characters long; keep it to 40",
    ),
    (
        "name-unprintable",
        lambda q: plain(q) + "~nAA",
        lambda q: "the name contains characters that cannot be shown",
    ),
    (
        "unknown-part",
        lambda q: plain(q) + "~x1",
        lambda q: "this share code has an unknown or repeated part '~x'",
    ),
    (
        "repeated-group",
        lambda q: plain(q) + f"~g{q.groups[0].id}~g{q.groups[-1].id}",
        lambda q: "this share code has an unknown or repeated part '~g'",
    ),
    (
        "repeated-name",
        lambda q: plain(q) + "~nQQ~nQg",
        lambda q: "this share code has an unknown or repeated part '~n'",
    ),
    (
        "bad-part-character",
        lambda q: plain(q) + "~gsa!es",
        lambda q: "this is not a share code from this site",
    ),
    (
        "3000-chars",
        lambda q: plain(q) + "1" * (3000 - len(plain(q))),
        lambda q: "this share code is 3000 characters long, far longer than any real code",
    ),
    (
        "3000-chars-of-space",
        lambda q: " " * 3000,
        lambda q: "this share code is 3000 characters long",
    ),
]


@pytest.mark.parametrize(
    ("build", "fragment"), [c[1:] for c in MALFORMED], ids=[c[0] for c in MALFORMED]
)
def test_malformed_codes_are_refused(quiz: Quiz, build: CodeBuilder, fragment: Fragment) -> None:
    with pytest.raises(AnswerError) as caught:
        decode(quiz, build(quiz))
    assert fragment(quiz) in str(caught.value)


def test_old_version_message_tells_what_to_do() -> None:
    quiz = load(TEAM_QUIZ)  # version 3, so version 2 is a real older version
    with pytest.raises(AnswerError) as caught:
        decode(quiz, "team-sport.2.012344")
    assert str(caught.value) == (
        "this share code was made for version 2 of the quiz, and the quiz is now version 3; "
        "its answers may not match the current statements, so please take the quiz again"
    )


def test_longest_allowed_input_is_still_read(quiz: Quiz) -> None:
    """The length limit refuses pasted essays, not real codes padded by a chat app."""
    code = plain(quiz)
    padded = code + " " * (MAX_CODE_LENGTH - len(code))
    assert decode(quiz, padded).answers == (quiz.scale_min,) * len(quiz.statements)
    with pytest.raises(AnswerError, match="far longer than any real code"):
        decode(quiz, padded + " ")


@pytest.mark.parametrize(
    "wrap",
    [
        pytest.param(lambda c: c, id="bare"),
        pytest.param(lambda c: f"https://x.example/quiz/#a={c}", id="full-link"),
        pytest.param(lambda c: f"#a={c}", id="fragment"),
        pytest.param(
            lambda c: f"https://x.example/quiz/#x=1&a={c}&y=2", id="fragment-among-others"
        ),
        pytest.param(lambda c: quote(c, safe=""), id="percent-encoded"),
        pytest.param(
            lambda c: c.replace(".", "%2E").replace("~", "%7E"), id="percent-encoded-separators"
        ),
        pytest.param(
            lambda c: f"https://x.example/quiz/#a={quote(c, safe='')}", id="percent-encoded-in-link"
        ),
        pytest.param(lambda c: f"\n  https://x.example/quiz/#a={c}  \n", id="link-with-whitespace"),
    ],
)
def test_codes_are_found_in_links_and_fragments(quiz: Quiz, wrap: Callable[[str], str]) -> None:
    answers = [quiz.scale_max] + [quiz.scale_min] * (len(quiz.statements) - 1)
    group = quiz.groups[-1].id
    code = encode(quiz, answers, group, "Zoë 🎉")
    assert decode(quiz, wrap(code)) == Share(tuple(answers), group, "Zoë 🎉")


def test_groups_of_another_quiz_are_refused() -> None:
    quiz = load(TEAM_QUIZ)
    with pytest.raises(AnswerError) as caught:
        decode(quiz, "team-sport.3.012344~gsales")
    assert (
        str(caught.value) == "'sales' is not a group of this quiz; expected one of: player, coach"
    )


def test_empty_name_part_then_repeated_name_is_refused() -> None:
    quiz = load(TEAM_QUIZ)
    with pytest.raises(AnswerError, match=re.escape("unknown or repeated part '~n'")):
        decode(quiz, "team-sport.3.000000~n~nQQ")


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("\U0001f469\u200d\U0001f52c", id="zwj-emoji-woman-scientist"),
        pytest.param("\u0645\u0647\u0631\u200c\u0646\u0627\u0632", id="persian-name-with-zwnj"),
    ],
)
def test_names_with_joiners_survive(name: str) -> None:
    quiz = load(TEAM_QUIZ)
    assert decode(quiz, encode(quiz, [0] * 6, None, name)).name == name
