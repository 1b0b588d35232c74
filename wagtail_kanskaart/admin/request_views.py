"""Views of the request admin: the list with its export, inspect, history, actions.

The views check who may see a request and collect the editor's input; what
an action does lives in ``intake.actions``.
"""

import datetime
from collections import OrderedDict
from decimal import Decimal

from django.contrib.admin.utils import quote
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic.edit import FormView
from wagtail.admin import messages
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail_modeladmin.views import HistoryView, IndexView, InspectView

from ..exports import readable_phone, spreadsheet_text
from ..intake import actions
from ..models import InitiativeRequest, PayoutBatch
from ..models.requests import NeedKind, NeedStatus
from . import request_display as display
from . import request_forms
from .permissions import editable_municipalities
from .request_filters import filter_parameters, source_choice_label
from .spreadsheets import SpreadsheetDownloadMixin


def may_see(user, request_obj) -> bool:
    """Return whether ``user`` may see and act on this request."""
    return editable_municipalities(user).filter(pk=request_obj.municipality_id).exists()


def forbidden(request, model_admin):
    """Return a 403 page for a request of a municipality the editor may not edit.

    The views return it instead of raising ``PermissionDenied``, which
    Wagtail's admin turns into a redirect to the dashboard.
    """
    return TemplateResponse(
        request,
        "wagtail_kanskaart/admin/requests/forbidden.html",
        {"index_url": model_admin.url_helper.index_url},
        status=403,
    )


class ScopedInstanceMixin:
    """Return 403 for a request outside the editor's municipalities."""

    def dispatch(self, request, *args, **kwargs):
        if not may_see(request.user, self.instance):
            return forbidden(request, self.model_admin)
        return super().dispatch(request, *args, **kwargs)


# The list and its export


class RequestIndexView(SpreadsheetDownloadMixin, IndexView):
    """The request list, with only the package's own filters in the address.

    Other query parameters are dropped: modeladmin would otherwise apply
    them as database lookups, which could follow relations out of the
    editor's scope, and raise an error on a name it does not know.
    """

    def get_filters_params(self, params=None):
        lookup_params = super().get_filters_params(params)
        allowed = filter_parameters()
        return {key: value for key, value in lookup_params.items() if key in allowed}

    sheet_title = gettext_lazy("Requests")

    @property
    def export_headings(self):
        return self.model_admin.export_headings

    def get_filename(self):
        today = display.local_datetime(timezone.now()).date()
        return f"kanskaart-{_('requests')}-{today.isoformat()}"

    def to_row_dict(self, item):
        return OrderedDict(
            (name, value)
            for name, value in export_row(item).items()
            if name in self.list_export
        )

    def preprocess_field_value(self, field, value, export_format):
        if value is None:
            return ""
        if isinstance(value, datetime.datetime):
            local = display.local_datetime(value)
            if export_format == self.FORMAT_XLSX:
                # XLSX has no time zones: the cell shows Amsterdam time.
                return local.replace(tzinfo=None)
            return local.strftime("%Y-%m-%d %H:%M")
        if isinstance(value, Decimal):
            if export_format == self.FORMAT_XLSX:
                return value
            return f"{value:.2f}"
        # Wagtail's CSV export writes text as it is, so a title such as
        # "=HYPERLINK(...)" would run as a formula. Both formats therefore
        # get the package's neutralised text.
        return spreadsheet_text(value)

    def generate_xlsx_row(self, worksheet, row_dict, date_format=None):
        for cell, value in zip(
            super().generate_xlsx_row(worksheet, row_dict, date_format=date_format),
            row_dict.values(),
            strict=True,
        ):
            if isinstance(value, Decimal):
                cell.number_format = "#,##0.00"
            yield cell


