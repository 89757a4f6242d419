"""Stage policies and the due dates they give each case."""
