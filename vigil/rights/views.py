"""The know-your-rights library: public pages, the card downloads, the service worker, and the console's
review list. Views parse, authorize, call an action and render; which text is shown is library.shown."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from vigil.accounts.access import public, staff_view
from vigil.accounts.models import Role
from vigil.rights import actions, cards, content, library
from vigil.rights.models import Review, Revision

REVIEW_ROLES = (Role.RIGHTS_REVIEWER, Role.ADMIN)


def _language() -> str:
    return get_language() or settings.LANGUAGE_CODE


def _glossary_for(revision, language):
    terms = content.glossary()
    return [(terms[t]["words"].get(language, terms[t]["words"]["en"])) for t in revision.terms if t in terms]


@public
@require_GET
def index(request):
    language = _language()
    entries = []
    for slug in library.slugs(Revision.Kind.ARTICLE):
        item = library.shown(Revision.Kind.ARTICLE, slug, language)
        if item.revision is not None:
            entries.append((slug, item))
    return render(request, "rights/index.html", {"entries": entries, "hotline": settings.HOTLINE_NUMBER})


@public
@require_GET
def article(request, slug):
    if slug not in library.slugs(Revision.Kind.ARTICLE):
        raise Http404
    language = _language()
    item = library.shown(Revision.Kind.ARTICLE, slug, language)
    rendered = content.render(item.revision.body) if item.revision else None
    return render(
        request,
        "rights/article.html",
        {
            "item": item,
            "rendered": rendered,
            "terms": _glossary_for(item.revision, item.revision.language) if item.revision else [],
            "hotline": settings.HOTLINE_NUMBER,
        },
    )


@public
@require_GET
def card(request):
    language = _language()
    item = library.shown(Revision.Kind.CARD, cards.CARD_SLUG, language)
    files, missing = cards.files_for(item) if item.revision else ([], "")
    too_long = bool(files) and cards.not_fitting(item)
    return render(
        request,
        "rights/card.html",
        {
            "item": item,
            "files": files,
            "font_missing": missing,
            "not_fitting": too_long,
            "hotline": settings.HOTLINE_NUMBER,
        },
    )


@public
@require_GET
def card_file(request, digest, filename):
    """A PDF rendered ahead of time by `render_cards`; never rendered here."""
    if not cards.DIGEST.match(digest) or filename not in {name for name, _k, _p in cards.FILES}:
        raise Http404
    path = cards.output_root() / digest / filename
    if not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), content_type="application/pdf")


@public
@require_GET
def service_worker(request):
    body = render_to_string("rights/sw.js", {"version": cards.library_version()})
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/rights/"
    response["Cache-Control"] = "no-cache"
    return response


@staff_view(*REVIEW_ROLES)
@require_GET
def review_list(request):
    return render(request, "rights/review_list.html", {"awaiting": library.awaiting_review()})


def get_revision_for_user(request, revision_id) -> Revision:
    """Texts are the coalition's, not one organization's: every reviewer and admin may open them."""
    return get_object_or_404(Revision, pk=revision_id)


@staff_view(*REVIEW_ROLES)
@require_http_methods(["GET", "POST"])
def revision_detail(request, revision_id):
    revision = get_revision_for_user(request, revision_id)
    if request.method == "POST":
        try:
            if request.POST.get("do") == "review":
                actions.record_review(revision, kind=request.POST.get("kind", ""), actor=request.user)
                messages.success(request, _("Review recorded."))
            else:
                revision = actions.edit_text(
                    revision, title=request.POST.get("title", ""), body=request.POST.get("body", ""), actor=request.user
                )
                messages.success(request, _("A new draft revision was saved."))
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
        return redirect("rights_revision", revision_id=revision.pk)
    return render(
        request,
        "rights/revision.html",
        {
            "revision": revision,
            "rendered": content.render(revision.body),
            "reviews": revision.reviews.select_related("organization"),
            "kinds": Review.Kind.choices,
            "public": library.public_review(revision),
        },
    )
