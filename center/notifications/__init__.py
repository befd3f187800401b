"""Telling people: notices of alarms, escalations, outages and residents' calls for help,
in the page and by e-mail, each recorded once whatever the number of notifiers."""
