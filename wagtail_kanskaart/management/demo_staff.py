"""Demo editors, their moderation workflows, and requests that wait for them.

Used by the ``kanskaart_demo`` command. Every function only adds what is
missing, so running the command again changes nothing. All personal
data is made up and uses example.org addresses.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from ..intake import payouts
from ..intake.forms import RequestForm
from ..intake.submit import submit_request
from ..models import MunicipalityPage

PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")

# The IBAN that Dutch banks and many guides use as an example; it passes
# every check.
EXAMPLE_IBAN = "NL91ABNA0417164300"

EDITORS = {
    "roosendaal": "redacteur-roosendaal",
    "bergen-op-zoom": "redacteur-bergen",
}

# Requests for the demo editors. The idempotency key makes a second run
# return the first request instead of sending another.
REQUESTS = [
    {
        "municipality": "roosendaal",
        "key": "kanskaart-demo-roosendaal-in-review",
        "give_iban": False,
        "data": {
            "neighbourhood": "tolberg",
            "title": "Buurtbarbecue Tolberg",
            "description": "Een middag samen eten op het pleintje, voor alle buren.",
            "needs": ["budget", "support"],
            # Above the instant-grant limit of € 250, so an editor decides.
            "budget_amount": "400",
            "budget_purpose": "Vlees, brood, salades en een barbecue huren",
            "support_kind": "promote",
            "name": "Demo Bewoner",
            "email": "demo-bewoner@example.org",
            "consent": "on",
        },
    },
    {
        "municipality": "roosendaal",
        "key": "kanskaart-demo-roosendaal-granted",
        "give_iban": True,
        "data": {
            "neighbourhood": "kalsdonk",
            "title": "Voorleesmiddag Kalsdonk",
            "description": "Elke woensdag voorlezen voor kinderen uit de wijk.",
            "needs": ["budget"],
            "budget_amount": "150",
            "budget_purpose": "Kinderboeken en limonade",
            "name": "Demo Bewoonster",
            "email": "demo-bewoonster@example.org",
            "consent": "on",
        },
    },
]


@dataclass
class EditorLogin:
    municipality: str
    username: str
    password: str | None  # None when the user existed already


def ensure_editor_group(municipality) -> Group:
    """Return the group "Redactie <municipality>" with admin access and page
    permissions (add, change, publish) on the municipality's pages."""
    group, _created = Group.objects.get_or_create(name=f"Redactie {municipality.title}")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(
            group=group,
            page=municipality,
            permission=Permission.objects.get(codename=codename),
        )
    return group


def ensure_workflow(municipality, group) -> Workflow:
    """Let the group approve the municipality's initiatives and stories.

    A workflow that is already assigned to the municipality page is kept.
    """
    assigned = WorkflowPage.objects.filter(page=municipality).first()
    if assigned is not None:
        return assigned.workflow
    task, _created = GroupApprovalTask.objects.get_or_create(
        name=f"Redactie {municipality.title}"
    )
    task.groups.add(group)
    workflow, _created = Workflow.objects.get_or_create(
        name=f"Moderatie {municipality.title}"
    )
    WorkflowTask.objects.get_or_create(
        workflow=workflow, task=task, defaults={"sort_order": 0}
    )
    WorkflowPage.objects.create(workflow=workflow, page=municipality)
    return workflow


def ensure_editor(username, group, password) -> str | None:
    """Create the user in ``group``; return its password, or None if it existed."""
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is not None:
        user.groups.add(group)
        return None
    user = user_model.objects.create_user(username, f"{username}@example.org", password)
    user.groups.add(group)
    return password


def ensure_editors(password) -> list[EditorLogin]:
    """Give each demo municipality an editors' group, a workflow and an editor."""
    logins = []
    for slug, username in EDITORS.items():
        municipality = MunicipalityPage.objects.filter(slug=slug).first()
        if municipality is None:
            continue
        group = ensure_editor_group(municipality)
        ensure_workflow(municipality, group)
        created_password = ensure_editor(username, group, password)
        logins.append(EditorLogin(municipality.title, username, created_password))
    return logins


class DemoDataError(Exception):
    """A demo request does not pass the form's checks."""


def ensure_requests() -> list:
    """Submit the demo requests once; return them.

    The granted request gets the example IBAN, so an editor can put it in a
    payout batch at once.
    """
    requests = []
    for spec in REQUESTS:
        municipality = MunicipalityPage.objects.get(slug=spec["municipality"])
        form = RequestForm(spec["data"], municipality=municipality)
        if not form.is_valid():
            raise DemoDataError(
                f"Demo request {spec['key']} is invalid: {form.errors.as_json()}"
            )
        result = submit_request(
            municipality, form.cleaned_data, idempotency_key=spec["key"]
        )
        request = result.request
        if spec["give_iban"] and not request.iban and payouts.may_give_iban(request):
            request = payouts.give_iban(
                request, payouts.parse_iban(EXAMPLE_IBAN), spec["data"]["name"]
            )
        requests.append(request)
    return requests
