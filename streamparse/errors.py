"""Exceptions for programming errors. Bad model output never raises: it becomes events."""


class StreamparseError(Exception):
    """Base class of streamparse's exceptions."""


class UnknownFormatError(StreamparseError, ValueError):
    """A format name that streamparse does not know."""


class ToolDefinitionError(StreamparseError, ValueError):
    """A tool definition that cannot be used (no name, duplicate name, wrong shape)."""


class OptionError(StreamparseError, ValueError):
    """An option that cannot be used as given (``validate=True`` without tools, or without the
    validator installed)."""


class ParserClosedError(StreamparseError, RuntimeError):
    """``feed()`` or ``close()`` called on a parser that is already closed."""
