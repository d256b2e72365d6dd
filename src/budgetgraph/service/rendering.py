"""The HTML templates (autoescaped: document text is untrusted) and the pages every router may answer with."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).resolve().parent / "templates"), autoescape=True)


def render(template: str, **context: object) -> str:
    return TEMPLATES.get_template(template).render(**context)


def not_found(message: str) -> HTMLResponse:
    return HTMLResponse(render("not_found.html", message=message), status_code=404)


def json_script(value: object) -> Markup:
    """JSON to embed in a ``<script>`` element: ``<``, ``>`` and ``&`` escaped, so no text can close the element."""
    text = json.dumps(value, ensure_ascii=False, indent=1)
    return Markup(text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e"))
