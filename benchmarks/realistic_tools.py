"""Twenty realistic tool definitions (OpenAI style): descriptions, nested JSON-Schema parameters
(objects, arrays of objects, enums, formats, defaults), the size an agent or a vLLM request
carries. Built fresh by ``tools()`` each call: equal but new dicts, as vLLM passes them per
request."""

from __future__ import annotations

from typing import Any


def _tool(name: str, description: str, properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "type": "function",
        "function": {
            "name": name,
            "description": description,
            "parameters": {
                "type": "object",
                "properties": properties,
                "required": required,
                "additionalProperties": False,
            },
        },
    }


def _s(description: str, **extra: Any) -> dict[str, Any]:
    return {"type": "string", "description": description, **extra}


def _i(description: str, **extra: Any) -> dict[str, Any]:
    return {"type": "integer", "description": description, **extra}


def tools() -> list[dict[str, Any]]:
    """The twenty definitions, as new dicts."""
    location = {
        "type": "object",
        "description": "A place, by name or by coordinates.",
        "properties": {
            "city": _s("City name, e.g. 'Zürich'."),
            "country": _s("ISO 3166-1 alpha-2 country code.", pattern="^[A-Z]{2}$"),
            "lat": {"type": "number", "minimum": -90, "maximum": 90},
            "lon": {"type": "number", "minimum": -180, "maximum": 180},
        },
    }
    period = {
        "type": "object",
        "properties": {"start": _s("ISO 8601 date-time.", format="date-time"),
                       "end": _s("ISO 8601 date-time.", format="date-time")},
        "required": ["start"],
    }
    person = {
        "type": "object",
        "properties": {"name": _s("Full name."), "email": _s("Address.", format="email"),
                       "role": {"type": "string", "enum": ["required", "optional", "chair"]}},
        "required": ["email"],
    }
    return [
        _tool("get_current_weather", "Get the current weather for a location. Use it whenever the "
              "user asks about weather conditions right now.",
              {"location": location, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"],
                                              "default": "celsius"}}, ["location"]),
        _tool("get_forecast", "Get the weather forecast for up to 14 days.",
              {"location": location, "days": _i("Days ahead.", minimum=1, maximum=14),
               "hourly": {"type": "boolean", "default": False}}, ["location", "days"]),
        _tool("search_web", "Search the web and return the top results with titles, URLs and "
              "snippets.",
              {"query": _s("The search query."), "limit": _i("Results.", minimum=1, maximum=50),
               "site": _s("Restrict to one domain."), "freshness": {"type": "string", "enum": [
                   "day", "week", "month", "any"]}}, ["query"]),
        _tool("read_file", "Read a text file from the workspace, optionally a range of lines.",
              {"path": _s("Path relative to the workspace root."),
               "offset": _i("First line, 1-based.", minimum=1), "limit": _i("Lines.", minimum=1)},
              ["path"]),
        _tool("write_file", "Create or overwrite a file in the workspace.",
              {"path": _s("Path relative to the workspace root."), "content": _s("Full text."),
               "mode": {"type": "string", "enum": ["overwrite", "append"]}}, ["path", "content"]),
        _tool("edit_file", "Replace exact text in a file; fails if the old text is not unique.",
              {"path": _s("File."), "edits": {"type": "array", "minItems": 1, "items": {
                  "type": "object", "properties": {"old": _s("Text to find."),
                                                   "new": _s("Replacement.")},
                  "required": ["old", "new"]}}}, ["path", "edits"]),
        _tool("list_directory", "List the entries of a directory.",
              {"path": _s("Directory."), "recursive": {"type": "boolean"},
               "pattern": _s("Glob, e.g. '*.py'.")}, ["path"]),
        _tool("run_shell", "Run a shell command in the sandbox and return stdout, stderr and the "
              "exit code. Commands time out after the given number of seconds.",
              {"command": _s("The command line."), "timeout": _i("Seconds.", default=60),
               "env": {"type": "object", "additionalProperties": {"type": "string"}}},
              ["command"]),
        _tool("send_email", "Send an email on the user's behalf. Always confirm first.",
              {"to": {"type": "array", "items": person, "minItems": 1}, "cc": {
                  "type": "array", "items": person}, "subject": _s("Subject line."),
               "body": _s("Plain-text body."), "attachments": {"type": "array", "items": _s(
                   "A workspace path.")}}, ["to", "subject", "body"]),
        _tool("create_calendar_event", "Create an event in the user's calendar.",
              {"title": _s("Title."), "when": period, "attendees": {"type": "array",
                                                                   "items": person},
               "location": location, "reminders": {"type": "array", "items": _i(
                   "Minutes before.")}}, ["title", "when"]),
        _tool("list_calendar_events", "List calendar events in a period.",
              {"when": period, "calendar": _s("Calendar id; the primary one if omitted.")},
              ["when"]),
        _tool("query_database", "Run a read-only SQL query against the analytics database.",
              {"sql": _s("One SELECT statement."), "params": {"type": "array", "items": {
                  "type": ["string", "number", "boolean", "null"]}},
               "max_rows": _i("Row cap.", default=100)}, ["sql"]),
        _tool("get_stock_price", "Get the latest price and the day's change for a ticker.",
              {"ticker": _s("Ticker symbol, e.g. 'AAPL'.", pattern="^[A-Z.]{1,6}$"),
               "exchange": _s("Exchange MIC code.")}, ["ticker"]),
        _tool("convert_currency", "Convert an amount between currencies at today's rate.",
              {"amount": {"type": "number", "exclusiveMinimum": 0},
               "from": _s("ISO 4217 code."), "to": _s("ISO 4217 code.")},
              ["amount", "from", "to"]),
        _tool("translate_text", "Translate text into another language.",
              {"text": _s("Source text."), "target": _s("BCP 47 tag."),
               "source": _s("BCP 47 tag; detected if omitted."),
               "formality": {"type": "string", "enum": ["default", "more", "less"]}},
              ["text", "target"]),
        _tool("create_issue", "Open an issue in the project tracker.",
              {"repository": _s("owner/name."), "title": _s("Title."), "body": _s("Markdown."),
               "labels": {"type": "array", "items": _s("Label."), "uniqueItems": True},
               "assignees": {"type": "array", "items": _s("User name.")}},
              ["repository", "title"]),
        _tool("get_directions", "Route between two places by car, bike, transit or on foot.",
              {"origin": location, "destination": location, "mode": {"type": "string", "enum": [
                  "driving", "cycling", "transit", "walking"]},
               "waypoints": {"type": "array", "items": location, "maxItems": 8}},
              ["origin", "destination"]),
        _tool("book_restaurant", "Reserve a table.",
              {"restaurant_id": _s("Id from search_restaurants."), "time": _s(
                  "ISO 8601 date-time.", format="date-time"), "party_size": _i(
                  "People.", minimum=1, maximum=20), "notes": _s("Allergies, occasion.")},
              ["restaurant_id", "time", "party_size"]),
        _tool("search_restaurants", "Find restaurants near a place.",
              {"near": location, "cuisine": {"type": "array", "items": _s("Cuisine.")},
               "price": {"type": "integer", "enum": [1, 2, 3, 4]},
               "open_now": {"type": "boolean"}}, ["near"]),
        _tool("set_reminder", "Remind the user of something at a time.",
              {"text": _s("What to remind of."), "at": _s("ISO 8601 date-time.",
                                                          format="date-time"),
               "repeat": {"type": "object", "properties": {
                   "every": {"type": "string", "enum": ["day", "week", "month"]},
                   "until": _s("ISO 8601 date.", format="date")}}}, ["text", "at"]),
    ]
