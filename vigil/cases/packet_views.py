"""The referral packet as PDF for the provider's staff: the JSON packet's view (views.referral_packet), its
authorization and its audit, with the packet laid out for print (vigil/cases/packet_pdf.py)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.accounts.access import staff_view
from vigil.accounts.models import Role
from vigil.cases import actions, packet_pdf
from vigil.cases.access import get_packet_referral_for_user
from vigil.lib.fonts import FontMissing


@staff_view(Role.PROVIDER_STAFF)
def referral_packet_pdf(request, referral_id):
    """Who gets it is who gets the JSON: the staff of the provider that accepted the referral (a 404 before
    it accepts and for everyone else's staff). Labels in the reader's interface language."""
    referral = get_packet_referral_for_user(request, referral_id)
    packet = actions.referral_packet(referral, actor=request.user, format="pdf")
    try:
        data = packet_pdf.render(packet, provider_name=referral.provider.name, generated_at=timezone.now())
    except FontMissing:
        messages.error(request, _("The PDF cannot be made on this server (a font is missing): download the JSON."))
        return redirect("case_detail", case_id=referral.case_id)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="referral-{referral.case.code}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
