"""An import-linter contract for "a domain's one door" (the house style, "Layers inside a domain").

Other domains import ``<domain>.service`` and ``<domain>.structs``, nothing else. The
wiring modules (``controller``, ``jobs``, ``tables``, ``piccolo_app``) are imported only by
the code that assembles the application (``backend.app``, ``backend.cli``, ``backend.jobs``,
``backend.piccolo_conf``); every other module of a domain (``_family``, ``_queries``...)
is for its own domain alone. Import-linter's built-in ``protected`` contract can say this
only with one contract per domain, so a new domain would go unchecked until someone
remembered to add its contract; this one finds the domains itself.

Registered in ``pyproject.toml`` under ``[tool.importlinter] contract_types``::

    [[tool.importlinter.contracts]]
    name = "..."
    type = "domain_doors"
    container = "backend"
    shared = ["backend.lib"]
    doors = ["service", "structs"]
    wiring = ["controller", "jobs", "tables", "piccolo_app"]
    wiring_importers = ["backend.app", "backend.cli", "backend.jobs", "backend.piccolo_conf"]

A domain is a subpackage of ``container`` that is not in ``shared``. Importing the
domain package itself (``from backend.cases import service``) is always allowed.
"""

from __future__ import annotations

from typing import Any

import grimp
from importlinter import Contract, ContractCheck, fields, output


class DomainDoorsContract(Contract):
    type_name = "domain_doors"

    container = fields.StringField()
    shared = fields.ListField(subfield=fields.StringField(), required=False, default=[])
    doors = fields.ListField(subfield=fields.StringField())
    wiring = fields.ListField(subfield=fields.StringField(), required=False, default=[])
    wiring_importers = fields.ListField(subfield=fields.StringField(), required=False, default=[])

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        # After parsing, each field holds its plain value on the instance.
        container, shared, doors = str(self.container), set(self.shared), set(self.doors)
        wiring, wiring_importers = set(self.wiring), list(self.wiring_importers)

        domains = {
            child
            for child in graph.find_children(container)
            if child not in shared and graph.find_children(child)  # a package, not a module like app.py
        }
        broken: list[dict[str, Any]] = []
        for domain in sorted(domains):
            prefix = domain + "."
            for imported in sorted(graph.find_descendants(domain)):
                part = imported[len(prefix) :].split(".")[0]
                if part in doors:
                    continue
                for importer in sorted(graph.find_modules_that_directly_import(imported)):
                    if importer == domain or importer.startswith(prefix):
                        continue
                    if part in wiring and any(_within(importer, allowed) for allowed in wiring_importers):
                        continue
                    lines = [
                        (detail["line_number"], detail["line_contents"])
                        for detail in graph.get_import_details(importer=importer, imported=imported)
                    ]
                    broken.append({"importer": importer, "imported": imported, "lines": lines})
        return ContractCheck(kept=not broken, metadata={"broken": broken})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for item in check.metadata["broken"]:
            output.print_error(f"{item['importer']} is not allowed to import {item['imported']}:", bold=False)
            output.indent_cursor()
            for number, contents in item["lines"]:
                output.print(f"- {item['importer']}:{number}: {contents}")
            output.new_line()


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")
