"""The errors users of the success roadmap can see, in one place."""

from salespath.errors import Conflict, DomainError, NotAllowed


class SignOffNotAllowed(NotAllowed):
    """Only a sales supervisor of the person's own team signs off their skills."""

    code = "signoff_not_allowed"


class SignOffInvalid(DomainError):
    code = "signoff_invalid"


class AlreadySignedOff(Conflict):
    code = "already_signed_off"
