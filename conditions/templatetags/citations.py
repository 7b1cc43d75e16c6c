"""`{% load citations %}`: AMA citations in templates (citations/ama.py)."""

from django import template

from citations.ama import ama_citation_html

register = template.Library()


@register.filter
def ama_citation(article, title="plain"):
    """`{{ article|ama_citation }}`; `|ama_citation:"link"` links the title; `|ama_citation:"none"` leaves it out."""
    return ama_citation_html(article, title=title)
