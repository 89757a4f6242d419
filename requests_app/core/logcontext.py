"""What the log knows of the request being served: its id, and the case it concerns.

The request's middleware (eas.logs.RequestLogMiddleware) opens and closes the context; a view that
resolves a case notes its reference (``note_case``), and every line logged meanwhile, and the
request's own line, carries both. Context variables: each request (each thread) has its own.
"""

from contextvars import ContextVar, Token

_request_id: ContextVar[str | None] = ContextVar("eas_request_id", default=None)
_case_reference: ContextVar[str | None] = ContextVar("eas_case_reference", default=None)


def begin_request(request_id: str) -> tuple[Token[str | None], Token[str | None]]:
    return _request_id.set(request_id), _case_reference.set(None)


def end_request(tokens: tuple[Token[str | None], Token[str | None]]) -> None:
    _request_id.reset(tokens[0])
    _case_reference.reset(tokens[1])


def note_case(reference: str) -> None:
    """The request concerns this case (its reference, which names no person)."""
    _case_reference.set(reference)


def request_id() -> str | None:
    return _request_id.get()


def case_reference() -> str | None:
    return _case_reference.get()
