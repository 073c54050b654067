"""Hand-written model responses for the recorded streams, each with its expected parse.

Every expectation here is written by hand from ``shared/spec/formats.md``, not produced by
running streamparse: the recorded-stream tests exist to catch parser bugs.

A case:

- ``name``: unique; ``q_`` cases are format ``qwen2``, ``g_`` cases ``glm4``.
- ``tools``: a key of :data:`TOOLS` (``"none"``: ``tools=None``).
- ``user`` (and ``system`` for Qwen2): the prompt; only its last tokens matter to vLLM's
  detokenizer (GLM-4's prompt ends with ``<|assistant|>``, which is why a kept-special-tokens
  stream starts with a space).
- ``response``: what the model generated, special tokens written as their text
  (``<|assistant|>`` between GLM-4 calls); ``end``: the stop token the model generated last
  (``None``: cut off by max_tokens); ``stop``: vLLM stop strings; ``include_stop``: vLLM's
  ``include_stop_str_in_output`` (the stop token's or string's text stays in the output).
- ``expected``: ``content`` (str, or a dict by mode name ``skip``/``keep-spaces``/
  ``keep-nospaces`` with a ``default``), ``calls`` ``[(name, arguments)]`` and ``errors``
  ``[(name, message substring or None)]`` in order.
- ``oneshot``: ``"same"`` (default) when ``parse()`` of the detokenized text must give the
  expected parse in every mode; ``"ids-needed"`` when, with special tokens skipped, only the
  ``<|assistant|>`` token id separates two GLM-4 segments (see tests/test_recorded_streams.py).
"""

from __future__ import annotations

import json

QWEN2_SYSTEM = (
    "Answer the following questions as best you can. You have access to the tools listed below. "
    "Use the format:\nThought: ...\nAction: tool name\nAction Input: JSON arguments\n"
    "Observation: ...\n... then Final Answer: ..."
)


def _fn(name: str, description: str, properties: dict, required: list[str]) -> dict:
    return {
        "type": "function",
        "function": {
            "name": name,
            "description": description,
            "parameters": {"type": "object", "properties": properties, "required": required},
        },
    }


