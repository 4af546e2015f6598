"""How a staff member is named wherever staff see each other: their full name, else their
login."""


def staff_name(user):
    return user.get_full_name() or user.get_username()
