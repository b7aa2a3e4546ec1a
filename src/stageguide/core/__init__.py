"""The scoring core: standard library only, the same files run in CPython and in Pyodide.

Nothing in this package may import mkdocs, jinja2, yaml or js: it is what the
build compiles into the wheel that visitors' browsers load.
"""

from .errors import AnswerError, Problem, QuizError, StageguideError
from .model import Dimension, Group, Quiz, ScalePoint, Stage, Statement, load_quiz
from .scoring import DimensionScore, Result, check_answers, score
from .sharecode import Share, decode, encode, extract_code

__all__ = [
    "AnswerError",
    "Dimension",
    "DimensionScore",
    "Group",
    "Problem",
    "Quiz",
    "QuizError",
    "Result",
    "ScalePoint",
    "Share",
    "Stage",
    "StageguideError",
    "Statement",
    "check_answers",
    "decode",
    "encode",
    "extract_code",
    "load_quiz",
    "score",
]
