"""Widgets shared by several screens, each with its own .kv file."""
