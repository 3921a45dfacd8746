"""The layers of Salespath, lowest first (docs/architecture.md).

A module may import from its own part of the code and from any layer below its own, never
from one above: a lower app tells a higher one what happened through a signal
(`salespath.pipeline.signals`), and a rule that two apps need lives in the lower one.
Apps in the same layer do not import each other. `tests/core/test_architecture.py` parses
every module's imports, including those inside functions, and holds the code to this list.
"""

LAYERS: tuple[tuple[str, ...], ...] = (
    # Pure helpers and the project's plumbing: no business area.
    ("lib", "errors", "runtime", "localize", "security"),
    ("plaintext", "replicas", "backups"),
    # The business areas, each on those below it.
    ("org",),
    ("adminsite",),
    ("catalog",),
    ("customers",),
    ("pipeline",),
    ("policy",),
    ("activities",),
    ("forecast",),
    ("roadmap",),
    ("notifications",),
    ("imports",),
    # The ways in: pages, the API, the commands that fill or exercise everything.
    ("web",),
    ("api",),
    ("demo",),
    ("scale",),
    ("serving",),
    ("urls", "wsgi", "settings", "__main__"),
)


def layer_of(part: str) -> int:
    """The index in `LAYERS` of a top-level part of `salespath` (an app or module)."""
    for index, layer in enumerate(LAYERS):
        if part in layer:
            return index
    raise KeyError(part)
