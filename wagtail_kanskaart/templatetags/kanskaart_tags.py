"""Template tags for the public pages: money, need labels and form controls."""

from decimal import Decimal, InvalidOperation

import phonenumbers
from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse

from ..conf import kanskaart_settings
from ..intake import forms as intake_forms
from ..intake.outcome import format_period, need_name
from ..models.requests import NeedStatus, RequestStatus
from ..transparency import first_story_photo, redact_contact_details
from ..transparency import local_date as site_local_date

register = template.Library()


@register.filter
def euro(amount):
    """Format an amount as Dutch-style euros in the active language, e.g. "€ 1.250,00".

    Returns "" for None, so an empty amount never shows as "€ None".
    """
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return ""
    return intake_forms.euro(value)


@register.filter
def need_label(kind):
    """Return the resident's word for a need kind, e.g. "Money" for "budget"."""
    return need_name(kind)


@register.filter
def need_status_label(status):
    try:
        return NeedStatus(status).label
    except ValueError:
        return status


@register.filter
def request_status_label(status):
    try:
        return RequestStatus(status).label
    except ValueError:
        return status


@register.simple_tag
def kanskaart_control(field, required=False, extra_hint=False):
    """Render a bound field's widget with its hints and error tied to it.

    ``aria-describedby`` lists the help text (``<id>_helptext``), the extra
    hint (``<id>_extrahint``) when ``extra_hint`` is true, and the error
    (``<id>_error``), in reading order. ``required`` sets ``aria-required``:
    the form has ``novalidate``, so the server's messages are the only
    validation a resident sees.
    """
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}_helptext")
    if extra_hint:
        described_by.append(f"{field.auto_id}_extrahint")
    if field.errors:
        described_by.append(f"{field.auto_id}_error")

    attrs = {}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    if required:
        attrs["aria-required"] = "true"
    return field.as_widget(attrs=attrs)


@register.simple_tag
def kanskaart_option_id(field, index):
    """Return the id of one checkbox or radio option of a group.

    The first option gets the group's own id (``id_needs``), so the links in
    the error summary move focus to the first option, as GOV.UK does.
    """
    return field.auto_id if index == 0 else f"{field.auto_id}_{index}"


@register.simple_tag(takes_context=True)
def kanskaart_municipality(context):
    """Return the municipality page of the page being shown, or None."""
    municipality = context.get("municipality")
    if municipality is not None:
        return municipality
    page = context.get("page")
    if page is None:
        return None

    from ..models import MunicipalityPage

    if isinstance(page, MunicipalityPage):
        return page
    return MunicipalityPage.objects.ancestor_of(page).live().last()


@register.filter
def with_status(needs, status):
    """Return the needs of an outcome that have this status, e.g. "arranged"."""
    return [need for need in needs if need.status == status]


@register.filter
def need_of(needs, kind):
    """Return the need of this kind from a list of needs, or None."""
    return next((need for need in needs if need.kind == kind), None)


@register.filter
def booking_period(details):
    """Return the booked period of a space need, e.g. "Tuesday 3 March, 10:00 to 12:00".

    Returns "" when the details hold no booking.
    """
    if not details or "starts_at" not in details or "ends_at" not in details:
        return ""
    return format_period(details["starts_at"], details["ends_at"])


@register.filter
def support_kind_label(value):
    """Return the label of a kind of support from ``KANSKAART_SUPPORT_KINDS``."""
    return dict(kanskaart_settings.SUPPORT_KINDS).get(value, value)


@register.simple_tag
def kanskaart_admin_url(request_obj):
    """Return an absolute admin address for a request, for the editors' e-mail.

    Points at the request's inspect view when the request admin is installed,
    otherwise at the admin dashboard.
    """
    try:
        path = reverse(
            "wagtail_kanskaart_initiativerequest_modeladmin_inspect",
            kwargs={"instance_pk": request_obj.pk},
        )
    except NoReverseMatch:
        path = reverse("wagtailadmin_home")
    return _admin_absolute(path)


@register.simple_tag
def kanskaart_admin_page_url(page_id):
    """Return the absolute admin address to edit a page, or "" without a page."""
    if not page_id:
        return ""
    return _admin_absolute(reverse("wagtailadmin_pages:edit", args=[page_id]))


def _admin_absolute(path):
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "") or ""
    return base.rstrip("/") + path


@register.filter
def public_text(text):
    """Return resident-written text with e-mail addresses and phone numbers removed."""
    return redact_contact_details(text)


@register.filter
def phone_display(value):
    """Format a stored E.164 phone number for people: "06 12345678" for Dutch numbers.

    Numbers from other countries keep their country code ("+32 470 12 34 56").
    """
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "NL")
    except phonenumbers.NumberParseException:
        return value
    if number.country_code == 31:
        return phonenumbers.format_number(
            number, phonenumbers.PhoneNumberFormat.NATIONAL
        )
    return phonenumbers.format_number(
        number, phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )


@register.simple_tag
def story_photo(story):
    """Return a story's first ``StoryPhoto`` (image and caption), or None."""
    return first_story_photo(story)


@register.filter
def local_date(moment):
    """Return the date of an aware datetime in ``KANSKAART_TIME_ZONE``."""
    return site_local_date(moment)
