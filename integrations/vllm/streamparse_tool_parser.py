"""streamparse's vLLM tool and reasoning parsers as one file, for ``--tool-parser-plugin`` and
``--reasoning-parser-plugin``:

    vllm serve MODEL --enable-auto-tool-choice \
        --tool-parser-plugin /path/to/streamparse_tool_parser.py \
        --reasoning-parser-plugin /path/to/streamparse_tool_parser.py \
        --tool-call-parser streamparse-hermes --reasoning-parser streamparse-hermes

vLLM imports this file by path (``ToolParserManager.import_tool_parser``,
``ReasoningParserManager.import_reasoning_parser``) before it validates the parser names;
importing it registers every format's parsers (give it as ``--reasoning-parser-plugin`` too: the
engine core imports only that one, for structured outputs). It needs the ``streamparse`` package
(distribution ``streamparse-llm``); the ``streamparse_vllm`` package next to this file is used when
it is not installed. This file is in the source checkout only, not in the wheel: after
``pip install streamparse-llm`` (or of a checkout or a built wheel) the ``vllm.general_plugins``
entry point registers the parsers anyway and this file is not needed. Not to be confused with the
unrelated registry project ``streamparse`` (Parsely's Storm library), which has the same import
name and so cannot be installed beside it.
"""

import os
import sys

try:
    import streamparse_vllm  # noqa: F401
except ImportError:  # not installed: use the copy beside this file
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from vllm.reasoning import ReasoningParserManager
from vllm.tool_parsers import ToolParserManager

from streamparse_vllm import REASONING_PARSERS, TOOL_PARSERS
from streamparse_vllm.reasoning_parser import REASONING_CLASSES
from streamparse_vllm.tool_parser import PARSER_CLASSES

for _name, _class_name in TOOL_PARSERS.items():
    ToolParserManager.register_module(_name, module=PARSER_CLASSES[_class_name])
for _name, _class_name in REASONING_PARSERS.items():
    ReasoningParserManager.register_module(_name, module=REASONING_CLASSES[_class_name])
