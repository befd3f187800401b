"""The Kivy touch UI. Only this package imports Kivy."""
