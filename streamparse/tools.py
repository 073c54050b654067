"""Tool definitions: OpenAI-style ``{"type": "function", "function": {...}}`` or bare
``{"name", "description", "parameters"}`` dicts, or :class:`Tool` models."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import ToolDefinitionError


class Tool(BaseModel):
    """One function the model may call."""

    model_config = ConfigDict(frozen=True, extra="allow")

    name: str = Field(min_length=1)
    description: str = ""
    parameters: dict[str, Any] = Field(default_factory=lambda: {"type": "object", "properties": {}})

    @field_validator("name")
    @classmethod
    def _name_fits_on_one_line(cls, name: str) -> str:
        if "\n" in name or "\r" in name:
            raise ValueError(f"a tool name cannot hold a line break ({name!r}): no model output could call it")
        return name

    @model_validator(mode="before")
    @classmethod
    def _unwrap_openai_style(cls, data: Any) -> Any:
        if isinstance(data, dict) and "function" in data and "name" not in data:
            if data.get("type", "function") != "function":
                raise ValueError(f"unsupported tool type {data.get('type')!r} (only 'function')")
            return data["function"]
        return data

    def openai(self) -> dict[str, Any]:
        """The OpenAI-style definition of this tool."""
        return {"type": "function", "function": self.model_dump()}


def normalize_tools(tools: Iterable[Tool | dict[str, Any]] | None) -> list[Tool] | None:
    """Validate tool definitions; raise :class:`ToolDefinitionError` naming the bad entry."""
    if tools is None:
        return None
    if isinstance(tools, (str, bytes, dict)):
        raise ToolDefinitionError(
            f"tools must be a list of tool definitions, not a {type(tools).__name__}"
        )
    result: list[Tool] = []
    seen: dict[str, int] = {}
    for position, entry in enumerate(tools):
        if isinstance(entry, Tool):
            tool = entry
        elif isinstance(entry, dict):
            try:
                tool = Tool.model_validate(entry)
            except ValidationError as exc:
                problems = "; ".join(
                    f"{'.'.join(str(p) for p in err['loc']) or 'definition'}: "
                    f"{err['msg'].removeprefix('Value error, ')}"
                    for err in exc.errors()
                )
                raise ToolDefinitionError(f"tools[{position}] is invalid: {problems}") from None
        else:
            raise ToolDefinitionError(
                f"tools[{position}] must be a dict or a streamparse.Tool, "
                f"not {type(entry).__name__}"
            )
        if tool.name in seen:
            raise ToolDefinitionError(
                f"tools[{position}]: duplicate tool name {tool.name!r} "
                f"(also tools[{seen[tool.name]}])"
            )
        seen[tool.name] = position
        result.append(tool)
    return result
