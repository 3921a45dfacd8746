"""The admin site, open to administrators only.

`is_staff` alone opens nothing: the admin does not apply the visibility rules, so only a
superuser or a person with the administrator role may reach it, by the login form and by
every admin view alike.
"""
