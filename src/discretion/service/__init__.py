"""``discretion serve``: the engine as an HTTP service, and a web page for officers.

A case-handling system sends a case and gets the decision contract back, the same content as
``discretion check --json`` plus ``text`` (the Chinese rendering); many cases go as JSON Lines
and come back as JSON Lines, streamed, in order. An officer opens ``/`` in a browser, finds the
item in everyday words, fills in a form made from the item's facts and the case fields, and
reads the decision as the wording of a 行政处罚决定审批表 draft with its legal basis.

- :mod:`discretion.service.app` — the ASGI application (FastAPI): ``create_app(catalog)``;
- :mod:`discretion.service.page` — the officer's page, rendered on the server (no script);
- :mod:`discretion.service.form` — the case fields and an item's facts as a form;
- :mod:`discretion.service.limits` — request body size, batch lines and time, bounded;
- :mod:`discretion.cli.serve` — the ``serve`` command (uvicorn, ``--workers N``).

Its dependencies are the ``serve`` extra (``pip install 'discretion[serve]'``); nothing in this
package's ``__init__`` or in ``commands`` imports them, so the command line works without it.
See docs/service.md.
"""
