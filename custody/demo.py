"""Demo data for the custody register: one login per staff role, storage, cases and assets."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from . import roles

DEMO_USERS = {
    "officer": roles.CASE_OFFICER,
    "officer2": roles.CASE_OFFICER,
    "custodian": roles.CUSTODIAN,
    "valuer": roles.VALUER,
    "auctions": roles.AUCTION_MANAGER,
    "finance": roles.FINANCE_OFFICER,
    "approver": roles.APPROVER,
    "approver2": roles.APPROVER,
    "auditor": roles.AUDITOR,
}


def seed(command, options) -> None:
    User = get_user_model()
    password = options["password"]
    for username, role in DEMO_USERS.items():
        user, _ = User.objects.get_or_create(
            username=username, defaults={"email": f"{username}@agency.example.org", "is_staff": True,
                                         "first_name": role.split()[0], "last_name": "Demo"})
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=role))
    admin, _ = User.objects.get_or_create(username="admin", defaults={"email": "admin@agency.example.org"})
    admin.is_staff = admin.is_superuser = True
    admin.set_password(password)
    admin.save()
    command.stdout.write("Staff logins (password %r):" % password)
    for username, role in [("admin", "superuser"), *DEMO_USERS.items()]:
        command.stdout.write(f"  {username:<10} {role}")
