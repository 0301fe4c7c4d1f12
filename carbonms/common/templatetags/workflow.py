"""Template side of the workflow declarations: a page shows exactly the steps the user may take now.

``{% load workflow %}``
``{% workflow_steps obj as steps %}``: the available steps by name (``{% if steps.publish %}``).
``{% workflow_buttons obj %}``: one button (a POST form) per available step that takes no input, and
a link for a step done on its own form page.
"""
from __future__ import annotations

from django import template

from carbonms.common.workflow import workflow_of

register = template.Library()


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None)


@register.simple_tag(takes_context=True)
def workflow_steps(context, obj) -> dict:
    wf = workflow_of(obj)
    return {t.name: {"transition": t, "url": wf.url(obj, t.name)} for t in wf.available(_user(context), obj)}


@register.inclusion_tag("common/_workflow_buttons.html", takes_context=True)
def workflow_buttons(context, obj, small=False):
    wf = workflow_of(obj)
    steps = [
        {"transition": t, "url": wf.url(obj, t.name)}
        for t in wf.available(_user(context), obj) if not t.inputs or t.link
    ]
    return {"steps": steps, "small": small, "csrf_token": context.get("csrf_token")}
