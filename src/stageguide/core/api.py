"""The request/response surface that the browser worker and the parity harness call.

Requests arrive as a kind and a JSON text and leave as JSON text, so that no
visitor input is ever pasted into Python source and no proxy objects leak
between JavaScript and Python. Every reply is ``{"ok": true, "data": …}`` or
``{"ok": false, "error": {"kind": …, "message": …}}``; the caller never sees a
Python traceback.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from . import sharecode
from .csvimport import decode_base64, read_file, read_roster
from .errors import AnswerError, QuizError
from .model import Quiz, load_quiz
from .scoring import score
from .team import team_report

Handler = Callable[[Quiz, dict[str, Any]], Any]

_quizzes: dict[str, Quiz] = {}


def handle(kind: str, payload: str) -> str:
    """Answer one request; the reply is JSON text."""
    try:
        data = json.loads(payload) if payload else {}
        if not isinstance(data, dict):
            raise _RequestError("the request data must be a JSON object")
        if kind == "load":
            quiz = load_quiz(data.get("quiz"), source=str(data.get("source") or "quiz.json"))
            _quizzes[quiz.id] = quiz
            reply: Any = {
                "id": quiz.id,
                "version": quiz.version,
                "statements": len(quiz.statements),
            }
        else:
            handler = HANDLERS.get(kind)
            if handler is None:
                raise _RequestError(
                    f"unknown request kind {kind!r}; expected one of: load, {', '.join(HANDLERS)}"
                )
            reply = handler(_quiz_for(data), data)
        return json.dumps({"ok": True, "data": reply})
    except AnswerError as error:
        return _error("answer", str(error))
    except QuizError as error:
        return _error("quiz", str(error))
    except _RequestError as error:
        return _error("request", str(error))
    except json.JSONDecodeError as error:
        return _error("request", f"the request is not valid JSON: {error}")
    except Exception as error:  # noqa: BLE001 - a bug must reach the page as a message, not a dead worker
        return _error("internal", f"{type(error).__name__}: {error}")


class _RequestError(Exception):
    """A request the page should never send (a bug in the caller, not the visitor)."""


def _error(kind: str, message: str) -> str:
    return json.dumps({"ok": False, "error": {"kind": kind, "message": message}})


def _quiz_for(data: dict[str, Any]) -> Quiz:
    quiz_id = data.get("quiz")
    if not isinstance(quiz_id, str) or quiz_id not in _quizzes:
        raise _RequestError(f"quiz {quiz_id!r} is not loaded; send a 'load' request first")
    return _quizzes[quiz_id]


def _score(quiz: Quiz, data: dict[str, Any]) -> Any:
    return score(quiz, data.get("answers")).to_dict()


def _encode(quiz: Quiz, data: dict[str, Any]) -> Any:
    return {
        "code": sharecode.encode(quiz, data.get("answers"), data.get("group"), data.get("name"))
    }


def _decode(quiz: Quiz, data: dict[str, Any]) -> Any:
    return sharecode.decode(quiz, data.get("code")).to_dict()


def _result(quiz: Quiz, data: dict[str, Any]) -> Any:
    """Score and make the share code in one round trip (what submitting the form needs)."""
    result = score(quiz, data.get("answers"))
    code = sharecode.encode(quiz, result.answers, data.get("group"), data.get("name"))
    return {"result": result.to_dict(), "code": code}


def _share(quiz: Quiz, data: dict[str, Any]) -> Any:
    """Decode a share code and score it in one round trip (what opening a share link needs)."""
    share = sharecode.decode(quiz, data.get("code"))
    return {"share": share.to_dict(), "result": score(quiz, share.answers).to_dict()}


def _warm(quiz: Quiz, data: dict[str, Any]) -> Any:
    """A submit's and a share link's work done once on made-up answers, right after start-up.

    Pyodide compiles each of its WebAssembly functions the first time it runs, so the first
    real request paid for scoring, encoding, decoding and JSON for the first time: about
    15 ms of a visitor's first submit in Chromium. Any quiz works: the answers are the
    middle of its scale, and the first group and a name when it has groups.
    """
    middle = quiz.scale[len(quiz.scale) // 2].value
    group = quiz.groups[0].id if quiz.groups else None
    made = _result(quiz, {"answers": [middle] * len(quiz.statements), "group": group, "name": "A"})
    return _share(quiz, {"code": made["code"]})


def _team(quiz: Quiz, data: dict[str, Any]) -> Any:
    """A team report from pasted text {"text": …} or a file's bytes {"file": {"name": …, "base64": …}}.

    A file travels as bytes so that the page decodes it with the same rule as the
    command line (`textdecode`), and a spreadsheet reaches the spreadsheet reader whole.
    """
    kind = data.get("format", "auto")
    file = data.get("file")
    if file is None:
        return team_report(quiz, read_roster(quiz, data.get("text"), kind)).to_dict()
    if not isinstance(file, dict):
        raise AnswerError("the file must be sent as {name, base64}")
    given_name = file.get("name")
    name = given_name if isinstance(given_name, str) else ""
    what = f"“{name}”" if name else "the file"
    return team_report(
        quiz,
        read_file(
            quiz,
            decode_base64(file.get("base64"), what),
            name,
            kind if isinstance(kind, str) else "auto",
        ),
    ).to_dict()


HANDLERS: dict[str, Handler] = {
    "score": _score,
    "result": _result,
    "encode": _encode,
    "decode": _decode,
    "share": _share,
    "team": _team,
    "warm": _warm,
}
