"""batch_zoom: schedule a spreadsheet of Zoom meetings and write the join links back into it."""

__version__ = "0.1.0"
