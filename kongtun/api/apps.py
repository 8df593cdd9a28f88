from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "kongtun.api"
    label = "api"
