"""Every audit action the code base can write, found by reading the source (AST), not by running it.

A *writer* is ``audit.services.audit_record`` or any function that passes one of its parameters
on as the action of a writer (``audit_visit(action, ...)``, ``_record_session(action, ...)``), with
what it adds around it (``f"{action}_refused"``). Every call of a writer is then resolved: string
literals, both arms of ``a if c else b``, module constants (``ACTION``, ``services.VIEWED``,
``CASE_READS[record]``). An action that cannot be resolved is reported with its place, so a new
kind of call fails the test until it is taught here (``DYNAMIC``) — it never passes unseen.
"""

from __future__ import annotations

import ast
import importlib
import pathlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

ROOT = pathlib.Path(__file__).resolve().parents[2]
SKIPPED_PARTS = {
    ".venv",
    "tests",
    "bench",
    "migrations",
    "node_modules",
    "static",
    "templates",
    "locale",
    "docs",
}


def _opinion_steps() -> set[str]:
    from opinions.services import TRANSITIONS

    return set(TRANSITIONS)


# Values known only when the code runs: (file, source of the argument) → what it can be, read
# from the code that supplies it. The writer's own prefix and suffix are added to each.
DYNAMIC: dict[tuple[str, str], Callable[[], set[str]]] = {
    # The step of the opinion page's form (opinions.views.STEPS), one of the opinion's transitions.
    ("opinions/views.py", "name"): _opinion_steps,
}


@dataclass(frozen=True)
class Template:
    """A writer's action is ``prefix + <its parameter> + suffix``."""

    parameter: str
    position: int | None
    prefix: str = ""
    suffix: str = ""


@dataclass
class Found:
    actions: dict[str, list[str]] = field(default_factory=dict)  # action → places
    unresolved: list[str] = field(default_factory=list)

    def add(self, action: str, place: str) -> None:
        self.actions.setdefault(action, []).append(place)


def _modules() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if set(relative.parts) & SKIPPED_PARTS:
            continue
        yield relative.as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def _module_name(relative: str) -> str:
    name = relative.removesuffix(".py").replace("/", ".")
    return name.removesuffix(".__init__")


def _calls(tree: ast.AST) -> Iterator[tuple[ast.Call, ast.FunctionDef | ast.AsyncFunctionDef | None]]:
    """Every call, with the innermost function around it."""

    def walk(node: ast.AST, function: ast.FunctionDef | ast.AsyncFunctionDef | None) -> Iterator[Any]:
        for child in ast.iter_child_nodes(node):
            inner = child if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else function
            if isinstance(child, ast.Call):
                yield child, function
            yield from walk(child, inner)

    yield from walk(tree, None)


def _callee(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _action_argument(call: ast.Call, template: Template) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == template.parameter:
            return keyword.value
    if template.position is not None and len(call.args) > template.position:
        return call.args[template.position]
    return None


def _parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, int | None]:
    positional = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
    if positional and positional[0] in {"self", "cls"}:
        positional = positional[1:]
    names: dict[str, int | None] = {name: index for index, name in enumerate(positional)}
    names.update({a.arg: None for a in function.args.kwonlyargs})
    return names


def _constant(module: str, name: str) -> object:
    return getattr(importlib.import_module(module), name)


def _strings(value: object) -> set[str] | None:
    if isinstance(value, str):
        return {value}
    values: list[object]
    if isinstance(value, dict):
        values = list(value.values())
    elif isinstance(value, list | tuple | set | frozenset):
        values = list(value)
    else:
        return None
    found: set[str] = set()
    for item in values:
        if not isinstance(item, str):
            return None
        found.add(item)
    return found


