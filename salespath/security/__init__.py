"""Side doors closed: who the client is behind a proxy, and one sign-in lockout for
every way in (the web login, the admin login and the API's token endpoint)."""
