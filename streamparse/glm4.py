from .parser import StreamParser
