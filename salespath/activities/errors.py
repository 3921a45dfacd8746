"""The errors a person logging activities can see, in one place."""

from salespath.errors import DomainError, NotAllowed, NotFound


class ActivityInvalid(DomainError):
    """The activity as given cannot be recorded: bad hours, date or kind."""

    code = "activity_invalid"


class ActivityNotYours(NotAllowed):
    """Only the person an activity belongs to may log, change or delete it."""

    code = "activity_not_yours"


class ActivitySubjectNotFound(NotFound):
    """A customer or opportunity that does not exist or that the author may not see."""

    code = "activity_subject_not_found"
