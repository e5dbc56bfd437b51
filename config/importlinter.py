"""An import-linter contract type that import-linter lacks: no module imports another module's private names.

`from inspections.evidence.inspections import _check_phase` couples the importer to a helper its module may change
at will; a rule two modules need is given a public name in one of them instead. Only `from x import _y` is seen
(not `x._y`), which is how such couplings were written here.
"""

import ast
from pathlib import Path

from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _source(module: str) -> Path | None:
    """The module's file, found without importing it (a package's __init__ may need Django's apps loaded)."""
    base = Path.cwd().joinpath(*module.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def _absolute(importer: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    parts = importer.split(".")
    base = parts if is_package else parts[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


class PrivateNamesContract(Contract):
    type_name = "private_names"

    source_modules = fields.ListField(subfield=fields.StringField())

    def check(self, graph, verbose: bool) -> ContractCheck:
        roots = tuple(self.source_modules)
        violations = []
        for module in sorted(graph.modules):
            if not any(module == root or module.startswith(root + ".") for root in roots):
                continue
            path = _source(module)
            if path is None:
                continue
            is_package = path.name == "__init__.py"
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
                if not isinstance(node, ast.ImportFrom):
                    continue
                imported = _absolute(module, is_package, node)
                if imported == module:
                    continue
                for alias in node.names:
                    if _private(alias.name):
                        violations.append(f"{module} -> {imported}.{alias.name} (l.{node.lineno})")
        return ContractCheck(kept=not violations, metadata={"violations": violations})

    def render_broken_contract(self, check: ContractCheck) -> None:
        output.print_error("Private names may only be used inside their own module:", bold=False)
        output.new_line()
        for violation in check.metadata["violations"]:
            output.print_error(f"- {violation}", bold=False)
            output.new_line()
