"""websockets: the legacy asyncio implementation → ``websockets.asyncio`` (NL101–NL107).

One module per rule code (``nl101_import`` … ``nl107_event_loop``) holds that code's
documentation and checks; they share the rule pack (``pack``, ``tables``), the version the
project pins (``version``), the all-or-nothing fix groups (``groups``), name resolution
(``resolution``) and the per-file analysis (``analysis``) that collects their findings.
``websockets_legacy`` is the checker, and runs the checks in order.
"""
