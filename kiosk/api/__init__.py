"""Sockets that local tools and the station LAN use to reach the running terminal: the window
API (windows and call displays), its client, the admin socket, and the JSON-lines Unix
socket they build on."""
