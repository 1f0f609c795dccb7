"""A small Cypher tokenizer: strings, comments and backticked names split off in one pass.

The door's checks (``store.adhoc``) must see keywords exactly where Neo4j's parser does.
Regular expressions applied one after another cannot: a ``//`` inside a string literal hid
the rest of the line from a comment-stripping pass, and a backticked name holding ``'``
opened a "string" that swallowed the next clause. One left-to-right scan that knows all four
lexical states (code, string, comment, quoted name) has no such order to get wrong.

Only what the checks need is kept: words (identifiers and keywords), backticked names,
string literals, parameters, numbers and single-character symbols. Comments are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from mltrace_graph.errors import AdhocQueryError

Kind = Literal["word", "quoted", "string", "param", "number", "symbol"]


@dataclass(frozen=True)
class Token:
    """One lexical token; ``text`` is the name or the string's contents, unescaped enough."""

    kind: Kind
    text: str
    offset: int

    def is_word(self, *words: str) -> bool:
        """True for an unquoted word equal (case-insensitively) to one of ``words``."""
        return self.kind == "word" and self.text.upper() in words

    @property
    def is_name(self) -> bool:
        """Words and backticked names: what can name a function, procedure or label."""
        return self.kind in ("word", "quoted")


def _unterminated(what: str, offset: int) -> AdhocQueryError:
    return AdhocQueryError(
        f"the query does not plan: {what} opened at offset {offset} is never closed"
    )


def _word_end(query: str, i: int) -> int:
    while i < len(query) and (query[i].isalnum() or query[i] == "_"):
        i += 1
    return i


def _string(query: str, start: int) -> tuple[str, int]:
    """The contents of the literal opened at ``start`` and the offset just past it."""
    quote = query[start]
    i = start + 1
    chars: list[str] = []
    while i < len(query):
        char = query[i]
        if char == "\\" and i + 1 < len(query):
            chars.append(query[i + 1])
            i += 2
            continue
        if char == quote:
            return "".join(chars), i + 1
        chars.append(char)
        i += 1
    raise _unterminated("a string literal", start)


def _quoted(query: str, start: int) -> tuple[str, int]:
    """A backticked name (`` `` `` inside it stands for one backtick)."""
    i = start + 1
    chars: list[str] = []
    while i < len(query):
        if query[i] == "`":
            if query.startswith("``", i):
                chars.append("`")
                i += 2
                continue
            return "".join(chars), i + 1
        chars.append(query[i])
        i += 1
    raise _unterminated("a backticked name", start)


def tokenize(query: str) -> list[Token]:
    """The query's tokens in order, comments left out.

    Raises:
        AdhocQueryError: a string, backticked name or block comment is never closed (Neo4j
            would refuse the query too; refusing it here keeps the checks' view exact).
    """
    tokens: list[Token] = []
    i = 0
    n = len(query)
    while i < n:
        char = query[i]
        if char.isspace():
            i += 1
        elif query.startswith("//", i):
            end = query.find("\n", i)
            i = n if end < 0 else end + 1
        elif query.startswith("/*", i):
            end = query.find("*/", i + 2)
            if end < 0:
                raise _unterminated("a /* comment", i)
            i = end + 2
        elif char in "'\"":
            text, end = _string(query, i)
            tokens.append(Token("string", text, i))
            i = end
        elif char == "`":
            text, end = _quoted(query, i)
            tokens.append(Token("quoted", text, i))
            i = end
        elif char == "$":
            if query.startswith("`", i + 1):
                text, end = _quoted(query, i + 1)
            else:
                end = _word_end(query, i + 1)
                text = query[i + 1 : end]
            tokens.append(Token("param", text, i))
            i = max(end, i + 1)
        elif char.isdigit():
            end = _word_end(query, i)
            # A fraction, but not the ``..`` of a variable-length bound like ``*1..3``.
            if query.startswith(".", end) and end + 1 < n and query[end + 1].isdigit():
                end = _word_end(query, end + 1)
            tokens.append(Token("number", query[i:end], i))
            i = end
        elif char.isalpha() or char == "_":
            end = _word_end(query, i)
            tokens.append(Token("word", query[i:end], i))
            i = end
        else:
            tokens.append(Token("symbol", char, i))
            i += 1
    return tokens
