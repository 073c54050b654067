"""streamparse's vLLM tool parsers as one file, for ``--tool-parser-plugin``:

    vllm serve MODEL --enable-auto-tool-choice \
        --tool-parser-plugin /path/to/streamparse_tool_parser.py \
        --tool-call-parser streamparse-glm4      # or streamparse-qwen2

vLLM imports this file by path (``ToolParserManager.import_tool_parser``) before it validates
``--tool-call-parser``; importing it registers every format's parser. It needs the ``streamparse`` package
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

from vllm.tool_parsers import ToolParserManager

from streamparse_vllm import TOOL_PARSERS
from streamparse_vllm.tool_parser import PARSER_CLASSES

for _name, _class_name in TOOL_PARSERS.items():
    ToolParserManager.register_module(_name, module=PARSER_CLASSES[_class_name])
