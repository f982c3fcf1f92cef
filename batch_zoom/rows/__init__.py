"""Pure rules about rows: a sheet row to a meeting request, recurrence, changes. No I/O."""
