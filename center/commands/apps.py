from django.apps import AppConfig


class CommandsConfig(AppConfig):
    name = "center.commands"
    label = "commands"
