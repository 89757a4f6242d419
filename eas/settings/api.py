"""The REST API's settings (requests_app.api): Django REST framework and its OpenAPI schema.

Imported by base.py. The throttle rates come from the environment (README, "API").
"""

from eas.settings.env import env

# Requests per period ("120/minute", "5000/hour", "100000/day"): each user (so each token) has its own
# count; requests without a user (asking for a token, the schema) are counted per address.
EAS_API_USER_RATE = env("EAS_API_USER_RATE", default="120/minute")
EAS_API_ANON_RATE = env("EAS_API_ANON_RATE", default="20/minute")

REST_FRAMEWORK = {
    # A token (Authorization: Token <key>) for programs; the session for the browser (with its CSRF check).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["requests_app.api.permissions.CaseStaff"],
    "DEFAULT_THROTTLE_CLASSES": [
        "requests_app.api.throttles.PerUserThrottle",
        "requests_app.api.throttles.PerAddressThrottle",
    ],
    "DEFAULT_PAGINATION_CLASS": "requests_app.api.pagination.NewestFirst",
    "PAGE_SIZE": 50,
    # JSON only: the browsable page of the API is its documentation (/api/v1/docs/).
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "requests_app.api.parsers.StrictJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "requests_app.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "EAS API",
    "DESCRIPTION": (
        "Cases of United Nations electoral assistance (General Assembly resolution 62/150): countries, "
        "cases and their history, the workflow's actions, the roster of experts and the Trust Fund's balance. "
        "Authenticate with `Authorization: Token <key>` (POST /api/v1/token/, or the workspace's API token page)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # The documentation page's scripts and styles are served by the site itself (CSP: script-src 'self').
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "requests_app.api.schema.add_error_responses",
    ],
    # The stage of a case, its history's "from" and "to": one enumeration.
    "ENUM_NAME_OVERRIDES": {"StageEnum": "requests_app.cases.choices.Stage"},
}
