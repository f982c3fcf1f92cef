"""The page's own words, marked for the same catalog as the command line's (``pybabel extract``
reads Python only, so the templates take their text from here, translated per request)."""

from __future__ import annotations

from ..i18n import N_, _

TEXT = {
    "title": N_("Schedule Zoom meetings from a spreadsheet"),
    "language": N_("Language"),
    "switch": N_("Switch"),
    "sandbox_badge": N_("Sandbox: a Zoom emulator on this computer; the links are not real"),
    "step_connect": N_("1. Connect to Zoom"),
    "step_sheet": N_("2. Choose the sheet"),
    "step_schedule": N_("3. Schedule"),
    "step_results": N_("4. Results"),
    "sandbox_connect": N_(
        "The sandbox needs no Zoom account and no credentials: meetings are made in an "
        "emulator on this computer."
    ),
    "credentials_set": N_("Zoom credentials are set ({source})."),
    "credentials_unset": N_(
        "Zoom credentials are not set. Enter them from your Server-to-Server OAuth app "
        "(App Marketplace > Manage > your app > App Credentials)."
    ),
    "from_environment": N_("from the environment or .env"),
    "from_remembered": N_("remembered on this computer"),
    "from_page": N_("entered on this page"),
    "account_id": N_("Account ID"),
    "client_id": N_("Client ID"),
    "client_secret": N_("Client secret"),
    "remember": N_("Remember them on this computer (only your user can read the file)"),
    "check_credentials": N_("Check and use these credentials"),
    "sheet_file": N_("Spreadsheet (.xlsx, .xlsm or .csv)"),
    "drop_here": N_("Drop a spreadsheet here, or choose one above."),
    "worksheet": N_("Worksheet (empty: the first with the needed columns)"),
    "timezone": N_("Time zone for rows without one"),
    "timezone_empty": N_(
        "Empty: this computer's zone, {zone}; for a timetable in Japan: Asia/Tokyo"
    ),
    "hosts": N_("Host pool for rows without a host (emails, separated by commas)"),
    "default_host": N_("Host for rows without one (empty: the app owner)"),
    "date_order": N_("How to read a date like 03/04/2027"),
    "date_refuse": N_("refuse it as ambiguous"),
    "date_dmy": N_("day/month (3 April)"),
    "date_mdy": N_("month/day (March 4)"),
    "defaults": N_("Defaults for rows that leave the column empty"),
    "unset": N_("as the row says"),
    "yes": N_("yes"),
    "no": N_("no"),
    "check_sheet": N_("Check the sheet"),
    "check_again": N_("Check again with these options"),
    "chosen": N_("Sheet: {name}"),
    "columns_read": N_("How the columns were read"),
    "zone_used": N_("Rows without a time zone use {zone}."),
    "plan": N_("Every row's plan, problems first"),
    "check_zoom": N_("Check it on Zoom (hosts, double bookings, meetings already there)"),
    "checked_note": N_("Checked on Zoom: nothing was created, changed or deleted there."),
    "row": N_("Row"),
    "topic": N_("Topic"),
    "host": N_("Host"),
    "status": N_("Status"),
    "note": N_("Note"),
    "no_sheet": N_("Choose a sheet first."),
    "nothing_to_schedule": N_("Nothing left to schedule."),
    "schedule_button": N_("Schedule {count} meetings"),
    "schedule_button_sandbox": N_("Schedule {count} meetings in the sandbox"),
    "run_again": N_("Verify on Zoom and write the workbook again"),
    "update_button": N_("Apply the sheet's changes to its {count} meetings"),
    "stop": N_("Stop"),
    "stopping": N_("Stopping: the requests already sent finish first…"),
    "rows_done": N_("{done} of {total} rows done"),
    "time_left": N_("about {minutes} min left"),
    "time_left_seconds": N_("about {seconds} s left"),
    "running": N_("Running…"),
    "needs_credentials": N_("Connect to Zoom first (step 1)."),
    "receipt": N_("Receipt"),
    "tally": N_("Rows by status"),
    "attention": N_("Rows needing attention"),
    "nothing_attention": N_("Nothing needs attention."),
    "downloads": N_("Downloads"),
    "download_workbook": N_("The scheduled workbook (your own, with the links)"),
    "download_ics": N_("Calendar file (.ics) for participants"),
    "download_participants": N_("Participants' own join links"),
    "download_plan": N_("The checked sheet (dry run)"),
    "again": N_(
        "To apply edits or cancellations, edit the downloaded workbook and choose it again in "
        "step 2. Choosing the same sheet again creates nothing twice."
    ),
    "undo": N_("Undo: delete every meeting this workbook lists…"),
    "undo_question": N_("Delete them?"),
    "undo_yes": N_("Yes, delete them"),
    "undo_no": N_("No, keep them"),
    "interrupted": N_(
        "Stopped. Nothing is lost: schedule the same sheet again to finish the remaining rows."
    ),
    "warnings": N_("Notes"),
    "live_rows": N_("Rows as they settle"),
    "error": N_("Could not go on"),
}


def page_text() -> dict[str, str]:
    """Every text of the page in the language in use."""
    return {key: _(message) for key, message in TEXT.items()}
