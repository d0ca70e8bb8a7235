"""What went wrong on the network, in one line: shared by every command that reaches a server."""


def network_reason(error: BaseException) -> str:
    """The operating system's words for a failed connection (e.g. "Connection refused"), found in the
    chain of exceptions requests and urllib3 wrap around it."""
    current, seen = error, set()
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.strerror:
            return current.strerror
        current = _inner(current)
    return type(error).__name__


def _inner(error: BaseException) -> BaseException | None:
    reason = getattr(error, "reason", None)
    if isinstance(reason, BaseException):
        return reason
    if error.args and isinstance(error.args[0], BaseException):
        return error.args[0]
    return error.__cause__ or error.__context__
