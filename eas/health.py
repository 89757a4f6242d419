"""The health probes answered before anything that would refuse a probe (requests_app.ops.views)."""

from requests_app.ops import views


class HealthProbesMiddleware:
    """Answer /healthz and /readyz before ALLOWED_HOSTS (a probe sends the machine's address as its
    Host), the HTTPS redirect (probes speak plain HTTP to the process) and the login are checked.
    Placed right after the request's log line (eas.logs), so a probe has its id and its line too."""

    probes = {"/healthz": views.healthz, "/readyz": views.readyz}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = self.probes.get(request.path_info)
        if probe is not None:
            return probe(request)
        return self.get_response(request)
