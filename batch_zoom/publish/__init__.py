"""What a run hands to people beyond the sheet: the HTML report (and later calendar files)."""
