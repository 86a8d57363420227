"""The blocks editors build public pages from: headings, rich text, images, calls to action, lists of
links, and the auction figures, which come from the data at the moment the page is shown."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.images.blocks import ImageBlock

from auctions import selectors as auction_selectors

RICH_TEXT_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul"]


def validate_link_url(value: str) -> None:
    """A link editors type: a path on this site ("/auctions/"), a web address, or mailto:."""
    if value.startswith("/") and not value.startswith("//"):
        return
    if value.startswith("mailto:"):
        EmailValidator(message=_("Enter a valid e-mail address after mailto:."))(value.removeprefix("mailto:"))
        return
    URLValidator(schemes=["http", "https"],
                 message=_("Enter a path on this site such as /auctions/, or a full address starting with "
                           "https://."))(value)


class LinkValue(blocks.StructValue):
    @property
    def live_page(self):
        """The chosen page if it is published (a link to a draft would be a dead end)."""
        page = self.get("page")
        return page if page is not None and page.live else None

    @property
    def text(self) -> str:
        page = self.live_page
        return self.get("label") or (page.title if page is not None else "")

    def href(self, request=None) -> str | None:
        page = self.get("page")
        if page is not None:
            return page.get_url(request=request) if page.live else None
        return self.get("url") or None


class LinkBlock(blocks.StructBlock):
    """A page of this site, or an address (a path on this site such as /auctions/, or another site)."""

    label = blocks.CharBlock(required=False, max_length=80,
                             help_text=_("The words people click. Leave empty to use the page's title."))
    page = blocks.PageChooserBlock(required=False)
    url = blocks.CharBlock(required=False, max_length=500, label=_("or address"), validators=[validate_link_url],
                           help_text=_("A path on this site such as /auctions/, or a full address."))

    class Meta:
        icon = "link"
        value_class = LinkValue
        template = "cms/blocks/link.html"
        label_format = "{label}"  # the link's words, on the collapsed block in the admin

    def clean(self, value):
        value = super().clean(value)
        page, url = value.get("page"), value.get("url")
        if page and url:
            raise StructBlockValidationError({"url": ValidationError(_("Choose a page or type an address, not both."))})
        if not page and not url:
            raise StructBlockValidationError({"page": ValidationError(_("Choose a page or type an address."))})
        if url and not value.get("label"):
            raise StructBlockValidationError({"label": ValidationError(_("A link to an address needs the words "
                                                                         "people click."))})
        return value


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=150)
    level = blocks.ChoiceBlock(choices=[("h2", _("Heading")), ("h3", _("Subheading"))], default="h2",
                               help_text=_("Subheadings sit under a heading; the page's title is above both."))

    class Meta:
        icon = "title"
        template = "cms/blocks/heading.html"


class FigureBlock(blocks.StructBlock):
    image = ImageBlock(help_text=_("Describe the image for people who cannot see it, or mark it decorative."))
    caption = blocks.CharBlock(required=False, max_length=250)

    class Meta:
        icon = "image"
        template = "cms/blocks/figure.html"


class CallToActionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock(required=False, max_length=400)
    link = LinkBlock()

    class Meta:
        icon = "pick"
        label = _("Call to action")
        template = "cms/blocks/call_to_action.html"


class LinkListBlock(blocks.StructBlock):
    heading = blocks.CharBlock(required=False, max_length=120)
    links = blocks.ListBlock(LinkBlock(), min_num=1)

    class Meta:
        icon = "list-ul"
        label = _("List of links")
        template = "cms/blocks/link_list.html"


class AuctionFiguresBlock(blocks.StructBlock):
    """Figures about the auctions, counted from the data when the page is shown (never typed in):
    lots open for bids, those ending within a day, and the auctions they belong to."""

    heading = blocks.CharBlock(max_length=120, default=_("The auctions today"))

    ENDING_WITHIN = timedelta(hours=24)
    # The busiest page of the site would count the open lots on every view: the figures are kept
    # half a minute (as a plain dict, whatever shape the selector's dataclass takes next release).
    CACHE_KEY = "cms:auction-figures"
    CACHE_SECONDS = 30

    class Meta:
        icon = "table"
        label = _("Auction figures (live)")
        template = "cms/blocks/auction_figures.html"
        help_text = _("Shows how many lots are open for bids and ending soon, counted when the page is viewed.")

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        figures = cache.get(self.CACHE_KEY)
        if not isinstance(figures, dict):
            figures = asdict(auction_selectors.public_figures(ending_within=self.ENDING_WITHIN))
            cache.set(self.CACHE_KEY, figures, self.CACHE_SECONDS)
        context["figures"] = figures
        return context


class BodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, icon="pilcrow", label=_("Text"),
                                     template="cms/blocks/paragraph.html")
    image = FigureBlock()
    call_to_action = CallToActionBlock()
    links = LinkListBlock()
    auction_figures = AuctionFiguresBlock()
