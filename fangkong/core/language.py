"""Language of the public pages (poster QR, pass card, returnee notice, report link)."""

from functools import wraps

from django.conf import settings
from django.utils import translation


def chinese_by_default(view):
    """Residents open these pages from a QR code on phones of any language setting: they read Chinese
    unless they pressed the language switch (its cookie) or are logged in with a saved language;
    the browser's Accept-Language is not followed here."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = getattr(request, "user", None)
        if not (user is not None and user.is_authenticated and getattr(user, "language", "")):
            lang = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
            if lang not in dict(settings.LANGUAGES):
                lang = settings.LANGUAGE_CODE
            translation.activate(lang)
            request.LANGUAGE_CODE = lang
        return view(request, *args, **kwargs)

    return wrapped
