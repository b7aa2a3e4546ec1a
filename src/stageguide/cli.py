"""`python -m stageguide` / `stageguide`: score a respondent and check quiz files from a terminal.

Exit codes: 0 success, 2 bad input (the message goes to stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO, TextIO

from . import __version__
from .core import AnswerError, Quiz, QuizError, Result, decode, encode, score
from .core.csvimport import FORMATS, read_file
from .core.limits import MAX_CSV_BYTES, describe_size
from .core.spec import json_schema
from .core.team import team_report
from .quizfile import read_quiz
from .report import render_result, render_team

EXIT_OK, EXIT_BAD_INPUT = 0, 2


class UsageError(Exception):
    """Bad command-line input that is not about the answers themselves."""


def main(argv: Sequence[str] | None = None, stdin: TextIO | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    stdin = stdin if stdin is not None else sys.stdin
    _tolerant_output()
    try:
        return int(args.run(args, stdin))
    except (AnswerError, UsageError) as error:
        print(f"stageguide: error: {error}", file=sys.stderr)
    except QuizError as error:
        print(f"stageguide: error: {error}", file=sys.stderr)
    except BrokenPipeError:  # e.g. `stageguide score … | head`
        return EXIT_OK
    return EXIT_BAD_INPUT


def _tolerant_output() -> None:
    """Characters the terminal's encoding lacks are escaped, never a UnicodeEncodeError traceback."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stageguide", description="Score a staged self-assessment and check quiz files."
    )
    parser.add_argument("--version", action="version", version=f"stageguide {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    scoring = sub.add_parser(
        "score",
        help="score one respondent",
        description="Score one respondent. Give the answers as arguments (5 4 3 … or 543…), "
        "as a share code or link, or on standard input; x (or a quoted ?) marks a statement you cannot judge, "
        "when the quiz offers that answer.",
    )
    scoring.add_argument(
        "answers",
        nargs="*",
        help="answers in statement order (x = can't judge), or one share code/link",
    )
    scoring.add_argument("--code", help="a share code or share link")
    scoring.add_argument("--quiz", type=Path, help="quiz file (default: the single quiz/*.yml)")
    scoring.add_argument("--json", action="store_true", help="print the result as JSON")
    scoring.set_defaults(run=_run_score)

    check = sub.add_parser("check", help="validate quiz files and print every problem")
    check.add_argument("paths", nargs="*", type=Path, help="quiz files (default: quiz/*.yml)")
    check.add_argument(
        "--docs", type=Path, help="docs folder for the stage pages (default: ./docs if it exists)"
    )
    check.set_defaults(run=_run_check)

    team = sub.add_parser(
        "team",
        help="report on a whole team from a CSV file or a list of share links",
        description="Report on a team: how each function rates the relationship and where they disagree. "
        "FILE is a survey tool's export, as CSV (UTF-8, UTF-16 or Windows-1252) or an Excel workbook (.xlsx), "
        "or a text file of share links or codes, one per line; - reads standard input. At most 2 MB. "
        "Rows that cannot be read are listed on standard error and left out of the report.",
    )
    team.add_argument(
        "file",
        metavar="FILE",
        help="a .csv or .xlsx file, a text file of links/codes, or - for standard input",
    )
    team.add_argument(
        "--format",
        choices=FORMATS,
        default="auto",
        help="how to read FILE (default: guess from its name and first bytes)",
    )
    team.add_argument("--quiz", type=Path, help="quiz file (default: the single quiz/*.yml)")
    team.add_argument("--json", action="store_true", help="print the report's data as JSON")
    team.set_defaults(run=_run_team)

    schema = sub.add_parser("schema", help="print the JSON Schema of quiz files")
    schema.set_defaults(run=_run_schema)
    return parser


def default_quiz_paths() -> list[Path]:
    folder = Path("quiz")
    return sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")]) if folder.is_dir() else []


def _resolve_quiz(path: Path | None) -> Quiz:
    if path is not None:
        return read_quiz(path)
    found = default_quiz_paths()
    if len(found) == 1:
        return read_quiz(found[0])
    if not found:
        raise UsageError("no quiz file found in ./quiz; name one with --quiz PATH")
    names = ", ".join(str(p) for p in found)
    raise UsageError(f"several quiz files found ({names}); name one with --quiz PATH")


UNJUDGED_TOKENS = frozenset({"x", "?"})  # "I can't judge this" on the command line


def parse_answers(quiz: Quiz, text: str) -> tuple[list[int | None] | None, str | None]:
    """Split typed input into answers, or recognise it as a share code: (answers, code).

    ``x`` or ``?`` (either case) stands for "I can't judge this"; the core refuses it
    with a clear message when the quiz does not offer that answer.
    """
    tokens = text.replace(",", " ").split()
    if not tokens:
        raise UsageError(
            "no answers given; pass them as arguments, with --code, or on standard input"
        )
    if len(tokens) == 1:
        token = tokens[0]
        compact = all(ch.isdigit() or ch.lower() in UNJUDGED_TOKENS for ch in token)
        if not compact and not token.lstrip("-").isdigit():
            return None, token
        if compact and len(token) == len(quiz.statements) > 1:
            return [None if ch.lower() in UNJUDGED_TOKENS else int(ch) for ch in token], None
    answers: list[int | None] = []
    for number, token in enumerate(tokens, start=1):
        if token.lower() in UNJUDGED_TOKENS:
            answers.append(None)
            continue
        try:
            answers.append(int(token))
        except ValueError:
            raise AnswerError(
                f'answer {number}: {token!r} is not a whole number, nor x for "can\'t judge"'
            ) from None
    return answers, None


