"""Log actions of the editors' decisions on requests, for Wagtail's history views."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import LogFormatter

from .request_display import describe_log_data


class RequestActionFormatter(LogFormatter):
    """Show the action's label followed by its data in words."""

    def format_message(self, log_entry):
        details = describe_log_data(log_entry.action, log_entry.data)
        if not details:
            return str(self.message)
        return _("%(action)s: %(details)s") % {
            "action": self.message,
            "details": "; ".join(details),
        }


# (action, label, message): the label names the action in filters, the
# message starts each line of a request's history.
REQUEST_ACTIONS = [
    (
        "wagtail_kanskaart.approved",
        gettext_lazy("Approve request"),
        gettext_lazy("Request approved"),
    ),
    (
        "wagtail_kanskaart.declined",
        gettext_lazy("Decline request"),
        gettext_lazy("Request declined"),
    ),
    (
        "wagtail_kanskaart.booking_changed",
        gettext_lazy("Change booking"),
        gettext_lazy("Booking changed"),
    ),
    (
        "wagtail_kanskaart.booking_cancelled",
        gettext_lazy("Cancel booking"),
        gettext_lazy("Booking cancelled"),
    ),
    (
        "wagtail_kanskaart.support_reassigned",
        gettext_lazy("Reassign support"),
        gettext_lazy("Support contact changed"),
    ),
]


def register_request_log_actions(registry):
    """Register the log actions of ``intake.actions`` with Wagtail's registry."""
    for action, label, message in REQUEST_ACTIONS:
        formatter = type(
            "RequestActionFormatter",
            (RequestActionFormatter,),
            {"label": label, "message": message},
        )
        registry.register_action(action)(formatter)
