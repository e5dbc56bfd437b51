from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts.workplaces import workplaces_for


@login_required
def home(request):
    return render(
        request,
        "accounts/home.html",
        {"workplaces": workplaces_for(request.user), "scope": request.user.scope_root()},
    )
