from .budget import BudgetAccount, BudgetPage, LedgerEntry
from .form_page import RequestFormPage
from .initiative import InitiativePage
from .municipality import MunicipalityPage, Neighbourhood
from .notification import Notification
from .payouts import PayoutBatch
from .requests import InitiativeRequest, RequestNeed
from .resources import Space, SpaceBooking, SpaceOpeningHours, SupportContact
from .story import StoryPage

__all__ = [
    "BudgetAccount",
    "BudgetPage",
    "InitiativePage",
    "InitiativeRequest",
    "LedgerEntry",
    "MunicipalityPage",
    "Neighbourhood",
    "Notification",
    "PayoutBatch",
    "RequestFormPage",
    "RequestNeed",
    "Space",
    "SpaceBooking",
    "SpaceOpeningHours",
    "StoryPage",
    "SupportContact",
]
