"""One batch run: sort the rows, create, update and cancel exactly once, keep the journal."""
