"""The Content-Security-Policy header on every response (docs/security.md).

Scripts only from our own origin (app.js, htmx from django-htmx's static files, plotly.js
from our own URL), none inline and no inline event handlers: an injected `<script>` or
`onclick=` does not run. Styles may be inline: plotly.js writes its own, and the templates
use a few `style` attributes.
"""

from __future__ import annotations

from django.conf import settings


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.SALESPATH_CONTENT_SECURITY_POLICY
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response
