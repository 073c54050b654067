"""streamparse's vLLM integration (tool-parser plugin and engine adapter)."""


def register() -> None:
    """vLLM general plugin entry point: registers the streamparse tool parsers."""
