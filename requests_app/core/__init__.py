"""What several domains share: access and roles, errors, forms, absolute URLs, emails, spreadsheets."""
