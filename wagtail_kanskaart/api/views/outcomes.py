"""The resident's outcome as JSON, shared by the submit and status endpoints."""

from django.urls import reverse

from ...intake.outcome import build_outcome
from ...intake.story import story_state
from ...views.urls import status_url

# The keys of each need's details that the API returns. The stored details
# also contain internal ids (booking, contact), which stay on the server.
# NOTE: details of need kinds added by hooks are not shown, because their
# keys are unknown here.
PUBLIC_DETAILS = {
    "budget": ("amount",),
    "space": ("space", "address", "starts_at", "ends_at"),
    "support": ("name", "organisation", "response_days"),
}


def outcome_items(outcome):
    return [
        {
            "kind": need.kind,
            "status": need.status,
            "reason": need.reason,
            "title": str(need.title),
            "message": str(need.message),
            "details": {
                key: need.details[key]
                for key in PUBLIC_DETAILS.get(need.kind, ())
                if key in need.details
            },
        }
        for need in outcome.needs
    ]


def status_api_url(request, token):
    return request.build_absolute_uri(
        reverse("kanskaart_api:status", kwargs={"token": token})
    )


def submit_payload(result, request):
    outcome = result.outcome
    return {
        "reference": outcome.reference,
        "status": outcome.status,
        "status_label": str(outcome.status_label),
        "message": str(outcome.message),
        "outcome": outcome_items(outcome),
        "status_url": status_url(result.request),
        "status_api_url": status_api_url(request, result.token),
        "replayed": not result.created,
    }


def status_payload(request_obj, language, can_withdraw):
    outcome = build_outcome(request_obj, language)
    story = story_state(request_obj)
    return {
        "reference": outcome.reference,
        "title": request_obj.title,
        "municipality": request_obj.municipality.slug,
        "neighbourhood": {
            "slug": request_obj.neighbourhood.slug,
            "name": request_obj.neighbourhood.name,
        },
        "created_at": request_obj.created_at,
        "status": outcome.status,
        "status_label": str(outcome.status_label),
        "message": str(outcome.message),
        "outcome": outcome_items(outcome),
        "can_withdraw": can_withdraw,
        "status_url": status_url(request_obj),
        "story": {"state": story.state, "url": story.url},
    }
