"""The catalog: its models, the YAML loader (with positions for errors), validation, the loaded
:class:`~discretion.catalog.catalog.Catalog` (with search), its cache, law names and coverage."""
