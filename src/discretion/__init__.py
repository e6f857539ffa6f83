"""discretion — administrative-penalty discretion engine (行政处罚裁量).

For one case: must or may the violation go unpunished (不予处罚), and if not, which penalty range
the published discretion benchmark (裁量基准) recommends, with every step traced to a statute.

Public API::

    from discretion import Catalog, Engine
    engine = Engine(Catalog.load())          # the bundled catalog
    decision = engine.evaluate({"item": "LS-SRHJ-0001", ...})
    print(decision.outcome, decision.to_json())
"""

__version__ = "0.1.0"

from discretion.case import Case, Party
from discretion.catalog.catalog import Catalog
from discretion.catalog.loader import default_catalog_path
from discretion.decision import Decision
from discretion.engine.engine import Engine
from discretion.errors import CaseError, CatalogError, DiscretionError, Problem

__all__ = [
    "Case",
    "CaseError",
    "Catalog",
    "CatalogError",
    "Decision",
    "DiscretionError",
    "Engine",
    "Party",
    "Problem",
    "__version__",
    "default_catalog_path",
]
