"""The case: a request for electoral assistance, its workflow, pages, exports and admin."""
