"""The user's spreadsheet: reading rows (``read``), writing results into it (``write``)."""
