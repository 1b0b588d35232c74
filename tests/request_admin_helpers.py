"""Helpers for the tests of the request admin: addresses, requests, languages."""

from django.urls import reverse
from wagtail.users.models import UserProfile

from tests.factories import submit_form
from wagtail_kanskaart.models import InitiativeRequest, Notification

URL_PREFIX = "wagtail_kanskaart_initiativerequest_modeladmin"


def index_url():
    return reverse(f"{URL_PREFIX}_index")


def inspect_url(request_obj):
    return reverse(f"{URL_PREFIX}_inspect", args=[request_obj.pk])


def history_url(request_obj):
    return reverse(f"{URL_PREFIX}_history", args=[request_obj.pk])


def action_url(action, request_obj_or_pk):
    pk = getattr(request_obj_or_pk, "pk", request_obj_or_pk)
    return reverse(f"{URL_PREFIX}_{action}", args=[pk])


def speak_english(user):
    """Show the admin in English to ``user``, so tests can compare msgids."""
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


def submit(municipality, **overrides):
    """Submit a request through the intake service and return it fresh."""
    request_obj = submit_form(municipality, **overrides).request
    return InitiativeRequest.objects.get(pk=request_obj.pk)


def reload(request_obj):
    return InitiativeRequest.objects.get(pk=request_obj.pk)


def need_of(request_obj, kind):
    return reload(request_obj).need_set.get(kind=kind)


def queued(request_obj, event):
    """Return the (audience, recipient) pairs queued for an event of a request."""
    return set(
        Notification.objects.filter(request=request_obj, event=event).values_list(
            "audience", "recipient"
        )
    )


def messages_of(response):
    return [str(message).strip() for message in response.context["messages"]]
