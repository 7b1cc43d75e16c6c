"""factory_boy factories: published content by default, so tests say `status=Status.DRAFT` when they mean it."""

from datetime import timedelta

import factory
import reversion
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.roles import sync_roles
from clinicians.models import Clinician
from conditions.models import (
    ArticleAuthor,
    BodyRegion,
    ClinicianProfile,
    Condition,
    ConditionArticle,
    ConditionTreatment,
    ResearchArticle,
    Status,
    Treatment,
    TreatmentCategory,
    add_months,
)
from conditions.publishing import publish_as_imported

PASSWORD = "correct horse battery staple"


class PublishedFactory(factory.django.DjangoModelFactory):
    """Published pages carry a medical sign-off, as the database requires (made as a draft, then signed off)."""

    status = Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        reviewer = kwargs.pop("reviewed_by", f"{REVIEWER_NAME}, {REVIEWER_CREDENTIALS}")
        if kwargs.get("status") != Status.PUBLISHED:
            return super()._create(model_class, *args, **kwargs)
        name, _comma, credentials = reviewer.rpartition(", ")
        with reversion.create_revision():  # one revision, as one save in the admin would make
            page = super()._create(model_class, *args, **{**kwargs, "status": Status.DRAFT})
            publish_as_imported(page, name=name or credentials, credentials=credentials if name else "", note="Test")
        dates = ("last_reviewed", "next_review_due")
        review = {name: kwargs.get(name) for name in dates} if any(name in kwargs for name in dates) else {}
        if review.get("last_reviewed") and "next_review_due" not in kwargs:
            review["next_review_due"] = add_months(review["last_reviewed"], settings.REVIEW_INTERVAL_MONTHS)
        if review:  # a test that sets the review dates means them, not the sign-off's
            model_class.objects.filter(pk=page.pk).update(**review)
            for name, value in review.items():
                setattr(page, name, value)
        return page


REVIEWER_NAME, REVIEWER_CREDENTIALS = "Arif Hussain", "DO"


class TreatmentFactory(PublishedFactory):
    class Meta:
        model = Treatment

    name = factory.Sequence(lambda n: f"Treatment {n}")
    slug = factory.Sequence(lambda n: f"treatment-{n}")
    category = TreatmentCategory.INJECTION
    summary = "A short plain summary of the treatment."
    body = "<p>How the treatment is done and what to expect.</p>"


class ResearchArticleFactory(PublishedFactory):
    class Meta:
        model = ResearchArticle
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Outcomes of interventional care, study {n}")
    slug = factory.Sequence(lambda n: f"study-{n}")
    journal = "Pain Practice"
    journal_abbreviation = "Pain Pract"
    year = 2014
    volume = "14"
    issue = "1"
    pages = "64-78"

    @factory.post_generation
    def treatments(self, create, extracted, **kwargs):
        if create and extracted:
            self.treatments.set(extracted)

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        """`authors=2`: two made-up authors; `authors=[("Hussain", "Arif", "DO"), ("Erdek",)]`: these, in order."""
        if not create or not extracted:
            return
        people = (
            [(f"Author{self.pk}-{n}", "Arif") for n in range(extracted)] if isinstance(extracted, int) else extracted
        )
        for position, person in enumerate(people):
            family, given, credentials = (*person, "", "")[:3]
            ArticleAuthor.objects.create(
                article=self, position=position, family_name=family, given_names=given, credentials=credentials
            )


class ArticleAuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ArticleAuthor

    article = factory.SubFactory(ResearchArticleFactory)
    position = factory.Sequence(lambda n: n)
    family_name = factory.Sequence(lambda n: f"Author{n}")
    given_names = "Arif"


class ConditionFactory(PublishedFactory):
    class Meta:
        model = Condition

    name = factory.Sequence(lambda n: f"Condition {n}")
    slug = factory.Sequence(lambda n: f"condition-{n}")
    summary = "A short plain summary of the condition."
    body_region = BodyRegion.LOW_BACK
    overview = "<p>What the condition is.</p>"


class ClinicianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clinician

    name = factory.Sequence(lambda n: f"Jane Doe{n}")
    credentials = "MD"


class ClinicianProfileFactory(PublishedFactory):
    class Meta:
        model = ClinicianProfile

    clinician = factory.SubFactory(ClinicianFactory)
    slug = factory.Sequence(lambda n: f"clinician-{n}")
    summary = "Treats back pain."
    biography = "<p>Trained in pain medicine.</p>"


class ConditionTreatmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConditionTreatment

    condition = factory.SubFactory(ConditionFactory)
    treatment = factory.SubFactory(TreatmentFactory)
    position = factory.Sequence(lambda n: n)


class ConditionArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConditionArticle

    condition = factory.SubFactory(ConditionFactory)
    article = factory.SubFactory(ResearchArticleFactory)
    position = factory.Sequence(lambda n: n)


class StaffUserFactory(factory.django.DjangoModelFactory):
    """A staff account in one of the roles created by the migration: "Editor", "Medical reviewer", "Administrator"."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@clinic.example")
    is_staff = True
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(role_group(extracted))


def role_group(name):
    """The role's group as accounts/roles.py declares it (rebuilt if a transactional test's flush removed it)."""
    group = Group.objects.filter(name=name).first()
    if group is None:
        sync_roles()
        group = Group.objects.get(name=name)
    return group


def condition_with_related(count, **kwargs):
    """A published condition with `count` treatments (in three categories, in the editor's order) and as many
    articles, each about one of the treatments and with two authors: for pages whose cost must not grow with them."""
    condition = ConditionFactory(**kwargs)
    categories = [TreatmentCategory.SURGICAL, TreatmentCategory.INJECTION, TreatmentCategory.ADVANCED]
    for index in range(count):
        treatment = TreatmentFactory(category=categories[index % 3])
        ConditionTreatmentFactory(condition=condition, treatment=treatment, position=index)
        article = ResearchArticleFactory(treatments=[treatment], authors=2)
        ConditionArticleFactory(condition=condition, article=article, position=index)
    return condition
