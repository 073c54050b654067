"""vLLM ``ReasoningParser`` plugins, one per format of the registry, with the tool parsers' names
(``--reasoning-parser streamparse-hermes`` beside ``--tool-call-parser streamparse-hermes``).

What one does depends on where vLLM builds it:

- **Beside a streamparse tool parser** (the documented pair; vLLM's ``DelegatingParser`` builds
  this parser and then the tool parser, which links to it): it reads the end of the rendered
  prompt (``set_prompt_token_ids``, called by vLLM before any output is parsed) and decides the
  request's reasoning mode with :func:`streamparse.reasoning_for_prompt` (``"started"`` after a
  pre-opened ``<think>``, ``"off"`` after ``</think>``, else ``"auto"``). Then it hands the whole
  stream to the tool parser, which parses it once, reasoning, content and calls together: the
  first delta it is given goes back as content with the reasoning end confirmed
  (``has_engine_confirmed_reasoning_end``), which makes vLLM pass that delta and every later one
  to the tool parser. Reasoning reaches the client in ``DeltaMessage.reasoning`` (and the
  non-streaming ``message.reasoning``), as vLLM's own reasoning parsers put it.
- **Alone, or beside another tool parser**: a classic reasoning parser. It parses the stream
  with ``calls=False`` in the mode the prompt needs; at the first content it confirms the end of
  reasoning, and vLLM passes that content, what this parser still held and the rest of the stream
  on (to the tool parser, or as content).
- **In the engine core** (vLLM builds one per structured-output request to know when reasoning
  ends, so that a grammar constrains only the answer): ``is_reasoning_end`` says whether the
  ids end in a prompt that switched reasoning off (``reasoning_for_prompt`` of their decoded end is
  ``"off"``), and ``is_reasoning_end_streaming`` whether the new ids hold ``</think>``.

``count_reasoning_tokens`` (usage's ``reasoning_tokens``) counts by the think tags' token ids.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

from vllm.reasoning import ReasoningParser

from streamparse import StreamParser, reasoning_for_prompt
from streamparse.families import FORMATS
from streamparse.reasoning import CLOSE, OPEN

from . import REASONING_PARSERS, plugin_name
from .tool_parser import _join_messages, new_message, offer_reasoner, special_token_ids

_TAIL_TOKENS = 16
"""Prompt tokens decoded at a time when reading the prompt's end."""


def prompt_end(tokenizer: Any, token_ids: Sequence[int]) -> str:
    """The decoded end of ``token_ids``: at least ``len("</think>")`` characters besides the
    trailing whitespace (or all of it), enough for :func:`reasoning_for_prompt`. Decodes
    ``_TAIL_TOKENS`` tokens at a time from the end (never the whole prompt unless it must)."""
    count = _TAIL_TOKENS
    while True:
        tail = tokenizer.decode(list(token_ids[-count:]), skip_special_tokens=False)
        if len(tail.rstrip()) > len(CLOSE) or count >= len(token_ids):
            return str(tail)
        count *= 2


