"""Create demo municipalities, neighbourhoods, budgets, rooms, stories and editors.

Running it again changes nothing that exists already, so it is safe to run
after every ``migrate``. The editors, their workflows and the requests that
wait for them come from ``management.demo_staff``.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from wagtail.models import Site

from ...models import (
    BudgetPage,
    InitiativePage,
    MunicipalityPage,
    Neighbourhood,
    RequestFormPage,
    Space,
    SpaceOpeningHours,
    StoryPage,
    StoryPhoto,
    SupportContact,
)
from .. import demo_staff

WEEKDAYS = range(0, 5)

MUNICIPALITIES = [
    {
        "slug": "roosendaal",
        "title": "Roosendaal",
        "neighbourhoods": [
            "Kalsdonk",
            "Tolberg",
            "Kroeven",
            "Langdonk",
            "Westrand",
            "Centrum",
        ],
        "budget": "Bewonersbudget Roosendaal",
        # Example accounts that pass the IBAN checks, for the payout files.
        "payout_iban": "NL20INGB0001234567",
        "spaces": [
            {
                "name": "Wijkcentrum Kalsdonk, zaal 1",
                "address": "Kalsdonksestraat 1, Roosendaal",
                "neighbourhoods": ["kalsdonk"],
                "capacity": 40,
            },
            {
                "name": "Buurthuis Tolberg",
                "address": "Tolbergstraat 2, Roosendaal",
                "neighbourhoods": ["tolberg", "langdonk"],
                "capacity": 25,
            },
        ],
        "contacts": [
            {
                "name": "Fatima",
                "organisation": "het buurtteam",
                "neighbourhoods": ["kalsdonk", "tolberg"],
            },
            {"name": "Johan", "organisation": "het buurtteam", "neighbourhoods": []},
        ],
        "initiatives": [
            (
                "Moestuin voor de buurt",
                "kalsdonk",
                ["budget", "support"],
                "Samen groente kweken op het grasveld achter de school.",
            ),
            (
                "Buitenspeeldag Tolberg",
                "tolberg",
                ["budget", "space"],
                "Een middag spelletjes op straat voor alle kinderen.",
            ),
            (
                "Koffieochtend voor moeders",
                "kroeven",
                ["space"],
                "Elke week koffie en praten met andere moeders uit de wijk.",
            ),
        ],
    },
    {
        "slug": "bergen-op-zoom",
        "title": "Bergen op Zoom",
        "neighbourhoods": [
            "Gageldonk",
            "Fort-Zeekant",
            "Warande",
            "Halsteren",
            "Centrum",
        ],
        "budget": "Bewonersbudget Bergen op Zoom",
        "payout_iban": "NL02ABNA0123456789",
        "spaces": [
            {
                "name": "Wijkgebouw Gageldonk",
                "address": "Gageldonkseweg 1, Bergen op Zoom",
                "neighbourhoods": ["gageldonk"],
                "capacity": 30,
            },
        ],
        "contacts": [
            {"name": "Samira", "organisation": "het wijkteam", "neighbourhoods": []},
        ],
        "initiatives": [
            (
                "Opruimactie Fort-Zeekant",
                "fort-zeekant",
                ["budget"],
                "Met de buren zwerfafval opruimen, met handschoenen en grijpers.",
            ),
            (
                "Kookclub Gageldonk",
                "gageldonk",
                ["space", "support"],
                "Samen gezond koken en eten, elke maand een ander land.",
            ),
        ],
    },
]


class Command(BaseCommand):
    help = (
        "Load demo data: Roosendaal and Bergen op Zoom with budgets, rooms and stories."
    )

    def add_arguments(self, parser):
        parser.add_argument("--admin-password", default="kanskaart-demo")
        parser.add_argument(
            "--editor-password",
            help="Password of the demo editors redacteur-roosendaal and "
            "redacteur-bergen. Default: the admin password.",
        )
        parser.add_argument(
            "--port",
            type=int,
            default=8000,
            help="Port the site runs on. Status links and admin links in the "
            "e-mails sent while the data loads use it.",
        )
        parser.add_argument(
            "--embed-origin",
            action="append",
            default=[],
            help="A website origin that may embed the form, e.g. "
            "http://127.0.0.1:8001. Repeat for more.",
        )

    def handle(self, *args, **options):
        # Admin links in e-mails come from WAGTAILADMIN_BASE_URL, which the
        # example site sets only for runserver, so point it at this port too.
        base_url = f"http://127.0.0.1:{options['port']}"
        with override_settings(WAGTAILADMIN_BASE_URL=base_url):
            admin_password, logins = self.load(options)
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        for label, url in self.links:
            self.stdout.write(f"{label}: {url}")
        self.print_logins(base_url, admin_password, logins)

    @transaction.atomic
    def load(self, options):
        site = Site.objects.get(is_default_site=True)
        # Status links in e-mails are built from the site's address.
        site.hostname, site.port = "127.0.0.1", options["port"]
        site.save()
        root = site.root_page.specific
        for spec in MUNICIPALITIES:
            municipality = self.load_municipality(root, spec)
            self.allow_origins(municipality, options["embed_origin"])
            self.set_payout_account(municipality, spec)
        admin_password = self.ensure_admin(options["admin_password"])
        logins = demo_staff.ensure_editors(
            options["editor_password"] or options["admin_password"]
        )
        try:
            requests = demo_staff.ensure_requests()
        except demo_staff.DemoDataError as error:
            raise CommandError(str(error)) from error
        self.links = demo_staff.resident_links(requests)
        return admin_password, logins

    def load_municipality(self, root, spec):
        municipality = MunicipalityPage.objects.filter(slug=spec["slug"]).first()
        if municipality is None:
            municipality = MunicipalityPage(
                title=spec["title"],
                slug=spec["slug"],
                intro=(
                    f"<p>Heb je een idee voor je buurt in {spec['title']}? "
                    "Vraag hulp, een ruimte of een klein budget. "
                    "Je hoort meteen wat er geregeld is.</p>"
                ),
                contact_email=f"kanskaart@{spec['slug']}.example.org",
                editors_email=f"redactie@{spec['slug']}.example.org",
                privacy_url=f"https://{spec['slug']}.example.org/privacy",
                instant_grant_limit=Decimal("250.00"),
                max_request_amount=Decimal("500.00"),
                resident_cap=Decimal("500.00"),
            )
            root.add_child(instance=municipality)
            municipality.save_revision().publish()
            self.stdout.write(f"Created municipality {spec['title']}")

        neighbourhoods = {}
        for name in spec["neighbourhoods"]:
            slug = name.lower().replace(" ", "-")
            neighbourhoods[slug], _created = Neighbourhood.objects.get_or_create(
                municipality=municipality, slug=slug, defaults={"name": name}
            )

        self.ensure_form_page(municipality)
        self.ensure_budget(municipality, spec["budget"])
        for space_spec in spec["spaces"]:
            self.ensure_space(municipality, space_spec, neighbourhoods)
        for contact_spec in spec["contacts"]:
            self.ensure_contact(municipality, contact_spec, neighbourhoods)
        for title, slug, needs, summary in spec["initiatives"]:
            self.ensure_initiative(
                municipality, title, neighbourhoods[slug], needs, summary
            )
        return municipality

    def allow_origins(self, municipality, origins):
        listed = municipality.allowed_origins.split()
        missing = [origin for origin in origins if origin not in listed]
        if not missing:
            return
        municipality.allowed_origins = "\n".join(listed + missing)
        municipality.save_revision().publish()

    def set_payout_account(self, municipality, spec):
        if municipality.payout_iban:
            return
        municipality.payout_account_name = f"Gemeente {spec['title']} (demo)"
        municipality.payout_iban = spec["payout_iban"]
        municipality.save_revision().publish()

    def print_logins(self, base_url, admin_password, logins):
        """Write the accounts to log in with, as the last lines of the output."""
        accounts = [("Administrator", "admin", admin_password)]
        accounts += [
            (f"Editor for {login.municipality}", login.username, login.password)
            for login in logins
        ]
        self.stdout.write(f"Log in at {base_url}/admin/ as:")
        for role, username, password in accounts:
            if password is None:
                credentials = "existing user, password unchanged"
            else:
                credentials = f"password {password}"
            self.stdout.write(f"  {role}: {username}, {credentials}")

    def ensure_form_page(self, municipality):
        if RequestFormPage.objects.child_of(municipality).exists():
            return
        page = RequestFormPage(
            title="Pak je kans",
            slug="kans",
            intro=(
                "<p>Vertel over je idee voor de buurt. Het kost je 2 minuten. "
                "Je hoort meteen wat we voor je regelen.</p>"
            ),
        )
        municipality.add_child(instance=page)
        page.save_revision().publish()

    def ensure_budget(self, municipality, title):
        if BudgetPage.objects.child_of(municipality).exists():
            return
        today = timezone.localdate()
        page = BudgetPage(
            title=title,
            slug="budget",
            intro=(
                "<p>Geld voor ideeën van bewoners. Geen bonnetjes, wel een verhaal.</p>"
            ),
            amount=Decimal("10000.00"),
            period_start=datetime.date(today.year, 1, 1),
            period_end=datetime.date(today.year + 1, 12, 31),
            instant_grant_limit=Decimal("250.00"),
            max_request_amount=Decimal("500.00"),
        )
        municipality.add_child(instance=page)
        page.save_revision().publish()

    def ensure_space(self, municipality, spec, neighbourhoods):
        if Space.objects.filter(municipality=municipality, name=spec["name"]).exists():
            return
        space = Space.objects.create(
            municipality=municipality,
            name=spec["name"],
            address=spec["address"],
            capacity=spec["capacity"],
            manager_name="Beheer",
            manager_email=f"beheer@{municipality.slug}.example.org",
        )
        space.neighbourhoods.set(
            [neighbourhoods[slug] for slug in spec["neighbourhoods"]]
        )
        space.save()
        for weekday in WEEKDAYS:
            SpaceOpeningHours.objects.create(
                space=space,
                weekday=weekday,
                opens=datetime.time(9, 0),
                closes=datetime.time(21, 0),
            )

    def ensure_contact(self, municipality, spec, neighbourhoods):
        if SupportContact.objects.filter(
            municipality=municipality, name=spec["name"]
        ).exists():
            return
        contact = SupportContact.objects.create(
            municipality=municipality,
            name=spec["name"],
            organisation=spec["organisation"],
            email=f"{spec['name'].lower()}@{municipality.slug}.example.org",
            response_days=2,
        )
        contact.neighbourhoods.set(
            [neighbourhoods[slug] for slug in spec["neighbourhoods"]]
        )

    def ensure_initiative(self, municipality, title, neighbourhood, needs, summary):
        if InitiativePage.objects.child_of(municipality).filter(title=title).exists():
            return
        initiative = InitiativePage(
            title=title, neighbourhood=neighbourhood, needs=needs, summary=summary
        )
        municipality.add_child(instance=initiative)
        initiative.save_revision().publish()
        story = StoryPage(
            title=f"Zo ging het: {title}",
            initiative=initiative,
            neighbourhood=neighbourhood,
            intro=f"{summary} Zo ging het.",
            body="<p>Het was een mooie dag. De buren kwamen, de kinderen speelden en "
            "we hebben elkaar beter leren kennen. Volgend jaar doen we het weer.</p>",
        )
        story.photos.add(
            StoryPhoto(
                image=demo_staff.demo_photo(story.title),
                caption="Een tekening van buren op een plein, met vlaggetjes",
            )
        )
        municipality.add_child(instance=story)
        story.save_revision().publish()

    def ensure_admin(self, password):
        """Create the superuser "admin" once; return its password, or None if
        the user existed already."""
        user_model = get_user_model()
        if user_model.objects.filter(username="admin").exists():
            return None
        user_model.objects.create_superuser("admin", "admin@example.org", password)
        self.stdout.write("Created user admin")
        return password
