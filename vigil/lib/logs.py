"""Log filters that keep personal data and noise out of the logs."""

from __future__ import annotations

import logging


class ForbiddenInOneLine(logging.Filter):
    """Turn Django's record of a refused request (403) into one line: the view's name and the status.

    Django logs each 403 with the request path and, for a PermissionDenied, the whole traceback. A path can
    carry a receipt code or an id, and refusals are routine (an expired session, a wrong role, a forged
    webhook signature), so the record keeps neither: no path, no user input, no traceback, no request.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) != 403:
            return True
        request = getattr(record, "request", None)
        match = getattr(request, "resolver_match", None)
        record.msg = "Forbidden: view %s, status 403"
        record.args = (match.view_name if match is not None and match.view_name else "unknown",)
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        record.request = None
        return True