class StreamparseReasoningParser(ReasoningParser):
    """Base of the streamparse reasoning parsers; a subclass sets ``format``."""

    format: ClassVar[str] = ""
    default_reasoning: ClassVar[str] = "off"
    engine_based_streaming = True

    def __init__(self, tokenizer: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(tokenizer, *args, **kwargs)
        self.mode: str | None = None  # from the prompt, once set_prompt_token_ids has run
        self.tool_parser: Any = None  # set by the streamparse tool parser built next, if any
        self._handed = False
        self._parser: StreamParser | None = None
        offer_reasoner(self)

    # ---- the prompt ----------------------------------------------------------------------------

    def set_prompt_token_ids(self, prompt_token_ids: Sequence[int]) -> None:
        self.mode = self._mode_of(prompt_token_ids)

    def _mode_of(self, token_ids: Sequence[int]) -> str:
        if not token_ids or self.model_tokenizer is None:
            return self.default_reasoning
        try:
            end = prompt_end(self.model_tokenizer, token_ids)
        except Exception:  # a tokenizer that cannot decode these ids: the format's default
            return self.default_reasoning
        return reasoning_for_prompt(end)

    def is_reasoning_end(self, input_ids: Sequence[int]) -> bool:
        return self._mode_of(input_ids) == "off"

    def is_reasoning_end_streaming(
        self, input_ids: Sequence[int], delta_ids: Iterable[int]
    ) -> bool:
        delta = list(delta_ids)
        if not delta or self.model_tokenizer is None:
            return False
        before = len(input_ids) - len(delta)
        window = list(input_ids[max(0, before - _TAIL_TOKENS) :])
        decode = self.model_tokenizer.decode
        text = decode(window, skip_special_tokens=False)
        earlier = decode(window[: len(window) - len(delta)], skip_special_tokens=False)
        return bool(text.count(CLOSE) > earlier.count(CLOSE))

    def count_reasoning_tokens(self, token_ids: Sequence[int]) -> int:
        """Usage's ``reasoning_tokens``: the generated tokens from the start (mode "started") or
        from a leading ``<think>`` (mode "auto") up to and including ``</think>`` (all of them
        while it has not come). Needs the think tags to be single tokens of the tokenizer (they
        are in Qwen3's and GLM-4.5's); otherwise 0, as vLLM reports without a count."""
        tags = special_token_ids(self.model_tokenizer, (OPEN, CLOSE))
        ids = {text: token_id for token_id, text in tags.items()}
        mode = self.mode or self.default_reasoning
        if CLOSE not in ids or mode == "off" or not token_ids:
            return 0
        start = 0
        if mode == "auto":
            if OPEN not in ids or ids[OPEN] not in token_ids[:8]:
                return 0  # the model did not open a reasoning section
            start = list(token_ids[:8]).index(ids[OPEN])
        try:
            end = list(token_ids).index(ids[CLOSE], start) + 1
        except ValueError:
            end = len(token_ids)
        return end - start

    def extract_content_ids(self, input_ids: list[int]) -> list[int]:
        # Paired, the tool parser reads every id; the engine core asks for none of these.
        return list(input_ids)

    # ---- streaming -----------------------------------------------------------------------------

    def has_engine_confirmed_reasoning_end(self) -> bool:
        return self._handed

    def extract_reasoning_streaming(
        self,
        previous_text: str,
        current_text: str,
        delta_text: str,
        previous_token_ids: Sequence[int],
        current_token_ids: Sequence[int],
        delta_token_ids: Sequence[int],
    ) -> Any:
        if self.tool_parser is not None:
            self._handed = True  # this delta and all later ones go to the tool parser
            return new_message(content=delta_text)
        parser = self._parser
        if parser is None:
            parser = self._parser = StreamParser(
                self.format, reasoning=self.mode or self.default_reasoning, calls=False
            )
        events = parser.feed(delta_text)
        if any(event.type == "text" for event in events):
            # Past the reasoning: vLLM takes what this parser holds (finish_streaming) and
            # passes the rest of the stream on (to another tool parser, or as content).
            self._handed = True
        return _events_message(events)

    def finish_streaming(self) -> Any:
        if self._parser is None or self._parser.closed:
            return None
        return _events_message(self._parser.close())

    # ---- non-streaming -------------------------------------------------------------------------

    def extract_reasoning(self, model_output: str, request: Any) -> tuple[str | None, str | None]:
        if self.tool_parser is not None:
            reasoning, content = self.tool_parser.parse_for_reasoner(model_output, request)
        else:
            result = StreamParser(
                self.format, reasoning=self.mode or self.default_reasoning, calls=False
            )
            reasoning, content, _ = _join_messages(
                [_events_message(result.feed(model_output)), _events_message(result.close())]
            )
        return reasoning or None, content or None


def _events_message(events: list[Any]) -> Any:
    """Reasoning and text events (``calls=False`` makes no others) as one ``DeltaMessage``."""
    reasoning = "".join(e.text for e in events if e.type == "reasoning")
    content = "".join(e.text for e in events if e.type == "text")
    fields = {}
    if reasoning:
        fields["reasoning"] = reasoning
    if content:
        fields["content"] = content
    return new_message(**fields) if fields else None


def _make_reasoning_classes() -> dict[str, type[StreamparseReasoningParser]]:
    classes: dict[str, type[StreamparseReasoningParser]] = {}
    for name, module in FORMATS.items():
        cls = type(
            REASONING_PARSERS[plugin_name(name)],
            (StreamparseReasoningParser,),
            {
                "__doc__": f"streamparse's ``{name}`` format as a vLLM reasoning parser.",
                "__module__": __name__,
                "format": name,
                "default_reasoning": module.Parser.default_reasoning,
            },
        )
        classes[cls.__name__] = cls
    return classes


REASONING_CLASSES = _make_reasoning_classes()
"""Class name -> class, for every format."""
globals().update(REASONING_CLASSES)


def __getattr__(name: str) -> type[StreamparseReasoningParser]:
    try:
        return REASONING_CLASSES[name]
    except KeyError:
        raise AttributeError(name) from None
