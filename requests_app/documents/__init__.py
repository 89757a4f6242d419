"""Documents of a case: checked uploads, stored under generated names, served with a permission check."""