def export_row(request_obj) -> OrderedDict:
    """Return one request as export cells: text, Decimal amounts, aware datetimes."""
    return OrderedDict(
        [
            ("reference", request_obj.reference),
            ("created_at", request_obj.created_at),
            ("municipality", request_obj.municipality.title),
            ("neighbourhood", request_obj.neighbourhood.name),
            ("title", request_obj.title),
            ("needs", display.need_labels(request_obj.needs)),
            ("budget_amount", request_obj.budget_amount),
            ("granted_amount", display.granted_amount(request_obj)),
            ("status", display.status_label(request_obj.status)),
            ("source", source_choice_label(request_obj.source)),
            ("name", request_obj.name),
            ("email", request_obj.email),
            ("phone", readable_phone(request_obj.phone)),
        ]
    )


# Inspect and history


class RequestInspectView(ScopedInstanceMixin, InspectView):
    """A request's answers in words, what was arranged, and its history."""

    def get_template_names(self):
        return ["wagtail_kanskaart/admin/requests/inspect.html"]

    def get_page_subtitle(self):
        return self.instance.reference

    def get_context_data(self, **kwargs):
        request_obj = (
            InitiativeRequest.objects.select_related(
                "municipality", "neighbourhood", "budget", "payout_batch"
            )
            .prefetch_related("need_set")
            .get(pk=self.instance.pk)
        )
        waiting_kinds = [
            need.kind
            for need in request_obj.need_set.all()
            if need.status == NeedStatus.IN_REVIEW
        ]
        context = super().get_context_data(**kwargs)
        open_batch = request_obj.payout_batch
        if open_batch is not None and open_batch.status != PayoutBatch.Status.OPEN:
            open_batch = None
        context.update(
            request_obj=request_obj,
            open_batch=open_batch,
            open_batch_url=(
                reverse("kanskaart_payouts:batch", args=[open_batch.pk])
                if open_batch
                else ""
            ),
            status_label=display.status_label(request_obj.status),
            submitted_at=display.datetime_text(request_obj.created_at),
            need_rows=display.need_rows(request_obj),
            money_rows=display.money_rows(request_obj),
            phone=display.phone_text(request_obj.phone),
            iban_given_at=display.datetime_text(request_obj.iban_given_at),
            source=display.source_label(request_obj.source),
            language=display.language_label(request_obj.language),
            history_rows=display.history_rows(request_obj),
            ledger_rows=display.ledger_rows(request_obj),
            notification_rows=display.notification_rows(request_obj),
            action_buttons=action_buttons(self.model_admin, request_obj),
            waiting_needs=[display.need_label(kind) for kind in waiting_kinds],
            arrange_by_hand=bool(
                {NeedKind.SPACE, NeedKind.SUPPORT} & set(waiting_kinds)
            ),
        )
        return context


class LogTextColumn(Column):
    def get_value(self, instance):
        return display.log_text(instance)


class LogActorColumn(Column):
    def get_value(self, instance):
        return display.log_actor(instance)


class RequestHistoryView(ScopedInstanceMixin, HistoryView):
    """modeladmin's history view, limited to the editor's municipalities.

    modeladmin itself checks no permission on its history view. Every
    entry shows its data in words and names the resident as the actor of
    what she did herself, like the history on the inspect page.
    """

    columns = [
        LogTextColumn("message", label=gettext_lazy("Action")),
        LogActorColumn("user", label=gettext_lazy("By")),
        DateColumn("timestamp", label=gettext_lazy("Date")),
    ]

    def check_action_permitted(self, user):
        return self.permission_helper.user_can_inspect_obj(user, self.instance)


# Actions


ACTION_LABELS = {
    actions.APPROVE: gettext_lazy("Approve"),
    actions.DECLINE: gettext_lazy("Decline"),
    actions.MARK_PAID: gettext_lazy("Mark paid"),
    actions.CHANGE_BOOKING: gettext_lazy("Change booking"),
    actions.CANCEL_BOOKING: gettext_lazy("Cancel booking"),
    actions.REASSIGN_SUPPORT: gettext_lazy("Reassign support"),
}

SERIOUS_ACTIONS = {actions.DECLINE, actions.CANCEL_BOOKING}


def action_buttons(model_admin, request_obj) -> list[dict]:
    """Return a button per action the request's state allows now, serious ones last."""
    available = actions.available_actions(request_obj)
    available.sort(key=lambda action: action in SERIOUS_ACTIONS)
    return [
        {
            "action": action,
            "label": ACTION_LABELS[action],
            "url": model_admin.url_helper.get_action_url(action, quote(request_obj.pk)),
            "serious": action in SERIOUS_ACTIONS,
        }
        for action in available
    ]


