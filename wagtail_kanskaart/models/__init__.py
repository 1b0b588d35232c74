from .budget import BudgetAccount, BudgetPage, LedgerEntry
from .cards import CardVisit
from .form_page import RequestFormPage
from .initiative import InitiativePage
from .municipality import MunicipalityPage, Neighbourhood
from .notification import Notification
from .payouts import PayoutBatch
from .requests import InitiativeRequest, RequestNeed
from .resources import Space, SpaceBooking, SpaceOpeningHours, SupportContact
from .story import StoryPage, StoryPhoto

__all__ = [
    "BudgetAccount",
    "BudgetPage",
    "CardVisit",
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
    "StoryPhoto",
    "SupportContact",
]
