"""Content of the clinic site: conditions, the treatments the clinic offers, and the research behind them.

- `publishing`: statuses, medical sign-offs, change requests, the `Publishable` base with draft copies.
- `review`: the medical review cycle (`Reviewed`).
- `treatments`, `research` (articles and authors), `conditions` (with their ordered treatments and articles).
- `clinicians`: the clinicians' public profile pages.
"""

from .clinicians import ClinicianProfile, ClinicianProfileQuerySet
from .conditions import (
    BodyRegion,
    Condition,
    ConditionArticle,
    ConditionQuerySet,
    ConditionRegion,
    ConditionTreatment,
    a_to_z,
    labelled_region_counts,
)
from .publishing import (
    NOT_CONTENT,
    UNVERSIONED,
    ChangeRequest,
    Publishable,
    PublishableQuerySet,
    SignOff,
    Status,
    publishing_constraints,
    random_key,
)
from .research import RESERVED_ARTICLE_SLUGS, ArticleAuthor, ResearchArticle, ResearchArticleQuerySet, check_citations
from .review import Reviewed, ReviewedQuerySet, add_months, review_dates_in_order
from .treatments import Treatment, TreatmentCategory, TreatmentQuerySet

__all__ = [
    "NOT_CONTENT", "RESERVED_ARTICLE_SLUGS", "UNVERSIONED", "ArticleAuthor", "BodyRegion", "ChangeRequest",
    "ClinicianProfile", "ClinicianProfileQuerySet", "Condition", "ConditionArticle", "ConditionQuerySet",
    "ConditionRegion", "ConditionTreatment", "a_to_z", "labelled_region_counts", "Publishable",
    "PublishableQuerySet", "ResearchArticle", "ResearchArticleQuerySet", "Reviewed", "ReviewedQuerySet", "SignOff",
    "Status", "Treatment", "TreatmentCategory", "TreatmentQuerySet", "add_months", "check_citations",
    "publishing_constraints", "random_key", "review_dates_in_order",
]  # fmt: skip
