"""Demo and benchmark data, in small modules."""
