"""The import graph agrees with the layers declared in `salespath.architecture`."""

import ast
from pathlib import Path

import salespath
from salespath.architecture import LAYERS, layer_of

ROOT = Path(salespath.__file__).parent


def _part(module_path: Path) -> str:
    relative = module_path.relative_to(ROOT)
    return relative.parts[0].removesuffix(".py")


def _imported_parts(module_path: Path) -> list[tuple[int, str]]:
    """(line, top-level part of salespath) for every import of the module, wherever it is."""
    package = ".".join(("salespath", *module_path.relative_to(ROOT).with_suffix("").parts))
    if module_path.name == "__init__.py":
        package = package.removesuffix(".__init__")
    else:
        package = package.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(module_path.read_text(), str(module_path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            # `from salespath import policy` names a part, as `import salespath.policy` does.
            names = (
                [f"{target}.{alias.name}" for alias in node.names]
                if target == "salespath"
                else [target]
            )
        else:
            continue
        for name in names:
            pieces = name.split(".")
            if pieces[0] == "salespath" and len(pieces) > 1:
                found.append((node.lineno, pieces[1]))
    return found


def _modules():
    return sorted(path for path in ROOT.rglob("*.py") if "migrations" not in path.parts)


def test_every_part_of_salespath_has_a_layer():
    parts = {_part(path) for path in _modules()} - {"__init__", "architecture"}
    declared = {part for layer in LAYERS for part in layer}
    assert parts - declared == set(), "add these to salespath/architecture.py LAYERS"
    assert declared - parts == set(), "these in LAYERS do not exist"


def test_imports_only_go_down_the_layers():
    wrong = []
    for path in _modules():
        own = _part(path)
        if own in {"__init__", "architecture"}:
            continue
        for line, part in _imported_parts(path):
            if part == own or part == "architecture":
                continue
            if layer_of(part) >= layer_of(own):
                wrong.append(f"{path.relative_to(ROOT.parent)}:{line} {own} -> {part}")
    assert wrong == []


def test_the_check_finds_an_import_from_a_higher_layer(tmp_path, monkeypatch):
    """The parser sees imports inside functions and relative ones, as the rule needs."""
    source = "def f():\n    from salespath.forecast import rollups\n\nfrom ...web import views\n"
    fake = tmp_path / "salespath" / "pipeline" / "services" / "waiting.py"
    fake.parent.mkdir(parents=True)
    fake.write_text(source)
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path / "salespath")
    assert sorted(part for _, part in _imported_parts(fake)) == ["forecast", "web"]
