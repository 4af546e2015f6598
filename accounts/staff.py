"""Who counts as staff on a request: the one answer for the admin site and the public pages."""

from accounts import twofactor


def acting_staff(request):
    """The signed-in staff member this request acts for, or None.

    A staff member is someone active, with `is_staff`, who has passed the second sign-in step
    or owes none (no authenticator and not required). A session past the password alone is
    not staff anywhere: not in the admin, and not on the public pages (draft previews), which
    then answer as they do to anyone. Permissions are the caller's to check on the user
    returned, never on `request.user`.
    """
    user = getattr(request, "user", None)
    if user is None or not (user.is_authenticated and user.is_active and user.is_staff):
        return None
    if twofactor.second_step(request) is not None:
        return None
    return user
