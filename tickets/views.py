from django.conf import settings
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from kb.models import PageBlock
from runbooks.models import Runbook


@require_GET
def ticket_create(request):
    """Contact support. Until the ticket form lands, this page gives the checklist and address."""
    runbook = (
        Runbook.objects.published().filter(slug=request.GET.get("runbook", "")).first()
        if request.GET.get("runbook")
        else None
    )
    context = {
        "blocks": PageBlock.as_dict(),
        "runbook": runbook,
        "support_email": settings.SUPPORT_EMAIL,
    }
    return TemplateResponse(request, "tickets/ticket_create.html", context)
