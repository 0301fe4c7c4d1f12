from django.contrib.auth.decorators import login_not_required
from django.views.i18n import set_language

# The language switch also works on the login page, before anyone is logged in.
set_language_public = login_not_required(set_language)
