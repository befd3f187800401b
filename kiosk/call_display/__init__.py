"""The waiting area's call display: a Kivy app that follows the terminal's calls over the
window API and speaks them (`kiosk call-display`)."""
