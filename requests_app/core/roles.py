"""The roles of the unit, as Django groups (made by migration 0007_roles, their rights extended by
0011 and 0018_decide13: the focal point decides what the officer recommends; README "Security").

Rights come from the groups' permissions; what a user sees is narrowed by scope
(selectors.visible_cases): the cases of their regional desk, or every case with
requests_app.view_all_cases. Deny by default: a user in no group sees and does nothing.
"""

INTAKE_CLERK = "Intake clerk"
ELECTORAL_OFFICER = "Electoral officer"
TEAM_LEAD = "Team lead"
FOCAL_POINT = "Focal point"
FINANCE = "Finance"
AUDITOR = "Auditor"

ALL = [INTAKE_CLERK, ELECTORAL_OFFICER, TEAM_LEAD, FOCAL_POINT, FINANCE, AUDITOR]
