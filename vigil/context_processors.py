from django.conf import settings
from django.utils.translation import get_language, get_language_bidi


def site(request):
    return {
        "site_name": settings.SITE_NAME,
        "languages": settings.LANGUAGES,
        "current_language": get_language(),
        "is_rtl": get_language_bidi(),
        "demo_mode": settings.DEMO,
    }
