from .menu import menu_for


def shell(request):
    """The menu of the signed-in user: groups by domain, filtered by what they may do (core/menu.py)."""
    user = getattr(request, "user", None)
    return {"menu": menu_for(user, request.path) if user is not None else []}
