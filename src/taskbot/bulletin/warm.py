"""Loads the parser and jieba's dictionary at import.

The fork server of the file-reading worker (``taskbot.sandbox``) imports this once; every child it
forks then parses without paying the second it takes to load jieba.
"""

from taskbot.bulletin import parse_bulletin as parse_bulletin
from taskbot.bulletin.keywords import keywords

keywords("加强督查督办")
