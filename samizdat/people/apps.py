from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "samizdat.people"
    label = "people"
