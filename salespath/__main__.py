"""The `salespath` console script: the project's manage.py."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salespath.settings")
    import django
    from django.core.management import execute_from_command_line

    from salespath.runtime import tune_garbage_collector

    django.setup()
    tune_garbage_collector()
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
