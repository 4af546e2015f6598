"""Organizations customers belong to (by the domain of their address, or named one by
one), and the support plans that set a new ticket's priority and the service-level targets
of an organization's tickets."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from core.addresses import address_key
from tickets.models.priority import Priority

# Addresses anyone can have: a domain of these would put strangers in one organization.
PUBLIC_MAIL_DOMAINS = {
    "163.com",
    "aol.com",
    "fastmail.com",
    "gmail.com",
    "gmx.com",
    "gmx.de",
    "gmx.net",
    "googlemail.com",
    "hotmail.com",
    "icloud.com",
    "live.com",
    "mail.com",
    "mail.ru",
    "me.com",
    "msn.com",
    "outlook.com",
    "proton.me",
    "protonmail.com",
    "qq.com",
    "web.de",
    "yahoo.com",
    "yandex.ru",
    "zoho.com",
}
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def normal_domain(text):
    """A domain as address keys spell it (IDNA, lower case), or ValidationError."""
    domain = str(text).strip().lower().lstrip("@").rstrip(".")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        domain = ""
    labels = domain.split(".")
    if len(labels) < 2 or len(domain) > 253 or not all(_LABEL.match(x) for x in labels):
        raise ValidationError("Enter a domain like example.com (without the @).")
    return domain


class SLAKind(models.TextChoices):
    FIRST_RESPONSE = "first_response", "First response"
    NEXT_REPLY = "next_reply", "Next reply"
    RESOLUTION = "resolution", "Resolution"


class SupportPlan(models.Model):
    name = models.CharField(max_length=60, unique=True)
    default_priority = models.PositiveSmallIntegerField(
        choices=Priority,
        null=True,
        blank=True,
        help_text="A new ticket from this plan's organizations starts at this priority "
        "(rules may change it after). Empty: Normal.",
    )
    notes = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class SLATarget(models.Model):
    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="targets")
    kind = models.CharField(max_length=20, choices=SLAKind)
    priority = models.PositiveSmallIntegerField(choices=Priority)
    hours = models.DecimalField(
        "business hours",
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(0.1)],
    )

    class Meta:
        ordering = ["kind", "-priority"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "kind", "priority"], name="one_target_per_kind_and_priority"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}, {self.get_priority_display()}: {self.hours} h"


class OrganizationQuerySet(models.QuerySet):
    def for_address(self, address):
        """The organization of a customer: the one that names them, else the one of their
        address's domain (or of a parent domain: eu.acme.com is acme.com's); None."""
        try:
            key = address_key(address)
        except ValueError:
            return None
        member = OrganizationMember.objects.filter(email_key=key).first()
        if member is not None:
            return self.filter(pk=member.organization_id).first()
        domains = parent_domains(key.rpartition("@")[2])
        found = dict(
            OrganizationDomain.objects.filter(domain__in=domains).values_list(
                "domain", "organization_id"
            )
        )
        for domain in domains:  # the longest first
            if domain in found:
                return self.filter(pk=found[domain]).first()
        return None


def parent_domains(domain):
    """eu.acme.com -> [eu.acme.com, acme.com] (never a bare top-level domain)."""
    labels = domain.split(".")
    return [".".join(labels[i:]) for i in range(len(labels) - 1)]


class Organization(models.Model):
    name = models.CharField(max_length=100, unique=True)
    plan = models.ForeignKey(
        SupportPlan,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organizations",
        help_text="Sets a new ticket's priority and the service-level targets.",
    )
    notes = models.TextField(
        "staff notes", blank=True, max_length=10000, help_text="Never shown to customers."
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class OrganizationDomain(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(
        max_length=253,
        unique=True,
        help_text="Everyone writing from this domain (or one under it) belongs to the "
        "organization, unless named in another one.",
    )

    class Meta:
        ordering = ["domain"]

    def __str__(self):
        return self.domain

    def clean(self):
        try:
            self.domain = normal_domain(self.domain)
        except ValidationError as error:
            raise ValidationError({"domain": error.messages}) from None
        if self.domain in PUBLIC_MAIL_DOMAINS:
            raise ValidationError(
                {
                    "domain": f"{self.domain} is a public email provider: everyone using it "
                    "would join this organization. Add its people one by one instead."
                }
            )


class OrganizationMember(models.Model):
    """A customer named in an organization (whatever their address's domain)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="members")
    email = models.EmailField(max_length=254)
    # One organization per person: the normal form of the address (core.addresses).
    email_key = models.CharField(max_length=320, unique=True, editable=False)
    name = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.name or self.email

    def save(self, *args, **kwargs):
        self.email_key = address_key(self.email)
        super().save(*args, **kwargs)

    def clean(self):
        try:
            self.email_key = address_key(self.email)
        except ValueError:
            raise ValidationError({"email": "Enter a valid email address."}) from None
        other = OrganizationMember.objects.filter(email_key=self.email_key)
        other = other.exclude(pk=self.pk).select_related("organization").first()
        if other is not None:
            raise ValidationError(
                {"email": f"{self.email} already belongs to {other.organization}."}
            )
