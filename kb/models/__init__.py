from kb.models.content import (
    FAQEntry,
    Guide,
    PageBlock,
    RenderedMarkdownMixin,
    Tag,
    can_preview_drafts,
    tag_fields,
)
from kb.models.feedback import Feedback, OutdatedReport, voter_fingerprint
from kb.models.freshness import Reviewed, ReviewedQuerySet
from kb.models.publishing import (
    IllegalPublishMove,
    Publishable,
    PublishableQuerySet,
    PublishState,
)
from kb.revisions import NOT_KEPT

__all__ = [
    "NOT_KEPT",
    "FAQEntry",
    "Feedback",
    "Guide",
    "IllegalPublishMove",
    "OutdatedReport",
    "PageBlock",
    "Publishable",
    "PublishableQuerySet",
    "PublishState",
    "RenderedMarkdownMixin",
    "Reviewed",
    "ReviewedQuerySet",
    "Tag",
    "can_preview_drafts",
    "tag_fields",
    "voter_fingerprint",
]
