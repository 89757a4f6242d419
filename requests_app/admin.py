"""The admin: each domain registers its own (requests_app/<domain>/admin.py)."""

from requests_app.accounts import admin as accounts_admin  # noqa: F401
from requests_app.api import admin as api_admin  # noqa: F401
from requests_app.cases import admin as cases_admin  # noqa: F401
from requests_app.coordination import admin as coordination_admin  # noqa: F401
from requests_app.core import admin as core_admin  # noqa: F401
from requests_app.correspondence import admin as correspondence_admin  # noqa: F401
from requests_app.deadlines import admin as deadlines_admin  # noqa: F401
from requests_app.documents import admin as documents_admin  # noqa: F401
from requests_app.evaluation import admin as evaluation_admin  # noqa: F401
from requests_app.fund import admin as fund_admin  # noqa: F401
from requests_app.history import admin as history_admin  # noqa: F401
from requests_app.mandates import admin as mandates_admin  # noqa: F401
from requests_app.partners import admin as partners_admin  # noqa: F401
from requests_app.reference import admin as reference_admin  # noqa: F401
from requests_app.reminders import admin as reminders_admin  # noqa: F401
from requests_app.roster import admin as roster_admin  # noqa: F401
