"""The parser's one vocabulary, and the shape of bulletin/: every word list's examples are found by
the pattern built from it; no module reaches into another's private names; no import cycle."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from taskbot.bulletin import vocab

PACKAGE = Path(vocab.__file__).parent
MODULES = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__")


@pytest.mark.parametrize("name", sorted(vocab.ALL))
def test_every_example_of_a_word_list_is_found_by_its_pattern(name: str) -> None:
    words = vocab.ALL[name]
    assert len(words.examples) >= 2 and len(set(words.words)) == len(words.words)
    pattern = re.compile(words.alt)
    for phrase, word in words.examples:
        assert word in words, (name, word)
        found = pattern.search(phrase, phrase.index(word))
        assert found is not None and found.group(0) == word, (name, phrase)


def test_the_alternation_prefers_the_longest_word() -> None:
    assert re.match(vocab.PARTY_HEADS.alt, "主要负责同志").group(0) == "主要负责同志"
    assert re.match(vocab.ROLES.alt, "按职责分工负责").group(0) == "按职责分工负责"


def _imports(path: Path) -> tuple[set[str], list[str]]:
    """The bulletin modules PATH imports (anywhere in it), and the private names it takes from them."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    private: list[str] = []
    aliases: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("taskbot.bulletin"):
            if node.module == "taskbot.bulletin":
                names = {a.name for a in node.names if a.name in MODULES}
                found |= names
                aliases |= {a.asname or a.name for a in node.names if a.name in MODULES}
            else:
                found.add(node.module.rsplit(".", 1)[1])
                private += [f"{node.module}.{a.name}" for a in node.names if a.name.startswith("_")]
        elif isinstance(node, ast.Import):
            found |= {a.name.rsplit(".", 1)[1] for a in node.names if a.name.startswith("taskbot.bulletin.")}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
            and node.attr.startswith("_")
        ):
            private.append(f"{node.value.id}.{node.attr}")
    return found, private


def test_no_module_uses_a_private_name_of_another() -> None:
    offenders = {m: _imports(PACKAGE / f"{m}.py")[1] for m in MODULES}
    assert {m: names for m, names in offenders.items() if names} == {}


def test_bulletin_has_no_import_cycle() -> None:
    graph = {m: _imports(PACKAGE / f"{m}.py")[0] & set(MODULES) - {m} for m in MODULES}
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, " -> ".join([*path, module])
        if module in done:
            return
        for nxt in sorted(graph[module]):
            visit(nxt, (*path, module))
        done.add(module)

    for module in MODULES:
        visit(module, ())
    assert "cues" in graph["fields"] and "fields" not in graph["cues"]  # the old cycle, broken


def test_each_module_imports_alone() -> None:
    for module in MODULES:
        run = subprocess.run(
            [sys.executable, "-c", f"import taskbot.bulletin.{module}"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert run.returncode == 0, (module, run.stderr[-500:])
