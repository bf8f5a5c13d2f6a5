from django.conf import settings
from django.core.cache import cache
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import timezone, translation

from vigil.lib.clientaddr import address_key, daily_salt, pick_client_address, reduce_address

ADDRESS_HEADERS = ("REMOTE_ADDR", "HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_FORWARDED", "HTTP_CLIENT_IP")


class ClientAddressMiddleware:
    """Replace the client's address with a daily keyed hash before anything else sees the request.

    Steps: pick the address (socket or trusted proxy hop); reduce it (IPv6 to /64); hash it with the
    day's salt into ``request.client_key``; delete every address header from ``request.META`` so that
    error reports, allauth and logs have nothing to copy.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        meta = request.META
        raw = pick_client_address(
            meta.get("REMOTE_ADDR", ""), meta.get("HTTP_X_FORWARDED_FOR", ""), settings.TRUSTED_PROXY_HOPS
        )
        reduced = reduce_address(raw) or "unknown"
        day = timezone.now().strftime("%Y-%m-%d")
        request.client_key = address_key(reduced, daily_salt(cache, day))
        for header in ADDRESS_HEADERS:
            meta.pop(header, None)
        # Some libraries insist on an address: give them a fixed documentation-range value.
        meta["REMOTE_ADDR"] = "192.0.2.0"
        return self.get_response(request)


class LanguageMiddleware:
    """The page language: ?lang= (from a link or the switcher), else the cookie, else Accept-Language."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.codes = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.GET.get("lang", "")
        if chosen not in self.codes:
            chosen = ""
        language = chosen or request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if language not in self.codes:
            language = translation.get_language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        if chosen:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                chosen,
                max_age=365 * 86400,
                samesite="Lax",
                secure=not settings.DEBUG,
                httponly=True,
            )
        patch_vary = response.headers.get("Vary", "")
        if "Accept-Language" not in patch_vary:
            response.headers["Vary"] = ", ".join(v for v in (patch_vary, "Accept-Language", "Cookie") if v)
        translation.deactivate()
        return response


class PrivateCacheMiddleware:
    """Pages are never stored by browsers or proxies: a shared or seized phone keeps no copy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(settings.STATIC_URL):
            response.headers["Cache-Control"] = "no-store"
        return response


class RequestSizeLimitMiddleware:
    """Refuse an oversized body from its Content-Length, before a byte of it is read or stored."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.http import JsonResponse
        from django.shortcuts import render

        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length > settings.MAX_REQUEST_BYTES or length < 0:
            if request.path.startswith("/api/"):
                return JsonResponse({"error": "request body too large"}, status=413)
            return render(request, "error.html", {"status": 413}, status=413)
        return self.get_response(request)


class CsrfMiddleware(CsrfViewMiddleware):
    """Django's CSRF check, made to work with `Referrer-Policy: no-referrer`.

    Under that policy Chromium sends `Origin: null` on same-origin form posts, which Django refuses. The
    browser's own `Sec-Fetch-Site: same-origin` (a header pages cannot set) proves the origin instead; the
    CSRF token check that follows is unchanged.
    """

    def _origin_verified(self, request):
        if request.META.get("HTTP_ORIGIN") == "null" and request.META.get("HTTP_SEC_FETCH_SITE") == "same-origin":
            return True
        return super()._origin_verified(request)


class DebugNotFoundMiddleware:
    """With DEBUG (the demo), an address that does not exist shows the project's 404 page in the visitor's
    language, as in production, instead of Django's English debug page (980 px wide on a phone). Last in
    MIDDLEWARE, so every other middleware (language, CSP, security headers) still applies to the page.
    Without DEBUG Django's handler404 does this and the middleware is not loaded."""

    def __init__(self, get_response):
        from django.core.exceptions import MiddlewareNotUsed

        if not settings.DEBUG:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        from django.urls import Resolver404, resolve

        try:
            resolve(request.path_info, getattr(request, "urlconf", None))
        except Resolver404:
            return self.not_found(request)
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.http import Http404

        return self.not_found(request) if isinstance(exception, Http404) else None

    @staticmethod
    def not_found(request):
        from vigil.views import page_not_found

        return page_not_found(request)
