from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "center.accounts"
    label = "accounts"
