"""Demo editors, their moderation workflows, and requests that wait for them.

Used by the ``kanskaart_demo`` command. Every function only adds what is
missing, so running the command again changes nothing. All personal
data is made up and uses example.org addresses.
"""

import io
import zlib
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.images import ImageFile
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from ..intake import lifecycle, payouts
from ..intake.forms import RequestForm
from ..intake.submit import submit_request
from ..models import MunicipalityPage, Neighbourhood
from ..models.requests import RequestStatus

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
        "pay": False,
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
        "pay": False,
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
    {
        # Paid already, so its resident can write her story at once.
        "municipality": "roosendaal",
        "key": "kanskaart-demo-roosendaal-paid",
        "give_iban": True,
        "pay": True,
        "data": {
            "neighbourhood": "kalsdonk",
            "title": "Plantenbakken Kalsdonk",
            "description": "Samen bloemen planten in bakken langs de stoep.",
            "needs": ["budget"],
            "budget_amount": "120",
            "budget_purpose": "Plantenbakken, aarde en bloemen",
            "name": "Demo Tuinierster",
            "email": "demo-tuinierster@example.org",
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
    payout batch at once. The paid one is paid by hand, so its resident can
    write her story straight away.
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
        if spec["pay"] and request.status == RequestStatus.GRANTED:
            request = lifecycle.mark_paid(request)
        requests.append(request)
    return requests


def resident_links(requests) -> list[tuple[str, str]]:
    """Return the links a tester needs: the paid request's status page, where
    its resident writes her story, and the short address of the Kalsdonk card."""
    from ..views.urls import status_url

    links = [
        (
            f"Status page of {request.reference} ({request.title}, paid)",
            status_url(request),
        )
        for request in requests
        if request.status == RequestStatus.PAID
    ]
    kalsdonk = Neighbourhood.objects.filter(
        municipality__slug="roosendaal", slug="kalsdonk"
    ).first()
    form_page = kalsdonk.municipality.form_page if kalsdonk else None
    if kalsdonk is not None and form_page is not None:
        root = form_page.get_site().root_url
        links.append(("Paper card of Kalsdonk", f"{root}/k/{kalsdonk.card_code}/"))
    return links


def demo_photo(title):
    """Return a Wagtail image for a demo story: a simple drawing of a street
    party made with Pillow, so the demo ships no photo of real people."""
    from PIL import Image, ImageDraw
    from wagtail.images import get_image_model

    image_model = get_image_model()
    existing = image_model.objects.filter(title=title).first()
    if existing is not None:
        return existing
    # The same title always gives the same colours.
    hue = zlib.crc32(title.encode()) % 360
    picture = Image.new("RGB", (1200, 800), f"hsl({hue}, 60%, 85%)")
    draw = ImageDraw.Draw(picture)
    draw.rectangle((0, 560, 1200, 800), fill=f"hsl({(hue + 120) % 360}, 35%, 55%)")
    for index in range(12):
        x = 60 + index * 95
        draw.polygon(
            [(x, 90), (x + 70, 90), (x + 35, 150)],
            fill=f"hsl({(hue + index * 30) % 360}, 80%, 55%)",
        )
    draw.line((40, 90, 1160, 90), fill="black", width=4)
    for index in range(5):
        x = 170 + index * 200
        colour = f"hsl({(hue + 60 + index * 50) % 360}, 55%, 45%)"
        draw.ellipse((x, 300, x + 90, 390), fill="#f1c27d")
        draw.rectangle((x + 5, 390, x + 85, 560), fill=colour)
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=85)
    return image_model.objects.create(
        title=title, file=ImageFile(buffer, name="kanskaart-demo.jpg")
    )