def _resolve(expr: ast.expr, module: str, imports: dict[str, str]) -> set[str] | None:
    """The strings ``expr`` can be, or None when they cannot be read from the source."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return {expr.value}
    if isinstance(expr, ast.IfExp):
        body, orelse = _resolve(expr.body, module, imports), _resolve(expr.orelse, module, imports)
        return body | orelse if body is not None and orelse is not None else None
    if isinstance(expr, ast.Subscript):  # CASE_READS[record]: any value of the mapping
        return _resolve(expr.value, module, imports)
    if isinstance(expr, ast.Name):
        source = imports.get(expr.id)
        owner, name = source.rsplit(".", 1) if source else (module, expr.id)
        try:
            return _strings(_constant(owner, name))
        except (AttributeError, ImportError):
            return None
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
        source = imports.get(expr.value.id)
        if source is None:
            return None
        try:
            return _strings(_constant(source, expr.attr))
        except (AttributeError, ImportError):
            return None
    return None


def _imports(tree: ast.Module, module: str) -> dict[str, str]:
    """Local name → dotted source (``services`` → ``reports.services``; ``ACTION`` → ``privacy.x.ACTION``)."""
    names: dict[str, str] = {}
    package = module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join([*parts[: len(parts) - node.level + 1], base]).strip(".")
            for alias in node.names:
                names[alias.asname or alias.name] = f"{base}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name] = alias.name
    return names


def _template_of(expr: ast.expr, parameters: dict[str, int | None]) -> Template | None:
    """``action`` or ``f"{action}_refused"`` where ``action`` is a parameter of the function."""
    if isinstance(expr, ast.Name) and expr.id in parameters:
        return Template(expr.id, parameters[expr.id])
    if isinstance(expr, ast.JoinedStr):
        parts = expr.values
        holes = [i for i, part in enumerate(parts) if isinstance(part, ast.FormattedValue)]
        if len(holes) == 1:
            hole = parts[holes[0]]
            assert isinstance(hole, ast.FormattedValue)
            if isinstance(hole.value, ast.Name) and hole.value.id in parameters:
                text = ["" if isinstance(p, ast.FormattedValue) else str(p.value) for p in parts]  # type: ignore[attr-defined]
                return Template(
                    hole.value.id,
                    parameters[hole.value.id],
                    "".join(text[: holes[0]]),
                    "".join(text[holes[0] + 1 :]),
                )
    return None


def _qualified(call: ast.Call, module: str, imports: dict[str, str], aliases: dict[str, str]) -> str:
    """The dotted name of the function called, following re-exports; "" when it cannot be told."""
    func = call.func
    if isinstance(func, ast.Name):
        name = imports.get(func.id, f"{module}.{func.id}")
    elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        if func.value.id in {"self", "cls"}:
            name = f"{module}.{func.attr}"
        elif func.value.id in imports:
            name = f"{imports[func.value.id]}.{func.attr}"
        else:
            return ""
    else:
        return ""
    seen = set()
    while name in aliases and name not in seen:
        seen.add(name)
        name = aliases[name]
    return name


def collect() -> Found:
    modules = [(relative, _module_name(relative), tree) for relative, tree in _modules()]
    imports = {module: _imports(tree, module) for _relative, module, tree in modules}
    # A name imported into a module stands for its source: "casework.services.visit_record" is
    # "casework.services.visits.visit_record".
    aliases = {
        f"{module}.{local}": source for module, names in imports.items() for local, source in names.items()
    }
    calls = [
        (relative, module, call, function, _qualified(call, module, imports[module], aliases))
        for relative, module, tree in modules
        for call, function in _calls(tree)
    ]
    writers: dict[str, set[Template]] = {"audit.services.audit_record": {Template("action", None)}}
    # Find writers until none is new: a function passing its parameter to a writer is one.
    changed = True
    while changed:
        changed = False
        for _relative, module, call, function, callee in calls:
            if function is None or callee not in writers:
                continue
            for template in list(writers[callee]):
                argument = _action_argument(call, template)
                inner = _template_of(argument, _parameters(function)) if argument is not None else None
                if inner is None:
                    continue
                new = Template(
                    inner.parameter,
                    inner.position,
                    template.prefix + inner.prefix,
                    inner.suffix + template.suffix,
                )
                writers.setdefault(f"{module}.{function.name}", set())
                if new not in writers[f"{module}.{function.name}"]:
                    writers[f"{module}.{function.name}"].add(new)
                    changed = True
    found = Found()
    for relative, module, call, function, callee in calls:
        for template in writers.get(callee, set()):
            argument = _action_argument(call, template)
            if argument is None:
                continue
            place = f"{relative}:{call.lineno}"
            if function is not None and _template_of(argument, _parameters(function)) is not None:
                continue  # a writer passing its own parameter on: resolved at its callers
            source = ast.unparse(argument)
            dynamic = DYNAMIC.get((relative, source))
            values = dynamic() if dynamic is not None else _resolve(argument, module, imports[module])
            if values is None:
                found.unresolved.append(f"{place}: {source}")
                continue
            for value in values:
                found.add(f"{template.prefix}{value}{template.suffix}", place)
    return found
