from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "samizdat.home"
    label = "home"