class RequestActionView(FormView):
    """A confirm or form page for one action; POST runs it.

    An unknown request gives 404 and a request of a municipality the editor
    may not edit gives 403. An action that the request's state does not
    allow sends the editor back to the request with the reason.
    """

    http_method_names = ["get", "post"]
    template_name = "wagtail_kanskaart/admin/requests/action.html"
    model_admin = None
    action = None
    page_title = ""
    intro = ""
    submit_label = ""

    def dispatch(self, request, *args, instance_pk=None, **kwargs):
        try:
            pk = int(instance_pk)
        except (TypeError, ValueError):
            raise Http404 from None
        self.object = (
            InitiativeRequest.objects.select_related(
                "municipality", "neighbourhood", "budget", "payout_batch"
            )
            .filter(pk=pk)
            .first()
        )
        if self.object is None:
            raise Http404
        if not may_see(request.user, self.object):
            return forbidden(request, self.model_admin)
        message = actions.refusal(self.object, self.action)
        if message is not None:
            messages.error(request, message)
            return redirect(self.inspect_url)
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def inspect_url(self):
        return self.model_admin.url_helper.get_action_url(
            "inspect", quote(self.object.pk)
        )

    def get_success_url(self):
        return self.inspect_url

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["request_obj"] = self.object
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            view=self,
            request_obj=self.object,
            inspect_url=self.inspect_url,
            status_label=display.status_label(self.object.status),
            need_rows=display.need_rows(self.object),
            serious=self.action in SERIOUS_ACTIONS,
        )
        return context

    def form_valid(self, form):
        try:
            message = self.perform(form)
        except actions.ActionNotAllowed as error:
            messages.error(self.request, error.message)
            return redirect(self.inspect_url)
        except actions.ActionError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, error.message)
            return self.form_invalid(form)
        messages.success(self.request, message)
        return redirect(self.get_success_url())

    def perform(self, form) -> str:
        """Run the action; return the success message. Raise ``ActionError``."""
        raise NotImplementedError


class ApproveView(RequestActionView):
    action = actions.APPROVE
    form_class = request_forms.ApproveForm
    page_title = gettext_lazy("Approve request")
    submit_label = gettext_lazy("Yes, approve")
    intro = gettext_lazy(
        "Everything that waits for a decision is arranged now, where possible. "
        "The resident gets a message."
    )

    @cached_property
    def budget_waits(self):
        need = self.object.need(NeedKind.BUDGET)
        return need is not None and need.status == NeedStatus.IN_REVIEW

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["with_amount"] = self.budget_waits
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.budget_waits:
            context["limit_rows"] = self.limit_rows()
        return context

    def limit_rows(self):
        from ..intake import policy

        limits = actions.approval_limits(self.object)
        if limits.budget is None:
            return [(_("Budget"), _("No budget covers this neighbourhood today."))]
        held = policy.granted_to_resident(
            limits.budget,
            policy.resident_keys(self.object),
            exclude_request=self.object,
        )
        return [
            (_("Budget"), limits.budget.title),
            (_("Money left"), display.money_text(policy.money_left(limits.budget))),
            (_("Maximum per request"), display.money_text(limits.max_request_amount)),
            (_("Instant grant limit"), display.money_text(limits.instant_grant_limit)),
            (
                _("This resident already has from this budget"),
                display.money_text(held),
            ),
            (_("Maximum per resident"), display.money_text(limits.resident_cap)),
        ]

    def perform(self, form):
        result = actions.approve(
            self.object, user=self.request.user, amount=form.cleaned_data.get("amount")
        )
        if not result.arranged:
            raise actions.ActionError(
                _(
                    "Nothing could be arranged: %(needs)s still waits. Use "
                    '"Change booking" or "Reassign support" to arrange it '
                    "by hand."
                )
                % {"needs": display.need_labels(result.in_review)}
            )
        if result.in_review:
            return _(
                'Approved: %(arranged)s. Still waiting: %(waiting)s. Use "Change '
                'booking" or "Reassign support" to arrange it by hand.'
            ) % {
                "arranged": display.need_labels(result.arranged),
                "waiting": display.need_labels(result.in_review),
            }
        return _("Approved: %(arranged)s. The resident gets a message.") % {
            "arranged": display.need_labels(result.arranged)
        }