_S = {"type": "string"}
TOOLS: dict[str, list[dict] | None] = {
    "none": None,
    "weather": [
        _fn("get_current_weather", "Current weather in a city",
            {"location": _S, "format": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
            ["location"]),
        _fn("calculate_gpa", "GPA from grades and credit hours",
            {"grades": {"type": "array"}, "hours": {"type": "array"}}, ["grades", "hours"]),
    ],
    "dev": [
        _fn("github.create-issue", "Open an issue",
            {"repo": _S, "title": _S, "body": _S, "labels": {"type": "array"}}, ["repo", "title"]),
        _fn("run_python", "Run Python code in a sandbox", {"code": _S}, ["code"]),
        _fn("web_search", "Search the web", {"query": _S, "top_k": {"type": "integer"}}, ["query"]),
        _fn("read_file", "Read a file", {"path": _S}, ["path"]),
    ],
    "travel": [
        _fn("search_flights", "Find flights",
            {"origin": _S, "destination": _S, "date": _S}, ["origin", "destination"]),
        _fn("book_hotel", "Book a hotel",
            {"city": _S, "check_in": _S, "nights": {"type": "integer"}}, ["city"]),
        _fn("convert_currency", "Convert money",
            {"amount": {"type": "number"}, "from": _S, "to": _S}, ["amount", "from", "to"]),
    ],
    "glm_weather": [
        _fn("get_weather", "查询城市天气", {"city": _S}, ["city"]),
        _fn("get_weather_forecast", "未来几天的天气预报",
            {"city": _S, "days": {"type": "integer"}}, ["city"]),
    ],
    "glm_office": [
        _fn("send_email", "Send an email", {"to": _S, "subject": _S, "body": _S}, ["to"]),
        _fn("query_database", "Run a read-only SQL query", {"sql": _S}, ["sql"]),
        _fn("python", "执行 Python 代码", {"code": _S}, ["code"]),
        _fn("github.create-issue", "Open an issue",
            {"repo": _S, "title": _S, "body": _S}, ["repo", "title"]),
    ],
}  # fmt: skip

UNKNOWN = "unknown tool"
NOT_OBJECT = "arguments must be a JSON object"

CASES: list[dict] = []


def case(name, tools, user, response, *, content="", calls=(), errors=(), end="default",
         stop=None, include_stop=False, oneshot="same", system=QWEN2_SYSTEM):  # fmt: skip
    fmt = "qwen2" if name.startswith("q_") else "glm4"
    if end == "default":
        end = "<|im_end|>" if fmt == "qwen2" else ("<|observation|>" if calls else "<|user|>")
    CASES.append(
        {
            "name": name,
            "format": fmt,
            "tools": tools,
            "system": system,
            "user": user,
            "response": response,
            "end": end,
            "stop": stop,
            "include_stop": include_stop,
            "oneshot": oneshot,
            "expected": {
                "content": content,
                "calls": [[n, a] for n, a in calls],
                "errors": [[n, m] for n, m in errors],
            },
        }
    )


def resolve_expected(c: dict, mode: str) -> dict:
    exp = dict(c["expected"])
    if isinstance(exp["content"], dict):
        exp["content"] = exp["content"].get(mode, exp["content"]["default"])
    return exp


# ---- qwen2: ReAct ----------------------------------------------------------------------

case(
    "q_single_weather",
    "weather",
    "What's the weather in Boston right now?",
    "Thought: The user wants the current weather in Boston, so I should call the weather tool.\n"
    "Action: get_current_weather\n"
    'Action Input: {"location": "Boston, MA", "format": "fahrenheit"}',
    content="Thought: The user wants the current weather in Boston, so I should call the weather tool.\n",
    calls=[("get_current_weather", {"location": "Boston, MA", "format": "fahrenheit"})],
)

case(
    "q_two_calls_spec_example",
    "weather",
    "Weather in Boston in celsius, and my GPA for an A (3 hours) and a B (4 hours)?",
    "Thought: I need the weather and the GPA.\n"
    "Action: get_current_weather\n"
    'Action Input: {"location": "Boston, MA", "format": "celsius"}\n'
    "Action: calculate_gpa\n"
    'Action Input: {"grades": ["A", "B"], "hours": [3, 4]}',
    content="Thought: I need the weather and the GPA.\n",
    calls=[
        ("get_current_weather", {"location": "Boston, MA", "format": "celsius"}),
        ("calculate_gpa", {"grades": ["A", "B"], "hours": [3, 4]}),
    ],
)

case(
    "q_final_answer_only",
    "weather",
    "What is 2 + 2?",
    "Thought: This is simple arithmetic; no tool is needed.\nFinal Answer: 2 + 2 = 4.",
    content="Thought: This is simple arithmetic; no tool is needed.\nFinal Answer: 2 + 2 = 4.",
)

case(
    "q_plain_reply",
    "weather",
    "hi",
    "Hello! I can look up the weather or compute a GPA for you. What would you like?",
    content="Hello! I can look up the weather or compute a GPA for you. What would you like?",
)

case(
    "q_zh_single",
    "weather",
    "北京现在天气怎么样？用摄氏度。",
    "Thought: 用户想知道北京的实时天气，需要调用天气工具。\n"
    "Action: get_current_weather\n"
    'Action Input: {"location": "北京", "format": "celsius"}',
    content="Thought: 用户想知道北京的实时天气，需要调用天气工具。\n",
    calls=[("get_current_weather", {"location": "北京", "format": "celsius"})],
)

case(
    "q_zh_final_answer",
    "weather",
    "你好，介绍一下你自己。",
    "Thought: 用户只是在打招呼，不需要调用工具。\nFinal Answer: 你好！我是一个可以查询天气、计算绩点的助手。"
    "有什么可以帮你的吗？😊",
    content="Thought: 用户只是在打招呼，不需要调用工具。\nFinal Answer: 你好！我是一个可以查询天气、计算绩点的助手。"
    "有什么可以帮你的吗？😊",
    end="<|endoftext|>",
)

case(
    "q_dotted_hyphen_name",
    "dev",
    "File a bug: the parser crashes on empty input.",
    "Thought: I will open an issue in the repository.\n"
    "Action: github.create-issue\n"
    'Action Input: {"repo": "acme/streamparse", "title": "Crash on empty input", '
    '"body": "Steps:\\n1. Run `parse(\\"\\")`\\n2. See `IndexError`", "labels": ["bug"]}',
    content="Thought: I will open an issue in the repository.\n",
    calls=[
        (
            "github.create-issue",
            {
                "repo": "acme/streamparse",
                "title": "Crash on empty input",
                "body": 'Steps:\n1. Run `parse("")`\n2. See `IndexError`',
                "labels": ["bug"],
            },
        )
    ],
)

_CODE = (
    "import json\n\ndef fib(n):\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n"
    '    return a\n\nprint(json.dumps({"fib": [fib(i) for i in range(10)]}))\n'
    'print("done: \\"ok\\" }")\nprint(r"C:\\temp\\new")\n'
)
case(
    "q_run_python_long_code",
    "dev",
    "Compute the first ten Fibonacci numbers with Python.",
    "Thought: Let me write a small script.\nAction: run_python\nAction Input: "
    + json.dumps({"code": _CODE}),
    content="Thought: Let me write a small script.\n",
    calls=[("run_python", {"code": _CODE})],
)

case(
    "q_three_calls",
    "travel",
    "Flights from Paris to Tokyo on May 3, a hotel for 4 nights, and 500 EUR in JPY.",
    "Thought: Three independent lookups; I can issue them all at once.\n"
    "Action: search_flights\n"
    'Action Input: {"origin": "CDG", "destination": "HND", "date": "2025-05-03"}\n'
    "Action: book_hotel\n"
    'Action Input: {"city": "Tokyo", "check_in": "2025-05-04", "nights": 4}\n'
    "Action: convert_currency\n"
    'Action Input: {"amount": 500, "from": "EUR", "to": "JPY"}',
    content="Thought: Three independent lookups; I can issue them all at once.\n",
    calls=[
        ("search_flights", {"origin": "CDG", "destination": "HND", "date": "2025-05-03"}),
        ("book_hotel", {"city": "Tokyo", "check_in": "2025-05-04", "nights": 4}),
        ("convert_currency", {"amount": 500, "from": "EUR", "to": "JPY"}),
    ],
)

case(
    "q_stop_string_observation",
    "weather",
    "Is it raining in Seattle?",
    "Thought: Check the weather in Seattle.\n"
    "Action: get_current_weather\n"
    'Action Input: {"location": "Seattle, WA"}\n'
    "Observation:",
    end=None,
    stop=["Observation:"],
    content="Thought: Check the weather in Seattle.\n\n",
    calls=[("get_current_weather", {"location": "Seattle, WA"})],
)

case(
    "q_unknown_tool",
    "weather",
    "Search the news for me.",
    "Thought: I should search the web.\n"
    "Action: search_news\n"
    'Action Input: {"query": "latest news"}',
    content="Thought: I should search the web.\n",
    errors=[("search_news", UNKNOWN)],
)

case(
    "q_single_quotes",
    "weather",
    "Weather in Paris?",
    "Thought: Call the weather tool.\n"
    "Action: get_current_weather\n"
    "Action Input: {'location': 'Paris'}",
    content="Thought: Call the weather tool.\n",
    errors=[("get_current_weather", None)],
)

case(
    "q_trailing_comma",
    "weather",
    "Weather in Rome in celsius?",
    'Action: get_current_weather\nAction Input: {"location": "Rome", "format": "celsius",}',
    errors=[("get_current_weather", None)],
)

case(
    "q_array_arguments",
    "weather",
    "GPA for A and B?",
    "Thought: Compute the GPA.\n"
    "Action: calculate_gpa\n"
    'Action Input: ["A", "B"]\n'
    "Final Answer: I could not compute it.",
    content="Thought: Compute the GPA.\n\nFinal Answer: I could not compute it.",
    errors=[("calculate_gpa", NOT_OBJECT)],
)

case(
    "q_bare_string_arguments",
    "weather",
    "Weather in Boston?",
    "Action: get_current_weather\nAction Input: Boston, MA",
    errors=[("get_current_weather", NOT_OBJECT)],
)

case(
    "q_truncated_arguments",
    "weather",
    "Weather in Boston?",
    'Thought: Call the tool.\nAction: get_current_weather\nAction Input: {"location": "Bos',
    end=None,
    content="Thought: Call the tool.\n",
    errors=[("get_current_weather", None)],
)

case(
    "q_truncated_after_header",
    "weather",
    "Weather in Boston?",
    "Thought: Call the tool.\nAction: get_current_weather\nAction Input:",
    end=None,
    content="Thought: Call the tool.\n",
    errors=[("get_current_weather", None)],
)

case(
    "q_action_mid_line",
    "weather",
    "How do I call a tool?",
    "To call a tool, write the keyword Action: followed by its name, then Action Input: on the next line.",
    content="To call a tool, write the keyword Action: followed by its name, then Action Input: on the next line.",
)

case(
    "q_action_without_input",
    "weather",
    "Weather?",
    "Thought: Maybe I need a tool.\nAction: get_current_weather\nActually, you did not say which city. Which city?",
    content="Thought: Maybe I need a tool.\nAction: get_current_weather\nActually, you did not say which city. Which city?",
)

case(
    "q_nested_unicode_json",
    "dev",
    "Search for café reviews.",
    "Action: web_search\n"
    'Action Input: {"query": "caf\\u00e9 reviews \\u2615 \\"best\\"", "top_k": 5, '
    '"filters": {"lang": ["fr", "en"], "safe": true, "since": null, "score": {"min": 4.5}}}',
    calls=[
        (
            "web_search",
            {
                "query": 'café reviews ☕ "best"',
                "top_k": 5,
                "filters": {
                    "lang": ["fr", "en"],
                    "safe": True,
                    "since": None,
                    "score": {"min": 4.5},
                },
            },
        )
    ],
)

case(
    "q_emoji_arguments",
    "dev",
    "Open an issue titled with emoji.",
    "Thought: 好的🚀\n"
    "Action: github.create-issue\n"
    'Action Input: {"repo": "acme/app", "title": "🐛 Crash 崩溃 👩‍💻", "body": "Ünïcödé ✓ 🎉🎉"}',
    content="Thought: 好的🚀\n",
    calls=[
        (
            "github.create-issue",
            {"repo": "acme/app", "title": "🐛 Crash 崩溃 👩‍💻", "body": "Ünïcödé ✓ 🎉🎉"},
        )
    ],
)

case(
    "q_indented_action",
    "weather",
    "Weather in Oslo?",
    "Thought: Indented action lines are still calls.\n"
    "  Action: get_current_weather\n"
    '  Action Input: {"location": "Oslo"}',
    content="Thought: Indented action lines are still calls.\n",
    calls=[("get_current_weather", {"location": "Oslo"})],
)

case(
    "q_tools_none_any_name",
    "none",
    "Do the thing.",
    'Thought: Use the custom tool.\nAction: my-custom.tool_v2\nAction Input: {"x": 1}',
    content="Thought: Use the custom tool.\n",
    calls=[("my-custom.tool_v2", {"x": 1})],
)

case(
    "q_hallucinated_observation",
    "weather",
    "Weather in Madrid?",
    "Thought: Check Madrid.\n"
    "Action: get_current_weather\n"
    'Action Input: {"location": "Madrid"}\n'
    'Observation: {"temperature": 31, "unit": "celsius"}\n'
    "Thought: I now know the answer.\n"
    "Final Answer: It is 31 °C in Madrid.",
    content='Thought: Check Madrid.\n\nObservation: {"temperature": 31, "unit": "celsius"}\nThought: I now know the answer.\n'
    "Final Answer: It is 31 °C in Madrid.",
    calls=[("get_current_weather", {"location": "Madrid"})],
)

case(
    "q_pretty_printed_json",
    "travel",
    "Convert 120.5 USD to EUR.",
    "Thought: Convert currency.\n"
    "Action: convert_currency\n"
    'Action Input: {\n  "amount": 120.5,\n  "from": "USD",\n  "to": "EUR"\n}',
    content="Thought: Convert currency.\n",
    calls=[("convert_currency", {"amount": 120.5, "from": "USD", "to": "EUR"})],
)

case(
    "q_braces_in_strings",
    "dev",
    "Read the weird file.",
    "Action: read_file\n"
    'Action Input: {"path": "/tmp/}{\\"odd\\"}/a\\\\b.txt"}\n'
    "Final Answer: Reading it.",
    content="\nFinal Answer: Reading it.",
    calls=[("read_file", {"path": '/tmp/}{"odd"}/a\\b.txt'})],
)

case(
    "q_good_then_bad",
    "weather",
    "Weather in Lima and Quito?",
    "Action: get_current_weather\n"
    'Action Input: {"location": "Lima"}\n'
    "Action: get_current_weather\n"
    "Action Input: {'location': 'Quito'}",
    calls=[("get_current_weather", {"location": "Lima"})],
    errors=[("get_current_weather", None)],
)

case(
    "q_unknown_then_known",
    "weather",
    "Weather and news in Cairo?",
    "Thought: Two things.\n"
    "Action: get_news\n"
    'Action Input: {"city": "Cairo"}\n'
    "Action: get_current_weather\n"
    'Action Input: {"location": "Cairo"}',
    content="Thought: Two things.\n",
    calls=[("get_current_weather", {"location": "Cairo"})],
    errors=[("get_news", UNKNOWN)],
)

_LONG_CODE = "\n".join(
    [
        "import csv, io, statistics",
        "",
        'DATA = """name,score,comment',
        'alice,91,"likes {braces}"',
        'bob,78,"said \\"hi\\""',
        'carol,85,"path C:\\\\data\\\\x"',
        '"""',
        "",
        "rows = list(csv.DictReader(io.StringIO(DATA)))",
        "scores = [int(r['score']) for r in rows]",
        'print(f"mean={statistics.mean(scores):.2f}")',
        "for r in rows:",
        "    if int(r['score']) > 80:",
        "        print(r['name'], '->', r['comment'])",
        "# 结束: 中文注释 ✓",
        "",
    ]
    * 3
)
case(
    "q_long_code_arguments",
    "dev",
    "Analyse this CSV three times.",
    "Thought: I'll run the analysis.\nAction: run_python\nAction Input: "
    + json.dumps({"code": _LONG_CODE}, ensure_ascii=False),
    content="Thought: I'll run the analysis.\n",
    calls=[("run_python", {"code": _LONG_CODE})],
)

case(
    "q_zh_multi_calls",
    "travel",
    "帮我查一下5月3日上海到成都的航班，再订成都酒店3晚。",
    "Thought: 需要先查航班，再订酒店，两个调用可以同时进行。\n"
    "Action: search_flights\n"
    'Action Input: {"origin": "上海", "destination": "成都", "date": "5月3日"}\n'
    "Action: book_hotel\n"
    'Action Input: {"city": "成都", "check_in": "5月3日", "nights": 3}',
    content="Thought: 需要先查航班，再订酒店，两个调用可以同时进行。\n",
    calls=[
        ("search_flights", {"origin": "上海", "destination": "成都", "date": "5月3日"}),
        ("book_hotel", {"city": "成都", "check_in": "5月3日", "nights": 3}),
    ],
)

case(
    "q_spacing_variants",
    "weather",
    "Weather in Nice?",
    'Action:get_current_weather  \nAction Input:    {"location":"Nice"}',
    calls=[("get_current_weather", {"location": "Nice"})],
)

case(
    "q_scalars",
    "dev",
    "Search with odd parameters.",
    "Action: web_search\n"
    'Action Input: {"query": "x", "top_k": -3, "ratio": 1.5e-3, "exact": false, "cursor": null, "tags": []}',
    calls=[
        (
            "web_search",
            {
                "query": "x",
                "top_k": -3,
                "ratio": 1.5e-3,
                "exact": False,
                "cursor": None,
                "tags": [],
            },
        )
    ],
)

case(
    "q_nan_is_not_json",
    "dev",
    "Search.",
    'Action: web_search\nAction Input: {"query": "x", "top_k": NaN}',
    errors=[("web_search", None)],
)

case(
    "q_empty_object",
    "dev",
    "Search nothing.",
    "Action: web_search\nAction Input: {}",
    calls=[("web_search", {})],
)

case(
    "q_markdown_with_action_lines",
    "weather",
    "Show me the ReAct format.",
    "Final Answer: The format looks like this:\n\n```\nAction: <tool name>\nThen the arguments.\n```\n"
    "Each Action: line names a tool.",
    content="Final Answer: The format looks like this:\n\n```\nAction: <tool name>\nThen the arguments.\n```\n"
    "Each Action: line names a tool.",
)

case(
    "q_truncated_in_chinese",
    "travel",
    "订酒店",
    'Thought: 订酒店。\nAction: book_hotel\nAction Input: {"city": "哈尔滨冰雪大世',
    end=None,
    content="Thought: 订酒店。\n",
    errors=[("book_hotel", None)],
)

case(
    "q_same_tool_twice",
    "weather",
    "Weather in Berlin and Munich?",
    'Action: get_current_weather\nAction Input: {"location": "Berlin"}\n'
    'Action: get_current_weather\nAction Input: {"location": "Munich"}\n',
    content="\n",
    calls=[
        ("get_current_weather", {"location": "Berlin"}),
        ("get_current_weather", {"location": "Munich"}),
    ],
)

case(
    "q_surrogate_escapes",
    "dev",
    "Title with an escaped emoji.",
    "Action: github.create-issue\n"
    'Action Input: {"repo": "a/b", "title": "smile \\ud83d\\ude00 tab\\there", "labels": ["a\\/b"]}',
    calls=[
        ("github.create-issue", {"repo": "a/b", "title": "smile 😀 tab\there", "labels": ["a/b"]})
    ],
)

case(
    "q_name_with_padding",
    "weather",
    "GPA?",
    'Action:   calculate_gpa   \nAction Input: {"grades": ["A"], "hours": [3]}',
    calls=[("calculate_gpa", {"grades": ["A"], "hours": [3]})],
)

case(
    "q_stop_string_zh",
    "travel",
    "100美元换成人民币是多少？",
    "Thought: 调用汇率工具。\n"
    "Action: convert_currency\n"
    'Action Input: {"amount": 100, "from": "USD", "to": "CNY"}\n'
    "Observation: 这行不会被输出",
    end=None,
    stop=["Observation:"],
    content="Thought: 调用汇率工具。\n\n",
    calls=[("convert_currency", {"amount": 100, "from": "USD", "to": "CNY"})],
)

case(
    "q_text_between_calls",
    "weather",
    "Weather in Lyon, then GPA.",
    "Action: get_current_weather\n"
    'Action Input: {"location": "Lyon"}\n'
    "Thought: Now the GPA.\n"
    "Action: calculate_gpa\n"
    'Action Input: {"grades": ["B"], "hours": [2]}',
    content="\nThought: Now the GPA.\n",
    calls=[
        ("get_current_weather", {"location": "Lyon"}),
        ("calculate_gpa", {"grades": ["B"], "hours": [2]}),
    ],
)

case(
    "q_max_tokens_in_thought",
    "weather",
    "Explain the weather patterns of the Pacific Northwest.",
    "Thought: The Pacific Northwest has a temperate oceanic climate with wet winters and dry summers; "
    "the Cascades create a rain shadow so that",
    end=None,
    content="Thought: The Pacific Northwest has a temperate oceanic climate with wet winters and dry "
    "summers; the Cascades create a rain shadow so that",
)

case(
    "q_unclosed_nested",
    "dev",
    "Search.",
    'Action: web_search\nAction Input: {"query": "a", "filters": {"lang": ["en"]}\n'
    "Final Answer: done",
    errors=[("web_search", None)],
)

# ---- glm4: name\n{json}, <|assistant|> between calls --------------------------------------

case(
    "g_single_call_zh",
    "glm_weather",
    "北京今天天气怎么样？",
    'get_weather\n{"city": "北京"}',
    calls=[("get_weather", {"city": "北京"})],
)

case(
    "g_plain_reply_zh",
    "glm_weather",
    "你好",
    "\n你好👋！我是人工智能助手 ChatGLM，很高兴见到你，欢迎问我任何问题。",
    content="你好👋！我是人工智能助手 ChatGLM，很高兴见到你，欢迎问我任何问题。",
)

case(
    "g_plain_reply_en",
    "glm_weather",
    "Who are you?",
    "\nI am ChatGLM, an AI assistant. I can check the weather for you: just tell me a city.",
    content="I am ChatGLM, an AI assistant. I can check the weather for you: just tell me a city.",
)

case(
    "g_two_calls",
    "glm_weather",
    "北京和上海的天气分别怎么样？",
    'get_weather\n{"city": "北京"}<|assistant|>get_weather\n{"city": "上海"}',
    calls=[("get_weather", {"city": "北京"}), ("get_weather", {"city": "上海"})],
)

case(
    "g_three_calls_mixed",
    "glm_office",
    "Email Bob, count the users, and open an issue.",
    'send_email\n{"to": "bob@example.com", "subject": "Status", "body": "Hi Bob,\\nAll green.\\n— Ann"}'
    '<|assistant|>query_database\n{"sql": "SELECT COUNT(*) FROM users WHERE active = 1"}'
    '<|assistant|>github.create-issue\n{"repo": "acme/app", "title": "Track user count"}',
    calls=[
        (
            "send_email",
            {"to": "bob@example.com", "subject": "Status", "body": "Hi Bob,\nAll green.\n— Ann"},
        ),
        ("query_database", {"sql": "SELECT COUNT(*) FROM users WHERE active = 1"}),
        ("github.create-issue", {"repo": "acme/app", "title": "Track user count"}),
    ],
)

_GLM_CODE = (
    "import math\n\ndef area(r):\n    return math.pi * r ** 2\n\n"
    'for r in (1, 2.5):\n    print(f"r={r}: {area(r):.3f}")\n'
    "print('引号 \"双\" 和 \\\\ 反斜杠 }{')\n"
)
case(
    "g_python_code",
    "glm_office",
    "用 Python 算一下半径 1 和 2.5 的圆面积。",
    "python\n" + json.dumps({"code": _GLM_CODE}, ensure_ascii=False),
    calls=[("python", {"code": _GLM_CODE})],
)

case(
    "g_unknown_namelike",
    "glm_weather",
    "查一下明天去广州的航班",
    'search_flights\n{"destination": "广州", "date": "明天"}',
    errors=[("search_flights", UNKNOWN)],
)

case(
    "g_tools_none",
    "none",
    "What's the time in Tokyo?",
    'get_time\n{"timezone": "Asia/Tokyo"}',
    calls=[("get_time", {"timezone": "Asia/Tokyo"})],
)

case(
    "g_single_quotes",
    "glm_weather",
    "Weather in Beijing?",
    "get_weather\n{'city': 'Beijing'}",
    errors=[("get_weather", None)],
)

case(
    "g_truncated_args",
    "glm_weather",
    "杭州天气",
    'get_weather\n{"city": "杭',
    end=None,
    errors=[("get_weather", None)],
)

case(
    "g_sentence_first_line",
    "glm_weather",
    "Why is the sky blue?",
    "Rayleigh scattering is the short answer.\nShorter wavelengths scatter more, so blue light reaches "
    "your eyes from all directions.",
    content={
        "default": "Rayleigh scattering is the short answer.\nShorter wavelengths scatter more, "
        "so blue light reaches your eyes from all directions.",
        "keep-spaces": " Rayleigh scattering is the short answer.\nShorter wavelengths scatter "
        "more, so blue light reaches your eyes from all directions.",
    },
)

case(
    "g_namelike_line_then_text",
    "glm_weather",
    "Say hello.",
    "Hello\nWorld, nice to meet you.",
    content={
        "default": "Hello\nWorld, nice to meet you.",
        "keep-spaces": " Hello\nWorld, nice to meet you.",
    },
)

case(
    "g_declared_name_then_text",
    "glm_weather",
    "Use get_weather?",
    "get_weather\nis the tool I would use, but you did not name a city.",
    content={
        "default": "get_weather\nis the tool I would use, but you did not name a city.",
        "keep-spaces": " get_weather\nis the tool I would use, but you did not name a city.",
    },
)

case(
    "g_dotted_hyphen_name",
    "glm_office",
    "Open an issue about the login bug.",
    'github.create-issue\n{"repo": "acme/web", "title": "Login fails", "body": "`POST /login` → 500\\n```\\nKeyError: \'user\'\\n```"}',
    calls=[
        (
            "github.create-issue",
            {
                "repo": "acme/web",
                "title": "Login fails",
                "body": "`POST /login` → 500\n```\nKeyError: 'user'\n```",
            },
        )
    ],
)

case(
    "g_call_then_reply_segment",
    "glm_weather",
    "深圳天气如何？顺便打个招呼。",
    'get_weather\n{"city": "深圳"}<|assistant|>\n好的，我已经帮你查询深圳的天气，请稍等。',
    end="<|observation|>",
    oneshot="ids-needed",
    content="好的，我已经帮你查询深圳的天气，请稍等。",
    calls=[("get_weather", {"city": "深圳"})],
)

case(
    "g_nested_arrays",
    "none",
    "Plan a trip.",
    'plan_trip\n{"stops": [{"city": "Xi\'an", "days": 2}, {"city": "成都", "days": [1, 2]}], '
    '"budget": {"amount": 8000.5, "currency": "CNY"}, "flexible": true, "notes": null}',
    calls=[
        (
            "plan_trip",
            {
                "stops": [{"city": "Xi'an", "days": 2}, {"city": "成都", "days": [1, 2]}],
                "budget": {"amount": 8000.5, "currency": "CNY"},
                "flexible": True,
                "notes": None,
            },
        )
    ],
)

case(
    "g_emoji_arguments",
    "glm_office",
    "给 Ann 发个生日祝福邮件",
    'send_email\n{"to": "ann@example.com", "subject": "生日快乐 🎂", "body": "祝你生日快乐！🎉🎈 —— 团队全体 👩‍👩‍👧"}',
    calls=[
        (
            "send_email",
            {
                "to": "ann@example.com",
                "subject": "生日快乐 🎂",
                "body": "祝你生日快乐！🎉🎈 —— 团队全体 👩‍👩‍👧",
            },
        )
    ],
)

case(
    "g_reply_endoftext",
    "glm_weather",
    "Thanks!",
    "\nYou're welcome! Have a great day.",
    end="<|endoftext|>",
    content="You're welcome! Have a great day.",
)

case(
    "g_truncated_first_line",
    "glm_weather",
    "天气",
    "get_wea",
    end=None,
    content={"default": "get_wea", "keep-spaces": " get_wea"},
)

case(
    "g_array_body",
    "glm_weather",
    "List.",
    'get_weather\n["北京", "上海"]',
    content={
        "default": 'get_weather\n["北京", "上海"]',
        "keep-spaces": ' get_weather\n["北京", "上海"]',
    },
)

case(
    "g_invalid_json_bare_word",
    "glm_weather",
    "Weather in Beijing?",
    'get_weather\n{"city": Beijing}',
    errors=[("get_weather", None)],
)

_MD = (
    "\n## 北京三日游建议\n\n1. **第一天**：故宫、景山公园。\n2. **第二天**：长城（慕田峪）。\n"
    '3. **第三天**：颐和园。\n\n示例配置：\n```json\n{"days": 3, "city": "北京"}\n```\n祝旅途愉快！'
)
case("g_markdown_reply_zh", "glm_weather", "给我一个北京三日游的建议", _MD, content=_MD[1:])

case(
    "g_first_line_too_long",
    "glm_weather",
    "Long line.",
    'a_very_long_identifier_that_keeps_going_and_going_well_past_the_sixty_four_character_limit\n{"x": 1}',
    content={
        "default": 'a_very_long_identifier_that_keeps_going_and_going_well_past_the_sixty_four_character_limit\n{"x": 1}',
        "keep-spaces": ' a_very_long_identifier_that_keeps_going_and_going_well_past_the_sixty_four_character_limit\n{"x": 1}',
    },
)

case(
    "g_metadata_with_space",
    "glm_weather",
    "Weather?",
    'get weather\n{"city": "北京"}',
    content={
        "default": 'get weather\n{"city": "北京"}',
        "keep-spaces": ' get weather\n{"city": "北京"}',
    },
)

case(
    "g_two_calls_same_tool_forecast",
    "glm_weather",
    "未来三天北京和天津的天气预报",
    'get_weather_forecast\n{"city": "北京", "days": 3}<|assistant|>get_weather_forecast\n{"city": "天津", "days": 3}',
    calls=[
        ("get_weather_forecast", {"city": "北京", "days": 3}),
        ("get_weather_forecast", {"city": "天津", "days": 3}),
    ],
)

case(
    "g_unicode_escapes",
    "glm_office",
    "Send a note.",
    'send_email\n{"to": "x@y.z", "subject": "\\u4f60\\u597d", "body": "tab\\tquote\\"slash\\\\ \\ud83d\\ude80"}',
    calls=[("send_email", {"to": "x@y.z", "subject": "你好", "body": 'tab\tquote"slash\\ 🚀'})],
)

case(
    "g_second_unknown",
    "glm_weather",
    "Weather in Xiamen and hotels there.",
    'get_weather\n{"city": "厦门"}<|assistant|>search_hotels\n{"city": "厦门"}',
    calls=[("get_weather", {"city": "厦门"})],
    errors=[("search_hotels", UNKNOWN)],
)

case(
    "g_second_bad_json",
    "glm_weather",
    "Two cities.",
    'get_weather\n{"city": "南京"}<|assistant|>get_weather\n{"city": "苏州",}',
    calls=[("get_weather", {"city": "南京"})],
    errors=[("get_weather", None)],
)

case(
    "g_second_truncated",
    "glm_weather",
    "Two cities.",
    'get_weather\n{"city": "武汉"}<|assistant|>get_weather\n{"city": "长',
    end=None,
    calls=[("get_weather", {"city": "武汉"})],
    errors=[("get_weather", None)],
)

case(
    "g_reply_with_inline_json",
    "glm_weather",
    "JSON example?",
    '\nHere is an example: {"city": "北京"} — pass it to get_weather.',
    content='Here is an example: {"city": "北京"} — pass it to get_weather.',
)

case(
    "g_pretty_json_body",
    "glm_office",
    "Email the team.",
    'send_email\n{\n    "to": "team@example.com",\n    "subject": "周报",\n    "body": "本周完成：\\n- 登录修复\\n- 性能优化"\n}',
    calls=[
        (
            "send_email",
            {
                "to": "team@example.com",
                "subject": "周报",
                "body": "本周完成：\n- 登录修复\n- 性能优化",
            },
        )
    ],
)

_SQL = (
    "SELECT u.name, COUNT(o.id) AS orders\nFROM users u\nLEFT JOIN orders o ON o.user_id = u.id\n"
    "WHERE u.city = '上海' AND o.note NOT LIKE '%\"test\"%'\nGROUP BY u.name\nORDER BY orders DESC\nLIMIT 10;"
)
case(
    "g_long_sql",
    "glm_office",
    "上海下单最多的十个用户是谁？",
    "query_database\n" + json.dumps({"sql": _SQL}, ensure_ascii=False),
    calls=[("query_database", {"sql": _SQL})],
)

case(
    "g_namelike_word_then_reply",
    "glm_weather",
    "Are you there?",
    "Sure\nI am here. What can I do for you?",
    content={
        "default": "Sure\nI am here. What can I do for you?",
        "keep-spaces": " Sure\nI am here. What can I do for you?",
    },
)

case("g_empty_object", "glm_office", "Run nothing.", "python\n{}", calls=[("python", {})])

case("g_empty_response", "glm_weather", "...", "", end="<|user|>", content="")

case(
    "g_reply_truncated_zh",
    "glm_weather",
    "讲个故事",
    "\n从前有一座山，山里有一座庙，庙里有个老和尚在给小和尚讲故事",
    end=None,
    content="从前有一座山，山里有一座庙，庙里有个老和尚在给小和尚讲故事",
)

case(
    "g_prefix_name",
    "glm_weather",
    "Forecast for Harbin, 5 days.",
    'get_weather_forecast\n{"city": "哈尔滨", "days": 5}',
    calls=[("get_weather_forecast", {"city": "哈尔滨", "days": 5})],
)

case(
    "g_four_calls",
    "glm_weather",
    "广州、深圳、珠海、佛山的天气",
    'get_weather\n{"city": "广州"}<|assistant|>get_weather\n{"city": "深圳"}'
    '<|assistant|>get_weather\n{"city": "珠海"}<|assistant|>get_weather\n{"city": "佛山"}',
    calls=[("get_weather", {"city": c}) for c in ("广州", "深圳", "珠海", "佛山")],
)

case(
    "g_braces_in_strings",
    "glm_office",
    "Code with braces.",
    'python\n{"code": "d = {\\"a\\": \\"}\\"}\\nprint(d[\'a\'] + \'{\')"}',
    calls=[("python", {"code": "d = {\"a\": \"}\"}\nprint(d['a'] + '{')"})],
)

case(
    "g_reply_starts_with_newlines",
    "glm_weather",
    "Poem?",
    "\n\n春眠不觉晓，\n处处闻啼鸟。",
    content="\n春眠不觉晓，\n处处闻啼鸟。",
)

case(
    "g_nan_args",
    "glm_weather",
    "NaN.",
    'get_weather_forecast\n{"city": "北京", "days": NaN}',
    errors=[("get_weather_forecast", None)],
)

case(
    "g_english_call",
    "glm_weather",
    "What's the weather like in San Francisco?",
    'get_weather\n{"city": "San Francisco"}',
    calls=[("get_weather", {"city": "San Francisco"})],
)

case(
    "g_reply_then_call",
    "glm_weather",
    "先说一句话，再查成都天气。",
    '\n好的，我来查一下成都的天气。<|assistant|>get_weather\n{"city": "成都"}',
    oneshot="ids-needed",
    # vLLM's space before a kept <|assistant|> ends a text body: it is text, not framing.
    content={
        "default": "好的，我来查一下成都的天气。",
        "keep-spaces": "好的，我来查一下成都的天气。 ",
    },
    calls=[("get_weather", {"city": "成都"})],
)

case(
    "g_newline_before_separator",
    "glm_weather",
    "Weather in Qingdao and Dalian?",
    'get_weather\n{"city": "青岛"}\n<|assistant|>get_weather\n{"city": "大连"}',
    calls=[("get_weather", {"city": "青岛"}), ("get_weather", {"city": "大连"})],
)

case(
    "g_reply_then_reply",
    "glm_weather",
    "Two paragraphs.",
    "\nFirst part of the answer.<|assistant|>\nSecond part.",
    end="<|user|>",
    oneshot="ids-needed",
    content={
        "default": "First part of the answer.Second part.",
        "keep-spaces": "First part of the answer. Second part.",
    },
)

case(
    "q_fullwidth_colon",
    "weather",
    "上海天气？",
    'Thought: 查询上海天气。\nAction：get_current_weather\nAction Input：{"location": "上海"}',
    content='Thought: 查询上海天气。\nAction：get_current_weather\nAction Input：{"location": "上海"}',
)

case(
    "q_text_after_json_same_line",
    "weather",
    "Weather in Paris in celsius?",
    'Thought: Paris.\nAction: get_current_weather\nAction Input: {"location": "Paris"} (celsius, please)\n'
    "Final Answer: pending.",
    content="Thought: Paris.\n (celsius, please)\nFinal Answer: pending.",
    calls=[("get_current_weather", {"location": "Paris"})],
)

case(
    "g_observation_in_output",
    "glm_weather",
    "Weather in Lhasa? (include_stop_str_in_output)",
    'get_weather\n{"city": "拉萨"}',
    include_stop=True,
    calls=[("get_weather", {"city": "拉萨"})],
)

case(
    "g_two_calls_observation_in_output",
    "glm_weather",
    "Lhasa and Xining? (include_stop_str_in_output)",
    'get_weather\n{"city": "拉萨"}<|assistant|>get_weather\n{"city": "西宁"}',
    include_stop=True,
    calls=[("get_weather", {"city": "拉萨"}), ("get_weather", {"city": "西宁"})],
)

case(
    "q_stop_string_included",
    "weather",
    "Weather in Reno? (include_stop_str_in_output)",
    'Thought: Reno.\nAction: get_current_weather\nAction Input: {"location": "Reno, NV"}\nObservation:',
    end=None,
    stop=["Observation:"],
    include_stop=True,
    content="Thought: Reno.\n\nObservation:",
    calls=[("get_current_weather", {"location": "Reno, NV"})],
)

# ---- glm4 with stop strings ------------------------------------------------------------------
# A request with stop strings makes vLLM hold back len(longest stop string) - 1 characters while
# streaming (the record's ``text_lag``), so the text trails the token ids: a skipped
# <|assistant|>'s id arrives before the end of the call it follows. At the end of the response
# the held characters come with the last step; a stop string that matches cuts the text where it
# begins (and the request ends there). Every GLM-4 case above is recorded again with
# "Observation:" (text_lag 11), and the multi-segment ones with stop strings of other lengths.


def stop_variant(base: str, suffix: str, stop: list[str]) -> None:
    """``base`` again, with ``stop``: the same tokens, the same final text (no stop string
    occurs in it), so the same expected parse."""
    (original,) = [c for c in CASES if c["name"] == base]
    copy = json.loads(json.dumps(original))
    copy["name"] = f"{base}__{suffix}"
    copy["stop"] = stop
    assert not any(s in copy["response"] for s in stop), (base, stop)
    CASES.append(copy)


_GLM_BASES = [c["name"] for c in CASES if c["format"] == "glm4" and not c["include_stop"]]
for _name in _GLM_BASES:
    stop_variant(_name, "stop11", ["Observation:"])

_MULTI_SEGMENT = [
    c["name"] for c in CASES if c["format"] == "glm4" and "<|assistant|>" in c["response"]
    and not c["include_stop"] and not c["stop"]
]  # fmt: skip
_OTHER_STOPS = {  # suffix: stop strings (text_lag = longest - 1)
    "stop0": ["§"],
    "stop3": ["</s>"],
    "stop5": ["\nUser:", "</s>"],
    "stop9": ["<|im_end|>"],
    "stop12": ["\nObservation:", "User:"],
}
for _name in _MULTI_SEGMENT:
    for _suffix, _stop in _OTHER_STOPS.items():
        stop_variant(_name, _suffix, _stop)

# Stop strings that match: the text ends where the stop string begins.
case(
    "g_stop_string_cuts_reply",
    "glm_weather",
    "Weather in Kunming? (stop: Observation:)",
    "\nI will look it up for you now.\nObservation: sunny, 22°C",
    end=None,
    stop=["Observation:"],
    content="I will look it up for you now.\n",
)

case(
    "g_stop_string_right_after_call",
    "glm_weather",
    "Weather in Paris? (stop: Observation:)",
    'get_weather\n{"city": "Paris"}Observation: 18°C',
    end=None,
    stop=["Observation:"],
    calls=[("get_weather", {"city": "Paris"})],
)

case(
    "g_stop_string_after_two_calls",
    "glm_weather",
    "Paris and Rome? (stop: Observation:)",
    'get_weather\n{"city": "Paris"}<|assistant|>get_weather\n{"city": "Rome"}Observation: 18°C',
    end=None,
    stop=["Observation:"],
    calls=[("get_weather", {"city": "Paris"}), ("get_weather", {"city": "Rome"})],
)

case(
    "g_stop_string_in_reply_after_call",
    "glm_weather",
    "Weather in Hefei, then wait. (stop: Observation:)",
    'get_weather\n{"city": "合肥"}<|assistant|>\n正在查询合肥的天气，请稍候。\nObservation: 晴',
    end=None,
    stop=["Observation:"],
    oneshot="ids-needed",
    content="正在查询合肥的天气，请稍候。\n",
    calls=[("get_weather", {"city": "合肥"})],
)

case(
    "g_stop_string_inside_arguments",
    "glm_office",
    "Print a line. (stop: Observation:)",
    'python\n{"code": "print(\'Observation: done\')"}',
    end=None,
    stop=["Observation:"],
    errors=[("python", None)],
)

case(
    "g_stop_string_in_second_call",
    "glm_office",
    "Two snippets. (stop: Observation:)",
    'python\n{"code": "x = 1"}<|assistant|>python\n{"code": "print(\'Observation: x\')"}',
    end=None,
    stop=["Observation:"],
    calls=[("python", {"code": "x = 1"})],
    errors=[("python", None)],
)