def _run_score(args: argparse.Namespace, stdin: TextIO) -> int:
    quiz = _resolve_quiz(args.quiz)
    if args.code and args.answers:
        raise UsageError("give either answers or --code, not both")
    if args.code:
        answers, code = None, args.code
    elif args.answers:
        answers, code = parse_answers(quiz, " ".join(args.answers))
    elif stdin.isatty():
        raise UsageError(
            "no answers given; pass them as arguments, with --code, or on standard input"
        )
    else:
        answers, code = parse_answers(quiz, _read_stdin_text(stdin))
    group = name = None
    if code is not None:
        share = decode(quiz, code)
        answers, group, name = list(share.answers), share.group, share.name
    result = score(quiz, answers)
    _print_result(result, encode(quiz, result.answers, group, name), args.json)
    return EXIT_OK


def _print_result(result: Result, code: str, as_json: bool) -> None:
    if as_json:
        print(json.dumps({**result.to_dict(), "share_code": code}, indent=2, ensure_ascii=False))
    else:
        print(render_result(result, code))


def _run_check(args: argparse.Namespace, stdin: TextIO) -> int:
    paths = args.paths or default_quiz_paths()
    if not paths:
        raise UsageError("no quiz files given and none found in ./quiz")
    docs = args.docs
    if docs is None and not args.paths and Path("docs").is_dir():
        docs = Path("docs")  # the site's own quiz files link into the site's own guide
    failed = 0
    for path in paths:
        try:
            quiz = read_quiz(path)
            missing = [s for s in quiz.stages if docs is not None and not (docs / s.page).is_file()]
            if missing:
                for index, stage in enumerate(quiz.stages):
                    if stage in missing:
                        print(
                            f"{path}: stages[{index}].page: {stage.page!r} is not a page in {docs}/",
                            file=sys.stderr,
                        )
                failed += 1
                continue
        except QuizError as error:
            print(error, file=sys.stderr)
            failed += 1
            continue
        print(
            f"ok: {path} ({quiz.id} v{quiz.version}: {len(quiz.statements)} statements, "
            f"{len(quiz.dimensions)} dimensions, {len(quiz.stages)} stages)"
        )
    return EXIT_BAD_INPUT if failed else EXIT_OK


def _run_team(args: argparse.Namespace, stdin: TextIO) -> int:
    quiz = _resolve_quiz(args.quiz)
    _load_spreadsheet_reader()
    if args.file == "-":
        data, name = _read_capped(_binary(stdin), "standard input"), ""
    else:
        data, name = _read_team_file(Path(args.file)), Path(args.file).name
    report = team_report(quiz, read_file(quiz, data, name, args.format))
    for row in report.roster.header_rows:
        print(f"stageguide: header row skipped, {row.where}: {row.message}", file=sys.stderr)
    for note in report.roster.notes:
        print(f"stageguide: note: {note}", file=sys.stderr)
    for skipped in report.roster.skipped:
        print(f"stageguide: skipped {skipped.where}: {skipped.message}", file=sys.stderr)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(render_team(report))
    return EXIT_OK


def _load_spreadsheet_reader() -> None:
    """Plug the .xlsx reader into the core when openpyxl is installed; without it, CSV still works."""
    try:
        from . import spreadsheet
    except ImportError:
        return
    spreadsheet.install()


def _binary(stream: TextIO) -> BinaryIO:
    """The bytes under a text stream; a stream without any (tests) gives its text as UTF-8."""
    buffer = getattr(stream, "buffer", None)
    if isinstance(buffer, io.BufferedIOBase):
        return buffer  # type: ignore[return-value]  # a BufferedIOBase is a BinaryIO at run time
    return io.BytesIO(stream.read().encode("utf-8", "surrogateescape"))


def _read_capped(stream: BinaryIO, what: str, limit: int = MAX_CSV_BYTES) -> bytes:
    """At most limit + 1 bytes, from a file or a stream of unknown length (a pipe, /dev/urandom)."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise UsageError(
            f"{what} holds more than {describe_size(limit)}; a team file may be at most {describe_size(limit)}"
        )
    return data


def _read_stdin_text(stdin: TextIO, limit: int = 64 * 1024) -> str:
    data = _read_capped(_binary(stdin), "standard input", limit)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(
            "standard input is not UTF-8 text; give the answers as numbers or a share code"
        ) from None


def _read_team_file(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if path.is_file() and size > MAX_CSV_BYTES:
            raise UsageError(
                f"{path} is {describe_size(size)}; a team file may be at most {describe_size(MAX_CSV_BYTES)}"
            )
        with path.open("rb") as handle:
            return _read_capped(handle, str(path))
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path} is a folder; give a .csv or .xlsx file") from None
    except OSError as error:
        raise UsageError(f"{path}: cannot read it ({error.strerror or error})") from None


def _run_schema(args: argparse.Namespace, stdin: TextIO) -> int:
    print(json.dumps(json_schema(), indent=2))
    return EXIT_OK
