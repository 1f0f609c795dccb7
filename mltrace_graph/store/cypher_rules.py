"""What the Cypher door refuses before Neo4j sees a query: checks on its tokens.

The reasons for each refusal are in ``store.adhoc``'s docstring; the tokens come from
``store.lexer``, so a keyword hidden inside a string, comment or backticked name is never
mistaken for one, and one written in the open is never missed.
"""

from __future__ import annotations

from mltrace_graph.errors import AdhocQueryError, CypherRefusedError
from mltrace_graph.store.lexer import Token, tokenize

MAX_QUERY_LENGTH = 20_000
# Neo4j's parser, not bounded by the transaction timeout, took over 120 s (and the driver's
# connection timed out) on 3,000 nested parentheses; lineage queries nest a handful deep.
MAX_NESTING = 64
# Planning is not bounded by the timeout either, and its cost grows with every UNION branch;
# 500 branches planned in about a second on a quiet machine and timed out on a busy one.
MAX_UNIONS = 32


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Catalogue procedures that only describe the graph; everything else (dbms.*, tx.*, db.create*,
# db.index.fulltext.*, apoc.*, ...) is refused, because some of them write or reach outside.
ALLOWED_PROCEDURES = frozenset(
    {
        "db.labels",
        "db.relationshiptypes",
        "db.propertykeys",
        "db.schema.visualization",
        "db.schema.nodetypeproperties",
        "db.schema.reltypeproperties",
        "dbms.components",
    }
)

# Neo4j 5's built-in functions, less reduce() and range() (see the module docstring) and
# the LOAD CSV ones (file(), linenumber()). Plugins' functions (apoc.*, gds.*) are refused.
ALLOWED_FUNCTIONS = _words(
    """
    avg collect count max min percentilecont percentiledisc stdev stdevp sum
    char_length character_length coalesce elementid endnode head id last length nullif
    properties randomuuid size startnode timestamp tointeger tointegerornull tofloat
    tofloatornull toboolean tobooleanornull tostring tostringornull type valuetype
    keys labels nodes relationships reverse tail tobooleanlist tofloatlist tointegerlist
    tostringlist
    abs ceil floor isnan rand round sign e exp log log10 sqrt acos asin atan atan2 cos cot
    degrees haversin pi radians sin tan
    btrim left lower ltrim normalize replace right rtrim split substring tolower toupper trim
    upper
    all any exists isempty none single shortestpath allshortestpaths
    point date datetime localdatetime localtime time duration
    """
)
ALLOWED_FUNCTION_NAMESPACES = (
    "date.",
    "datetime.",
    "localdatetime.",
    "localtime.",
    "time.",
    "duration.",
    "point.",
    "vector.similarity.",
)
# Words that may stand right before "(" without naming a function.
KEYWORDS_BEFORE_PARENTHESIS = _words(
    """
    MATCH OPTIONAL MERGE CREATE DELETE DETACH SET REMOVE WITH RETURN UNWIND WHERE AND OR XOR
    NOT IN AS IS CONTAINS STARTS ENDS CASE WHEN THEN ELSE DISTINCT BY ASC DESC ASCENDING
    DESCENDING SKIP OFFSET LIMIT UNION ALL CALL YIELD FOREACH ON FOR REQUIRE SHORTEST ANY
    PATH PATHS GROUP GROUPS REPEATABLE DIFFERENT ELEMENTS RELATIONSHIPS NODES WALK TRAIL
    ACYCLIC EXISTS COUNT COLLECT
    """
)
# A statement starting with one of these is an administration or schema command.
ADMIN_COMMANDS = _words("GRANT DENY REVOKE ALTER RENAME START STOP ENABLE DISABLE DROP DRYRUN")
ADMIN_CREATE_OBJECTS = _words(
    """
    USER ROLE DATABASE COMPOSITE ALIAS INDEX CONSTRAINT RANGE TEXT POINT LOOKUP FULLTEXT
    VECTOR BTREE OR SERVER
    """
)
HIDDEN_LABEL = "ApiToken"
WRITES_REFUSED = "writes are not allowed here: this endpoint runs read-only Cypher"
REFUSED = "refused: this endpoint runs bounded read-only Cypher over the lineage graph"


def _name_chain(tokens: list[Token], i: int) -> tuple[str, int]:
    """A dotted name starting at ``i`` (``db.labels``, `` `db`.`labels` ``) and its end."""
    parts = [tokens[i].text]
    j = i + 1
    while (
        j + 1 < len(tokens)
        and tokens[j].kind == "symbol"
        and tokens[j].text == "."
        and tokens[j + 1].is_name
    ):
        parts.append(tokens[j + 1].text)
        j += 2
    return ".".join(parts), j


def _is_symbol(tokens: list[Token], i: int, symbol: str) -> bool:
    return 0 <= i < len(tokens) and tokens[i].kind == "symbol" and tokens[i].text == symbol


def _check_statement(tokens: list[Token]) -> None:
    """Refuses administration commands, several statements and planner prefixes."""
    first = tokens[0]
    if first.is_word("EXPLAIN", "PROFILE", "CYPHER"):
        raise CypherRefusedError(
            f"{WRITES_REFUSED} (leave out EXPLAIN, PROFILE and CYPHER options)"
        )
    second = tokens[1] if len(tokens) > 1 else None
    if first.is_word(*ADMIN_COMMANDS) or (
        first.is_word("CREATE") and second is not None and second.is_word(*ADMIN_CREATE_OBJECTS)
    ):
        raise CypherRefusedError(
            f"{WRITES_REFUSED} ({first.text.upper()} ... is an administration or schema command)"
        )
    depth = 0
    for token in tokens:
        if token.kind == "symbol" and token.text in "([{":
            depth += 1
            if depth > MAX_NESTING:
                raise AdhocQueryError(
                    f"the query nests brackets more than {MAX_NESTING} deep (at offset "
                    f"{token.offset}); Neo4j's parser is not bounded by the timeout"
                )
        elif token.kind == "symbol" and token.text in ")]}":
            depth -= 1
    unions = sum(1 for token in tokens if token.is_word("UNION"))
    if unions > MAX_UNIONS:
        raise AdhocQueryError(
            f"the query has {unions} UNIONs; the limit is {MAX_UNIONS} (Neo4j's planner is "
            f"not bounded by the timeout): split it into several queries"
        )
    for i in range(len(tokens) - 1):
        if _is_symbol(tokens, i, ";"):
            raise CypherRefusedError(f"{REFUSED} (send one statement, without ';' between)")


def _check_token(tokens: list[Token], i: int) -> None:
    """Refuses the keyword, name or string at ``i`` if it is one the door never runs."""
    token = tokens[i]
    after_dot = _is_symbol(tokens, i - 1, ".")
    if token.kind in ("word", "quoted", "string") and token.text.lower() == HIDDEN_LABEL.lower():
        raise CypherRefusedError(
            f"{REFUSED} ({HIDDEN_LABEL} nodes hold the server's API tokens and are not "
            f"reachable here; 'mltrace-graph token list' shows them)"
        )
    if token.kind != "word" or after_dot:
        return
    upper = token.text.upper()
    following = tokens[i + 1] if i + 1 < len(tokens) else None
    if upper == "LOAD" and following is not None and following.is_word("CSV"):
        raise CypherRefusedError(f"{WRITES_REFUSED} (LOAD CSV reads files and URLs)")
    if _is_symbol(tokens, i + 1, ":"):
        return  # a variable or map key with a label or value, e.g. (show:Run), {use: 1}
    if upper == "USE":
        raise CypherRefusedError(f"{WRITES_REFUSED} (USE of another database)")
    if upper == "TRANSACTIONS":
        raise CypherRefusedError(
            f"{WRITES_REFUSED} (CALL ... IN TRANSACTIONS commits; SHOW and TERMINATE "
            f"TRANSACTIONS reach other clients' transactions)"
        )
    if upper == "SHOW":
        raise CypherRefusedError(
            f"{REFUSED} (SHOW commands describe the server and other clients' transactions, "
            f"not the lineage graph)"
        )
    if upper == "TERMINATE":
        raise CypherRefusedError(f"{WRITES_REFUSED} (TERMINATE stops other clients' work)")


def _check_call(tokens: list[Token], i: int) -> int:
    """Refuses a procedure outside the allow-list; returns where the name ends."""
    if i + 1 >= len(tokens) or not tokens[i + 1].is_name:
        return i + 1  # CALL { ... } or CALL (x) { ... }: a subquery
    name, end = _name_chain(tokens, i + 1)
    if name.lower() not in ALLOWED_PROCEDURES:
        raise CypherRefusedError(
            f"{WRITES_REFUSED} (procedure {name} is not on the allow-list: "
            f"{', '.join(sorted(ALLOWED_PROCEDURES))})"
        )
    return end


def _check_function(tokens: list[Token], i: int) -> int:
    """Refuses a function call outside the allow-list; returns where the name ends."""
    name, end = _name_chain(tokens, i)
    if not _is_symbol(tokens, end, "("):
        return end
    if "." not in name and tokens[i].kind == "word":
        if name.upper() in KEYWORDS_BEFORE_PARENTHESIS:
            return end
        lower = name.lower()
        if lower == "range" and i > 0 and tokens[i - 1].is_word("UNWIND"):
            return end
        if lower in ("reduce", "range"):
            raise CypherRefusedError(
                f"{REFUSED} ({lower}() computes inside one row, where Neo4j cannot stop it at "
                f"the timeout; use UNWIND range(...) to make rows, or aggregate over rows)"
            )
    lower = name.lower()
    if lower in ALLOWED_FUNCTIONS or lower.startswith(ALLOWED_FUNCTION_NAMESPACES):
        return end
    raise CypherRefusedError(
        f"{REFUSED} (function {name}() is not one of Neo4j's built-in functions allowed here)"
    )


def check_text(query: str) -> None:
    """Refuses what must not reach the planner; raises ``CypherRefusedError`` naming it."""
    if not isinstance(query, str) or not query.strip():
        raise AdhocQueryError("query must be a non-empty string of Cypher")
    if len(query) > MAX_QUERY_LENGTH:
        raise AdhocQueryError(
            f"query is {len(query)} characters long; the limit is {MAX_QUERY_LENGTH}"
        )
    tokens = tokenize(query)
    if not tokens:
        raise AdhocQueryError("query must hold Cypher, not only comments")
    _check_statement(tokens)
    for i in range(len(tokens)):
        _check_token(tokens, i)
    i = 0
    while i < len(tokens):
        if tokens[i].is_word("CALL") and not _is_symbol(tokens, i - 1, "."):
            i = _check_call(tokens, i)
        elif tokens[i].is_name and not _is_symbol(tokens, i - 1, "."):
            i = max(_check_function(tokens, i), i + 1)
        else:
            i += 1