class DeclineView(RequestActionView):
    action = actions.DECLINE
    form_class = request_forms.DeclineForm
    page_title = gettext_lazy("Decline request")
    submit_label = gettext_lazy("Yes, decline")
    intro = gettext_lazy(
        "Reserved money goes back to the budget, booked rooms are cancelled "
        "and the initiative page goes offline. The resident gets a message "
        "with your reason."
    )

    def perform(self, form):
        actions.decline(
            self.object, form.cleaned_data["reason"], user=self.request.user
        )
        return _("The request is declined. The resident gets a message.")


class MarkPaidView(RequestActionView):
    action = actions.MARK_PAID
    form_class = request_forms.MarkPaidForm
    page_title = gettext_lazy("Mark request paid")
    submit_label = gettext_lazy("Yes, mark paid")
    intro = gettext_lazy(
        "Only do this when the money was transferred to the resident. The "
        "reserved money then counts as paid in the budget."
    )

    def get_context_data(self, **kwargs):
        from ..intake import ledger

        context = super().get_context_data(**kwargs)
        context["limit_rows"] = [
            (_("Amount to pay"), display.money_text(ledger.reserved_for(self.object))),
            (_("IBAN"), self.object.iban or _("not given yet")),
            (_("Account holder"), self.object.iban_holder or "-"),
        ]
        return context

    def perform(self, form):
        actions.mark_paid(self.object, user=self.request.user)
        return _("The request is marked paid.")


class ChangeBookingView(RequestActionView):
    action = actions.CHANGE_BOOKING
    form_class = request_forms.ChangeBookingForm
    page_title = gettext_lazy("Change booking")
    submit_label = gettext_lazy("Book this room")
    intro = gettext_lazy(
        "Choose a room, a date and a time. The current booking is cancelled "
        "when the new one succeeds. The resident and the room's manager get a "
        "message."
    )

    def perform(self, form):
        data = form.cleaned_data
        actions.change_booking(
            self.object,
            data["space"],
            data["date"],
            data["start"],
            data["end"],
            data["people"],
            user=self.request.user,
        )
        return _("The room is booked. The resident gets a message.")


class CancelBookingView(RequestActionView):
    action = actions.CANCEL_BOOKING
    form_class = request_forms.CancelBookingForm
    page_title = gettext_lazy("Cancel booking")
    submit_label = gettext_lazy("Yes, cancel the booking")
    intro = gettext_lazy(
        "The room becomes free for others and the resident's request for a "
        "room is declined. The resident gets a message with your reason."
    )

    def perform(self, form):
        actions.cancel_booking(
            self.object, form.cleaned_data["reason"], user=self.request.user
        )
        return _("The booking is cancelled. The resident gets a message.")


class ReassignSupportView(RequestActionView):
    action = actions.REASSIGN_SUPPORT
    form_class = request_forms.ReassignSupportForm
    page_title = gettext_lazy("Reassign support")
    submit_label = gettext_lazy("Assign this contact")
    intro = gettext_lazy(
        "Choose who helps the resident. The resident and the new support "
        "contact get a message."
    )

    def perform(self, form):
        contact = form.cleaned_data["contact"]
        actions.reassign_support(self.object, contact, user=self.request.user)
        return _("%(name)s now helps with this request.") % {"name": contact.name}


ACTION_VIEWS = {
    actions.APPROVE: ApproveView,
    actions.DECLINE: DeclineView,
    actions.MARK_PAID: MarkPaidView,
    actions.CHANGE_BOOKING: ChangeBookingView,
    actions.CANCEL_BOOKING: CancelBookingView,
    actions.REASSIGN_SUPPORT: ReassignSupportView,
}
