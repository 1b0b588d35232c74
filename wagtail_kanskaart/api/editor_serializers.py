"""Response bodies of the editors' endpoints. These hold personal data.

Only logged-in editors get them, and only for the municipalities they may
edit (see ``views.editor``).
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models.requests import RequestStatus
from .serializers import NeighbourhoodRefSerializer


def optional_money():
    return serializers.DecimalField(
        max_digits=12, decimal_places=2, coerce_to_string=True, allow_null=True
    )


class EditorMunicipalitySerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class EditorNeedSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="budget, space or support.")
    status = serializers.CharField(
        help_text="arranged, in_review, declined or withdrawn."
    )
    reason = serializers.CharField(
        help_text="A code, e.g. granted, approved, above_instant_limit."
    )
    details = serializers.DictField(
        help_text="What was arranged, as stored: budget: amount. space: "
        "booking, space, address, starts_at, ends_at. support: contact, name, "
        "organisation, response_days."
    )


class EditorRequestSerializer(serializers.Serializer):
    reference = serializers.CharField()
    url = serializers.CharField(help_text="This request in the editors' API.")
    admin_url = serializers.CharField(
        help_text="This request in the Wagtail admin; empty without the request admin."
    )
    created_at = serializers.DateTimeField()
    status = serializers.CharField()
    status_label = serializers.CharField(help_text="In the request's language.")
    municipality = EditorMunicipalitySerializer()
    neighbourhood = NeighbourhoodRefSerializer()
    title = serializers.CharField()
    budget_amount = optional_money()
    needs = EditorNeedSerializer(many=True)


class EditorSpaceAnswerSerializer(serializers.Serializer):
    date = serializers.DateField(allow_null=True)
    start = serializers.TimeField(allow_null=True)
    end = serializers.TimeField(allow_null=True)
    people = serializers.IntegerField(allow_null=True)


class EditorSupportAnswerSerializer(serializers.Serializer):
    kind = serializers.CharField()
    note = serializers.CharField()


class EditorContactSerializer(serializers.Serializer):
    name = serializers.CharField()
    email = serializers.CharField(help_text="Empty when the resident gave none.")
    phone = serializers.CharField(
        help_text="E.164, e.g. +31612345678; empty when the resident gave none."
    )


class EditorInitiativePageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    live = serializers.BooleanField()
    admin_url = serializers.CharField()


class EditorRequestDetailSerializer(EditorRequestSerializer):
    updated_at = serializers.DateTimeField()
    description = serializers.CharField()
    budget_purpose = serializers.CharField()
    space = EditorSpaceAnswerSerializer(
        allow_null=True, help_text="Null when no space was asked for."
    )
    support = EditorSupportAnswerSerializer(
        allow_null=True, help_text="Null when no support was asked for."
    )
    contact = EditorContactSerializer()
    source = serializers.CharField(help_text="Where it came from: form or api.")
    language = serializers.CharField()
    initiative_page = EditorInitiativePageSerializer(allow_null=True)


class EditorRequestFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=RequestStatus.choices,
        required=False,
        help_text="Only requests with this status.",
        error_messages={
            "invalid_choice": _(
                "Use one of these statuses: submitted, granted, in_review, "
                "declined, paid, completed, withdrawn."
            )
        },
    )
    municipality = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="A slug of a municipality you may edit.",
    )
    neighbourhood = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="A neighbourhood slug; with ?municipality= of that municipality.",
    )
