"""Support categories, shared by runbooks (which category a "Still blocked?" ticket gets)
and tickets (the category a customer picks)."""

from django.db import models


class SupportCategory(models.TextChoices):
    ONBOARDING = "onboarding", "Onboarding and account setup"
    AUTH = "auth", "Sign-in and authentication"
    BILLING = "billing", "Billing and plans"
    API = "api", "API and streaming"
    MODELS = "models", "Models and providers"
    TEAM = "team", "Teams and permissions"
    OTHER = "other", "Something else"
