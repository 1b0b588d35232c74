"""Response bodies. Public ones hold public fields only: never a resident's details.

Money is a string with two decimals ("150.00"), as DRF renders ``Decimal``.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


def money():
    # Explicit, so a site's COERCE_DECIMAL_TO_STRING cannot turn money into
    # JSON numbers.
    return serializers.DecimalField(
        max_digits=12, decimal_places=2, coerce_to_string=True
    )


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="A stable code, e.g. invalid, not_found.")
    message = serializers.CharField(help_text="A sentence in the request's language.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Messages per field path, e.g. contact.email, needs.budget.amount.",
    )
    retry_after = serializers.IntegerField(
        required=False, help_text="Seconds to wait, with a 429."
    )


class ChoiceSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField(help_text="In the request's language.")


class LimitsSerializer(serializers.Serializer):
    min_request_amount = money()
    max_request_amount = money()
    instant_grant_limit = money()
    space_booking_days_ahead = serializers.IntegerField()


class NeighbourhoodLimitsSerializer(serializers.Serializer):
    max_request_amount = money()
    instant_grant_limit = money()


class NeighbourhoodSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    limits = NeighbourhoodLimitsSerializer(
        help_text="The limits of the budget that covers this neighbourhood today."
    )


class NeighbourhoodRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class SpaceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    capacity = serializers.IntegerField()
    neighbourhoods = serializers.ListField(
        child=serializers.CharField(),
        help_text="Neighbourhood slugs; empty means every neighbourhood.",
    )


class MoneySerializer(serializers.Serializer):
    total = money()
    granted = money()
    paid = money()
    available = money()


class MunicipalitySerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    url = serializers.CharField(allow_null=True)
    form_url = serializers.CharField(allow_null=True)
    privacy_url = serializers.CharField()
    needs = ChoiceSerializer(many=True)
    support_kinds = ChoiceSerializer(many=True)
    neighbourhoods = NeighbourhoodSerializer(many=True)
    spaces = SpaceSerializer(many=True)
    limits = LimitsSerializer()
    budget = MoneySerializer(help_text="The sum of the budgets open today.")


class BudgetSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField(allow_null=True)
    municipality = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    is_open = serializers.BooleanField(help_text="Today lies within the period.")
    neighbourhoods = serializers.ListField(
        child=serializers.CharField(),
        help_text="Neighbourhood slugs; empty means every neighbourhood.",
    )
    money = MoneySerializer()


class InitiativeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField(allow_null=True)
    municipality = serializers.CharField()
    neighbourhood = NeighbourhoodRefSerializer(allow_null=True)
    summary = serializers.CharField()
    needs = serializers.ListField(child=serializers.CharField())
    first_published_at = serializers.DateTimeField(allow_null=True)


class ImageSerializer(serializers.Serializer):
    url = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    alt = serializers.CharField()


class InitiativeRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField(allow_null=True)


class StorySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField(allow_null=True)
    municipality = serializers.CharField()
    intro = serializers.CharField()
    body = serializers.CharField(help_text="HTML.")
    image = ImageSerializer(allow_null=True, help_text="The first photo, or null.")
    photos = ImageSerializer(
        many=True,
        help_text="Every photo of the story, in order; alt is the photo's "
        "caption, or the image's title without one.",
    )
    initiative = InitiativeRefSerializer(allow_null=True)
    neighbourhood = NeighbourhoodRefSerializer(allow_null=True)
    first_published_at = serializers.DateTimeField(allow_null=True)


class NeedOutcomeSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="budget, space or support.")
    status = serializers.CharField(
        help_text="arranged, in_review, declined or withdrawn."
    )
    reason = serializers.CharField(help_text="A code, e.g. above_instant_limit.")
    title = serializers.CharField()
    message = serializers.CharField()
    details = serializers.DictField(
        help_text="budget: amount. space: space, address, starts_at, ends_at. "
        "support: name, organisation, response_days."
    )


class SubmitResponseSerializer(serializers.Serializer):
    reference = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    message = serializers.CharField()
    outcome = NeedOutcomeSerializer(many=True)
    status_url = serializers.CharField(
        help_text="The resident's own status page; keep it secret. Empty without "
        "a form page."
    )
    status_api_url = serializers.CharField(help_text="The same status, as JSON.")
    replayed = serializers.BooleanField(
        help_text="True when an Idempotency-Key repeat returned the first outcome."
    )


class StatusStorySerializer(serializers.Serializer):
    state = serializers.CharField(
        help_text="The state of the resident's story: not_yet, can_write, "
        "in_review, changes_requested, published, waiting or closed; see "
        "status/<token>/story/."
    )
    url = serializers.CharField(help_text="The published story's address, or empty.")


class StatusSerializer(serializers.Serializer):
    reference = serializers.CharField()
    title = serializers.CharField()
    municipality = serializers.CharField()
    neighbourhood = NeighbourhoodRefSerializer()
    created_at = serializers.DateTimeField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    message = serializers.CharField()
    outcome = NeedOutcomeSerializer(many=True)
    can_withdraw = serializers.BooleanField()
    status_url = serializers.CharField()
    story = StatusStorySerializer()


class ListFilterSerializer(serializers.Serializer):
    municipality = serializers.CharField(
        help_text="A municipality slug.",
        error_messages={
            "required": _("Add ?municipality= with the slug of a municipality."),
            "blank": _("Add ?municipality= with the slug of a municipality."),
        },
    )
    neighbourhood = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="A neighbourhood slug of that municipality.",
    )


class BudgetFilterSerializer(ListFilterSerializer):
    open = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="true: only budgets open today; false: only the others.",
        error_messages={"invalid": _("Use true or false.")},
    )


class LanguageQuerySerializer(serializers.Serializer):
    language = serializers.ChoiceField(
        choices=[("nl", "nl"), ("en", "en")],
        required=False,
        help_text="The language of labels and messages; nl by default.",
    )
